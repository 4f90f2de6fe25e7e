package cnnlabs.experiments;

import java.util.ArrayList;
import java.util.List;

/** A small Markdown table builder for {@code table.md}. */
final class MarkdownTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /** A count with thousands separators, as the labs print parameter counts: 1,867,466. */
    static String count(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }

    MarkdownTable(String... header) {
        this.header = List.of(header);
    }

    MarkdownTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
        }
        List<String> row = new ArrayList<>();
        for (Object c : cells) {
            row.add(String.valueOf(c));
        }
        rows.add(row);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        line(out, header);
        line(out, header.stream().map(h -> "---").toList());
        rows.forEach(r -> line(out, r));
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells) {
        out.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
}
