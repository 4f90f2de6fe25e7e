package cnnlabs.experiments.training;

import cnnlabs.experiments.settings.Callbacks.Monitor;
import java.util.Map;

/**
 * PyTorch's {@code ReduceLROnPlateau} (threshold 1e-4 relative, no cooldown): when the monitored metric has not
 * improved for more than {@code patience} epochs, the learning rate is multiplied by {@code factor} (via
 * {@link Fit#rateFactor}, which {@link LrScheduler} applies from the next epoch, never below {@code lr.min}).
 */
public final class ReduceLrOnPlateau implements Callback {

    private static final double THRESHOLD = 1e-4;

    private final Monitor monitor;
    private final double factor;
    private final int patience;
    private double best = Double.NaN;
    private int badEpochs;

    public ReduceLrOnPlateau(Monitor monitor, double factor, int patience) {
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("factor must be in (0, 1), got " + factor);
        }
        this.monitor = monitor;
        this.factor = factor;
        this.patience = patience;
    }

    @Override
    public void onEpochEnd(Fit fit, EpochMetrics metrics) {
        double value = Fit.value(monitor, metrics);
        boolean better = !Double.isNaN(value) && (Double.isNaN(best)
                || (monitor.maximise() ? value > best * (1 + THRESHOLD) : value < best * (1 - THRESHOLD)));
        if (better) {
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
        best = Checkpoints.number(state.get("best"));
        badEpochs = (int) Checkpoints.number(state.get("bad_epochs"));
    }
}
