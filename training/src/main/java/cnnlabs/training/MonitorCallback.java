package cnnlabs.training;

/**
 * The base of callbacks that watch one metric, as Keras' {@code MonitorCallback}: the {@link Monitor} (its mode,
 * minimise or maximise, comes with it), the smallest change that counts, and whether a value improves on another.
 */
public abstract class MonitorCallback implements Callback {

    protected final Monitor monitor;
    protected final double minDelta;

    protected MonitorCallback(Monitor monitor, double minDelta) {
        if (monitor == null || !(minDelta >= 0)) {
            throw new IllegalArgumentException("a monitor and a min delta >= 0 are needed, got " + monitor + ", " + minDelta);
        }
        this.monitor = monitor;
        this.minDelta = minDelta;
    }

    public Monitor monitor() {
        return monitor;
    }

    /** The monitored value in {@code metrics}. */
    protected double current(EpochMetrics metrics) {
        return monitor.value(metrics);
    }

    /**
     * Whether {@code candidate} is better than {@code reference} by more than the min delta in the monitor's direction;
     * NaN never improves, and anything improves on NaN (no value yet).
     */
    public boolean isImprovement(double candidate, double reference) {
        if (Double.isNaN(candidate)) {
            return false;
        }
        if (Double.isNaN(reference)) {
            return true;
        }
        return monitor.maximise() ? candidate - minDelta > reference : candidate + minDelta < reference;
    }

    /** A number from a restored state (JSON writes NaN as a string). */
    protected static double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        return Double.parseDouble(String.valueOf(value));
    }
}
