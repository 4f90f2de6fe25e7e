package cnnlabs.training;

import java.util.Map;

/**
 * Keras' {@code ModelCheckpoint}, both ways: after every epoch the last checkpoint (model, updater state and the loop's
 * state, which {@code -Dresume} continues from), and whenever the monitored metric improves the best one. It runs in
 * the {@link Stage#CHECKPOINT} stage, after every callback whose state it saves.
 */
public final class ModelCheckpoint extends MonitorCallback {

    private final Checkpoints store;
    private final boolean best;
    private final boolean last;
    private double bestValue = Double.NaN;

    public ModelCheckpoint(Checkpoints store, Monitor monitor, boolean best, boolean last) {
        super(monitor, 0);
        this.store = store;
        this.best = best;
        this.last = last;
    }

    @Override
    public Stage stage() {
        return Stage.CHECKPOINT;
    }

    @Override
    public void onEpochEnd(Fit fit, EpochMetrics metrics) {
        double value = current(metrics);
        if (best && isImprovement(value, bestValue)) {
            bestValue = value;
            store.writeBest(fit.model(), fit.graph());
        }
        if (last) {
            store.writeLast(fit.graph(), fit.state());
        }
    }

    @Override
    public Map<String, Object> state() {
        return Map.of("best", bestValue);
    }

    @Override
    public void restore(Fit fit, Map<String, Object> state) {
        bestValue = number(state.get("best"));
    }
}
