package cnnlabs.experiments.training;

import cnnlabs.experiments.settings.Callbacks.Monitor;
import java.util.Map;

/**
 * Keras' {@code ModelCheckpoint}, both ways: after every epoch the last checkpoint (model, updater state and the loop's
 * state, which {@code -Dresume} continues from), and whenever the monitored metric improves the best one. Put it after
 * the callbacks whose state it saves (it is the last one {@link Trainer} adds).
 */
public final class ModelCheckpoint implements Callback {

    private final Checkpoints store;
    private final Monitor monitor;
    private final boolean best;
    private final boolean last;
    private double bestValue = Double.NaN;

    public ModelCheckpoint(Checkpoints store, Monitor monitor, boolean best, boolean last) {
        this.store = store;
        this.monitor = monitor;
        this.best = best;
        this.last = last;
    }

    @Override
    public void onEpochEnd(Fit fit, EpochMetrics metrics) {
        double value = Fit.value(monitor, metrics);
        if (best && Fit.improves(monitor, value, bestValue, 0)) {
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
        bestValue = Checkpoints.number(state.get("best"));
    }
}
