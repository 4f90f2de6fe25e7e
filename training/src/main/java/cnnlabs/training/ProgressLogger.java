package cnnlabs.training;

import java.util.Locale;

/**
 * Keras' {@code ProgbarLogger}: a fit's progress on the {@link Console}. Within an epoch, a bar or quarter lines with
 * the running loss and accuracy (as the console's mode says); after it, one line with the epoch's metrics; where a
 * fit was resumed, from which checkpoint; where it stopped early, why.
 */
public final class ProgressLogger implements Callback {

    private final Console console;
    private Console.Progress progress;
    private boolean trained;

    public ProgressLogger(Console console) {
        this.console = console;
    }

    @Override
    public void onTrainStart(Fit fit) {
        if (fit.resumedFrom() != null) {
            console.println(String.format(Locale.ROOT, "%s: resumed after epoch %d of %d from %s%s", fit.model(),
                    fit.history().size(), fit.epochs(), fit.resumedFrom(), fit.finished() ? " (finished)" : ""));
        }
    }

    @Override
    public void onEpochStart(Fit fit, int epoch) {
        trained = true;
        progress = console.progress(String.format(Locale.ROOT, "%s %d/%d", fit.model(), epoch, fit.epochs()),
                fit.batchesThisEpoch());
    }

    @Override
    public void onBatchEnd(Fit fit, int epoch, int batch, double loss) {
        progress.update(batch, String.format(Locale.ROOT, "loss %.4f acc %.4f", fit.runningLoss(),
                fit.runningAccuracy()));
    }

    @Override
    public void onEpochEnd(Fit fit, EpochMetrics m) {
        progress.finish();
        console.println(String.format(Locale.ROOT,
                "%s %d/%d - loss %.4f - acc %.4f - val_loss %.4f - val_acc %.4f - %.1fs - %.0f img/s", fit.model(),
                m.epoch(), fit.epochs(), m.trainLoss(), m.trainAcc(), m.valLoss(), m.valAcc(), m.seconds(),
                m.imagesPerSec()));
    }

    @Override
    public void onTrainEnd(Fit fit) {
        if (trained && fit.stopRequested()) {
            console.println(fit.model() + ": " + fit.stopReason());
        }
    }
}
