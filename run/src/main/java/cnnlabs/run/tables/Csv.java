package cnnlabs.run.tables;

/** CSV as spreadsheets and pandas read it (RFC 4180). */
public final class Csv {

    private Csv() {
    }

    /** {@code s} as one field: quoted, with quotes doubled, when it holds a comma, a quote or a line break. */
    public static String field(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
