package cnnlabs.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One axis of a sweep's pictures: where a value lies on it and which ticks it has. A searched setting's axis follows
 * its dimension: a choice has one slot per value, labelled with the value; a log_uniform range is in decades (ticks
 * 1e-4, 1e-3, ... or 0.001, 0.01, ...); a uniform or int range is linear. A metric's axis is linear over its values,
 * or in decades when they are positive and span two orders of magnitude or more.
 *
 * <p>Positions are in axis units (a choice's index, log10 of a log-scaled value, else the value itself); {@link
 * #fraction} puts them in [0, 1] along the axis.
 */
final class Scale {

    /** A tick at {@code at} (axis units); an empty label is a minor tick (a log axis's 2 to 9 of each decade). */
    record Tick(double at, String label) {
        boolean major() {
            return !label.isEmpty();
        }
    }

    private final List<String> categories; // null unless categorical
    private final boolean log;
    private final boolean integer;
    private final double lo;
    private final double hi;

    private Scale(List<String> categories, boolean log, boolean integer, double lo, double hi) {
        this.categories = categories;
        this.log = log;
        this.integer = integer;
        this.lo = lo;
        this.hi = hi;
    }

    /** The axis of a searched setting, over the whole range the sweep file gives it (not only the values drawn). */
    static Scale of(SweepDimension d) {
        if (d.choice() != null) {
            return categories(d.choice().stream().map(String::valueOf).toList());
        }
        if (d.logUniform() != null) {
            double a = Math.log10(d.logUniform().get(0));
            double b = Math.log10(d.logUniform().get(1));
            double pad = (b - a) * 0.04;
            return new Scale(null, true, false, a - pad, b + pad);
        }
        if (d.integer() != null) {
            return new Scale(null, false, true, d.integer().get(0) - 0.5, d.integer().get(1) + 0.5);
        }
        double a = d.uniform().get(0);
        double b = d.uniform().get(1);
        return new Scale(null, false, false, a - (b - a) * 0.04, b + (b - a) * 0.04);
    }

    /** One slot per category, in this order. */
    static Scale categories(List<String> values) {
        return new Scale(List.copyOf(values), false, false, -0.5, values.size() - 0.5);
    }

    /** A metric's axis over {@code min..max} (padded a little; a single value gets a small range around it). */
    static Scale metric(double min, double max) {
        if (!(min <= max)) {
            return new Scale(null, false, false, 0, 1);
        }
        if (min > 0 && max / min >= 100) {
            double a = Math.log10(min);
            double b = Math.log10(max);
            return new Scale(null, true, false, a - (b - a) * 0.05, b + (b - a) * 0.05);
        }
        double pad = max > min ? (max - min) * 0.06 : Math.max(Math.abs(min) * 0.05, 0.05);
        return new Scale(null, false, false, min - pad, max + pad);
    }

    boolean categorical() {
        return categories != null;
    }

    boolean logarithmic() {
        return log;
    }

    /** A setting's value in axis units; NaN when it is absent or not one of the axis's values. */
    double units(String value) {
        if (value == null) {
            return Double.NaN;
        }
        if (categories != null) {
            int i = categories.indexOf(value);
            return i < 0 ? Double.NaN : i;
        }
        try {
            return units(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** A number in axis units (NaN for a log axis's non-positive values). */
    double units(double value) {
        if (categories != null) {
            return value;
        }
        return log ? (value > 0 ? Math.log10(value) : Double.NaN) : value;
    }

    /** Where axis units lie along the axis: 0 at its low end, 1 at its high end. */
    double fraction(double units) {
        return (units - lo) / (hi - lo);
    }

    /** The ticks along the axis, low to high. */
    List<Tick> ticks() {
        List<Tick> out = new ArrayList<>();
        if (categories != null) {
            for (int i = 0; i < categories.size(); i++) {
                out.add(new Tick(i, categories.get(i)));
            }
            return out;
        }
        if (!log) {
            double step = niceStep(hi - lo, integer);
            for (long k = (long) Math.ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; k++) {
                out.add(new Tick(k * step, number(k * step, step)));
            }
            return out;
        }
        long first = (long) Math.ceil(lo - 1e-9);
        long last = (long) Math.floor(hi + 1e-9);
        if (last - first >= 1) { // two decades or more: label the decades, the 2..9 between them as minor ticks
            boolean plain = first >= -3 && last <= 3;
            for (long k = first - 1; k <= last; k++) {
                if (k >= first) {
                    out.add(new Tick(k, decade(k, plain)));
                }
                for (int m = 2; m <= 9 && last - first <= 6; m++) {
                    double at = k + Math.log10(m);
                    if (at > lo && at < hi) {
                        out.add(new Tick(at, ""));
                    }
                }
            }
            out.sort((a, b) -> Double.compare(a.at(), b.at()));
            return out;
        }
        // less than two decades: nice values of the range itself, placed on the log axis
        double a = Math.pow(10, lo);
        double b = Math.pow(10, hi);
        double step = niceStep(b - a, false);
        for (long k = (long) Math.ceil(a / step); k * step <= b; k++) {
            if (k > 0) {
                out.add(new Tick(Math.log10(k * step), number(k * step, step)));
            }
        }
        return out;
    }

    /** A decade's label: 0.001 ... 1000 when every decade of the axis is within those, else 1e-4, 1e-3, ... */
    static String decade(long k, boolean plain) {
        if (!plain) {
            return "1e" + k;
        }
        return k >= 0 ? String.valueOf((long) Math.pow(10, k)) : "0." + "0".repeat((int) (-k - 1)) + "1";
    }

    /** A step of 1, 2 or 5 times a power of ten giving about five ticks over {@code span} (whole numbers when asked). */
    static double niceStep(double span, boolean whole) {
        if (!(span > 0)) {
            return 1;
        }
        double raw = span / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double r = raw / magnitude;
        double step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * magnitude;
        return whole ? Math.max(1, Math.round(step)) : step;
    }

    /** A tick value with as many decimals as its step needs; thousands and millions as k and M for large values. */
    static String number(double v, double step) {
        if (Math.abs(v) < step * 1e-6) {
            return "0";
        }
        double scale = 1;
        String suffix = "";
        if (step >= 1e6 || Math.abs(v) >= 1e7) {
            scale = 1e6;
            suffix = "M";
        } else if (step >= 1e3 || Math.abs(v) >= 1e5) {
            scale = 1e3;
            suffix = "k";
        }
        int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step / scale) - 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", v / scale) + suffix;
    }
}
