package cnnlabs.experiments.performance;

import java.util.Arrays;
import java.util.Locale;

/**
 * A speed measured in several rounds: the median and the range of the rounds' values (images per second), and how
 * many rounds. Two measurements whose ranges do not overlap differ beyond this machine's noise; ranges that overlap
 * leave the ratio of their medians as a reading, not a decision.
 */
public record Spread(double median, double min, double max, int rounds) {

    /** The spread of {@code values} (one per round; at least one). */
    public static Spread of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no rounds to summarise");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Spread(median, sorted[0], sorted[n - 1], n);
    }

    /** Whether the two ranges share any value. */
    public boolean overlaps(Spread other) {
        return min <= other.max && other.min <= max;
    }

    /** This median over {@code other}'s. */
    public double ratio(Spread other) {
        return median / other.median;
    }

    /** "4,071 (3,950-4,210)". */
    public String format() {
        return String.format(Locale.ROOT, "%,.0f (%,.0f-%,.0f)", median, min, max);
    }
}
