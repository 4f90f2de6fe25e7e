package cnnlabs.training;

import cnnlabs.settings.SettingsParser;

/**
 * Keras' {@code TerminateOnNaN}, and a bound: a batch loss that is NaN, infinite or above {@code bound} (0 = no bound)
 * throws {@link Diverged} at once, naming the epoch and batch.
 */
public final class DivergenceStop implements Callback {

    private final double bound;

    public DivergenceStop(double bound) {
        if (!(bound >= 0)) {
            throw new IllegalArgumentException("bound must be >= 0, got " + bound);
        }
        this.bound = bound;
    }

    @Override
    public Stage stage() {
        return Stage.STOP;
    }

    @Override
    public void onBatchEnd(Fit fit, int epoch, int batch, double loss) {
        if (Double.isNaN(loss) || Double.isInfinite(loss)) {
            throw new Diverged(fit.model(), epoch, batch, loss, fit.learningRate(), "not a finite number");
        }
        if (bound > 0 && loss > bound) {
            throw new Diverged(fit.model(), epoch, batch, loss, fit.learningRate(),
                    "above the bound -Ddivergence.loss=" + SettingsParser.shortest(bound));
        }
    }
}
