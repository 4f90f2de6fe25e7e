package cnnlabs.training;

import cnnlabs.settings.SettingsParser;
import java.util.Locale;

/**
 * Training diverged: a batch's loss was NaN, infinite, or above the bound ({@code -Ddivergence.loss}). The run stops
 * at once with {@code "status": "diverged"} and the place it happened.
 */
public final class Diverged extends RuntimeException {

    private final String model;
    private final int epoch;
    private final int batch;
    private final double loss;
    private final double learningRate;

    public Diverged(String model, int epoch, int batch, double loss, double learningRate, String why) {
        super(String.format(Locale.ROOT, "Training of %s diverged at epoch %d, batch %d: the loss is %.4g (%s). The run "
                        + "stopped there. This usually means the learning rate is too high for this model: it was %s; try "
                        + "one ten times lower (-Dlr=%s), or a warm-up (-Dlr.warmup.epochs=2).", model, epoch, batch, loss,
                why, SettingsParser.shortest(learningRate), SettingsParser.shortest(learningRate / 10)));
        this.model = model;
        this.epoch = epoch;
        this.batch = batch;
        this.loss = loss;
        this.learningRate = learningRate;
    }

    public String model() {
        return model;
    }

    public int epoch() {
        return epoch;
    }

    public int batch() {
        return batch;
    }

    public double loss() {
        return loss;
    }

    public double learningRate() {
        return learningRate;
    }
}
