package cnnlabs.training;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Where training and experiments report progress: a progress bar with ETA redrawn in place, within 80 columns (a
 * terminal's default); a plain line at each quarter of an epoch (a log's default); or nothing but the epoch lines.
 */
public final class Console {

    /** The terminal width the bar keeps within. */
    static final int COLUMNS = 80;

    /** How progress within an epoch is shown. */
    public enum Mode {
        BAR, LINES, OFF
    }

    private final PrintStream out;
    private final Mode mode;

    public Console(PrintStream out, Mode mode) {
        this.out = out;
        this.mode = mode;
    }

    /** A bar when {@code interactive}, else lines. */
    public Console(PrintStream out, boolean interactive) {
        this(out, interactive ? Mode.BAR : Mode.LINES);
    }

    /** Standard output in {@code mode}; null: a bar when attached to a terminal, else lines. */
    public static Console system(Mode mode) {
        return mode == null ? new Console(System.out, System.console() != null) : new Console(System.out, mode);
    }

    public Mode mode() {
        return mode;
    }

    public void println(String line) {
        out.println(line);
        out.flush();
    }

    public Progress progress(String label, int total) {
        return new Progress(label, total);
    }

    /** Progress through {@code total} steps. */
    public final class Progress {
        private static final int MAX_BAR = 30;
        private final String label;
        private final int total;
        private final long start = System.nanoTime();
        private long lastDraw;
        private int nextQuarter = 1;

        private Progress(String label, int total) {
            this.label = label;
            this.total = total;
        }

        /** {@code done} of {@code total} steps are finished; {@code status} is e.g. "loss 0.31 - acc 0.91". */
        public void update(int done, String status) {
            long now = System.nanoTime();
            double elapsed = (now - start) / 1e9;
            double eta = done == 0 || total <= 0 ? Double.NaN : elapsed / done * (total - done);
            if (mode == Mode.BAR) {
                if (now - lastDraw < 200_000_000L && (done < total || total <= 0)) {
                    return;
                }
                lastDraw = now;
                out.print("\r" + bar(done, status, eta));
                out.flush();
            } else if (mode == Mode.LINES && total > 0 && done * 4L >= (long) nextQuarter * total && done < total) {
                nextQuarter = (int) (done * 4L / total) + 1;
                println(String.format(Locale.ROOT, "%s %d/%d - %s - ETA %s", label, done, total, status,
                        formatSeconds(eta)));
            }
        }

        /** The bar's line, at most {@link #COLUMNS} - 1 characters: the bar shrinks (or goes) to fit the rest. */
        String bar(int done, String status, double eta) {
            String head = String.format(Locale.ROOT, "%s %d/%d ", label, done, total);
            String tail = String.format(Locale.ROOT, " %s ETA %s", status, formatSeconds(eta));
            int width = Math.min(MAX_BAR, COLUMNS - 1 - head.length() - tail.length() - 2);
            String line;
            if (width < 5) {
                line = head.strip() + tail;
            } else {
                int filled = total == 0 ? width : (int) ((long) width * done / total);
                line = head + "[" + "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? (done < total ? ">" : "=") : "")
                        + " ".repeat(width - filled) + "]" + tail;
            }
            if (line.length() > COLUMNS - 1) {
                line = line.substring(0, COLUMNS - 1);
            }
            return line + " ".repeat(COLUMNS - 1 - line.length());
        }

        /** Ends the bar (clears its line so that the epoch summary replaces it). */
        public void finish() {
            if (mode == Mode.BAR) {
                out.print("\r" + " ".repeat(COLUMNS - 1) + "\r");
                out.flush();
            }
        }
    }

    static String formatSeconds(double seconds) {
        if (Double.isNaN(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
