package cnnlabs.training;

import cnnlabs.settings.SettingsParser;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras' {@code EarlyStopping}: stops the fit when the monitored metric has not improved by more than
 * {@code minDelta} for {@code patience} epochs (losses must fall, accuracies rise), and with {@code restoreBest} puts
 * the best epoch's weights back at the end.
 */
public final class EarlyStopping extends MonitorCallback {

    private final int patience;
    private final boolean restoreBest;
    /** After a resume, where the best weights are (the best checkpoint); null when none is kept. */
    private final Supplier<INDArray> savedBest;
    private double best = Double.NaN;
    private int bestEpoch;
    private int wait;
    private INDArray bestParams;

    /**
     * @param savedBest the best epoch's parameters as a checkpoint kept them, for a resumed fit that must restore them
     *                  (null when no best checkpoint is kept)
     */
    public EarlyStopping(Monitor monitor, int patience, double minDelta, boolean restoreBest, Supplier<INDArray> savedBest) {
        super(monitor, minDelta);
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be >= 1, got " + patience);
        }
        this.patience = patience;
        this.restoreBest = restoreBest;
        this.savedBest = savedBest;
    }

    @Override
    public Stage stage() {
        return Stage.STOP;
    }

    @Override
    public void onEpochEnd(Fit fit, EpochMetrics metrics) {
        double value = current(metrics);
        wait++;
        if (isImprovement(value, best)) {
            best = value;
            bestEpoch = metrics.epoch();
            wait = 0;
            if (restoreBest) {
                bestParams = fit.graph().params().dup();
            }
            return;
        }
        if (wait >= patience) {
            fit.stop(String.format(Locale.ROOT, "early stopping: %s did not improve by more than %s for %d epochs "
                    + "(best %.4f at epoch %d)", monitor.label(), SettingsParser.shortest(minDelta), patience, best, bestEpoch));
        }
    }

    @Override
    public void onTrainEnd(Fit fit) {
        if (restoreBest && fit.stopRequested() && bestParams != null) {
            fit.graph().setParams(bestParams);
        }
    }

    /** The epoch with the best value so far (0 before any). */
    public int bestEpoch() {
        return bestEpoch;
    }

    @Override
    public Map<String, Object> state() {
        return Map.of("best", best, "best_epoch", bestEpoch, "wait", wait);
    }

    @Override
    public void restore(Fit fit, Map<String, Object> state) {
        best = number(state.get("best"));
        bestEpoch = (int) number(state.get("best_epoch"));
        wait = (int) number(state.get("wait"));
        if (restoreBest && bestEpoch > 0 && savedBest != null) {
            bestParams = savedBest.get();
        }
    }
}
