package cnnlabs.training;

import java.util.Map;

/**
 * PyTorch's {@code ReduceLROnPlateau} (threshold 1e-4 relative, no cooldown): when the monitored metric has not
 * improved for more than {@code patience} epochs, the learning rate is multiplied by {@code factor} (via
 * {@link Fit#rateFactor}, which {@link LrScheduler} applies from the next epoch, never below {@code lr.min}).
 */
public final class ReduceLrOnPlateau extends MonitorCallback {

    private static final double THRESHOLD = 1e-4;

    private final double factor;
    private final int patience;
    private double best = Double.NaN;
    private int badEpochs;

    public ReduceLrOnPlateau(Monitor monitor, double factor, int patience) {
        super(monitor, 0);
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("factor must be in (0, 1), got " + factor);
        }
        this.factor = factor;
        this.patience = patience;
    }

    @Override
    public Stage stage() {
        return Stage.SCHEDULE;
    }

    /** PyTorch's relative threshold (mode 'rel'): better than {@code reference} by a factor of 1e-4. */
    @Override
    public boolean isImprovement(double candidate, double reference) {
        if (Double.isNaN(candidate)) {
            return false;
        }
        if (Double.isNaN(reference)) {
            return true;
        }
        return monitor.maximise() ? candidate > reference * (1 + THRESHOLD) : candidate < reference * (1 - THRESHOLD);
    }

    @Override
    public void onEpochEnd(Fit fit, EpochMetrics metrics) {
        double value = current(metrics);
        if (isImprovement(value, best)) {
            best = value;
            badEpochs = 0;
        } else {
            badEpochs++;
        }
        if (badEpochs > patience) {
            fit.rateFactor(fit.rateFactor() * factor);
            badEpochs = 0;
        }
    }

    @Override
    public Map<String, Object> state() {
        return Map.of("best", best, "bad_epochs", badEpochs);
    }

    @Override
    public void restore(Fit fit, Map<String, Object> state) {
        best = number(state.get("best"));
        badEpochs = (int) number(state.get("bad_epochs"));
    }
}
