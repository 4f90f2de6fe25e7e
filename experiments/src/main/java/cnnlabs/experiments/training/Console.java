package cnnlabs.experiments.training;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Where experiments report progress. On a terminal, a progress bar with ETA is redrawn in place; otherwise
 * (logs, CI) a plain line is printed at each quarter of an epoch.
 */
public final class Console {

    private final PrintStream out;
    private final boolean interactive;

    public Console(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** Standard output; interactive when attached to a terminal. */
    public static Console system() {
        return new Console(System.out, System.console() != null);
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
        private static final int WIDTH = 30;
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
            double eta = done == 0 ? Double.NaN : elapsed / done * (total - done);
            if (interactive) {
                if (now - lastDraw < 200_000_000L && done < total) {
                    return;
                }
                lastDraw = now;
                int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
                String bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 && done < total ? ">" : filled > 0 ? "=" : "")
                        + " ".repeat(WIDTH - filled);
                out.print(String.format(Locale.ROOT, "\r%s %d/%d [%s] %s - ETA %s   ", label, done, total, bar, status,
                        formatSeconds(eta)));
                out.flush();
            } else if (total > 0 && done * 4L >= (long) nextQuarter * total && done < total) {
                nextQuarter = (int) (done * 4L / total) + 1;
                println(String.format(Locale.ROOT, "%s %d/%d - %s - ETA %s", label, done, total, status, formatSeconds(eta)));
            }
        }

        /** Ends the bar (on a terminal, clears its line so that the epoch summary replaces it). */
        public void finish() {
            if (interactive) {
                out.print("\r" + " ".repeat(label.length() + WIDTH + 80) + "\r");
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
