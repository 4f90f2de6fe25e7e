package cnnlabs.training;

import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;

/**
 * What watches a training run: the monitored metric, early stopping, checkpoints and the divergence stop.
 *
 * @param monitor          the metric early stopping, the plateau schedule and the best checkpoint watch; losses are
 *                         minimised, accuracies maximised
 * @param patience         early stopping: epochs without improvement before training stops; 0 = off
 * @param minDelta         early stopping: the smallest change that counts as an improvement
 * @param restoreBest      early stopping: put the best epoch's weights back when it stops
 * @param checkpoint       which checkpoints go into the run folder (with updater state, for {@code -Dresume})
 * @param divergenceLoss   stop as diverged when a batch's loss exceeds this (10: a 10-class softmax that guesses
 *                         scores ln 10 = 2.3, so a loss above 10 puts under 1/20,000 on the true class on average);
 *                         NaN and infinity always stop; 0 = only those
 * @param topK             k of the top-k accuracy each epoch's validation reports
 */
public record CallbackSettings(
        @Setting(key = "monitor", help = "metric for early stopping, plateau and the best checkpoint: val_loss, "
                + "val_acc, loss, acc, val_top_k, val_macro_f1 or val_weighted_f1 (losses minimised, the rest "
                + "maximised)", example = "val_acc") Monitor monitor,
        @Setting(key = "early.stopping.patience", help = "stop after N epochs without improvement of the monitor; "
                + "0 = off", example = "3") int patience,
        @Setting(key = "early.stopping.min.delta", help = "the smallest change of the monitor that counts as an "
                + "improvement", example = "0.001") double minDelta,
        @Setting(key = "early.stopping.restore.best", help = "on an early stop, restore the best epoch's weights",
                example = "false") boolean restoreBest,
        @Setting(key = "checkpoint", help = "checkpoints kept in the run folder (model and updater state): none, "
                + "last, best or both", example = "last") Checkpointing checkpoint,
        @Setting(key = "divergence.loss", help = "stop as diverged when a batch loss exceeds this (a 10-class softmax "
                + "guessing scores 2.3); NaN and infinity always stop; 0 = only those", example = "20")
        double divergenceLoss,
        @Setting(key = "top.k", help = "k of the top-k accuracy each epoch's validation reports (val_top_k)",
                example = "5") int topK) {

    /** Which checkpoints to keep. */
    public enum Checkpointing {
        NONE, LAST, BEST, BOTH;

        public boolean last() {
            return this == LAST || this == BOTH;
        }

        public boolean best() {
            return this == BEST || this == BOTH;
        }
    }

    /** No early stopping, the last checkpoint (what resume needs), NaN, infinity or a batch loss above 10 stop the run. */
    public static final CallbackSettings DEFAULTS = new CallbackSettings(Monitor.VAL_LOSS, 0, 0, true,
            Checkpointing.LAST, 10);

    /** With the top-5 accuracy. */
    public CallbackSettings(Monitor monitor, int patience, double minDelta, boolean restoreBest, Checkpointing checkpoint,
                            double divergenceLoss) {
        this(monitor, patience, minDelta, restoreBest, checkpoint, divergenceLoss, 5);
    }

    public CallbackSettings {
        SettingsParser.require(monitor != null, "monitor", monitor, "val_loss, val_acc, loss, acc, val_top_k, "
                + "val_macro_f1 or val_weighted_f1", "val_acc");
        SettingsParser.require(topK >= 1, "top.k", topK, "a whole number >= 1", "5");
        SettingsParser.require(patience >= 0, "early.stopping.patience", patience, "a whole number >= 0 (0 = off)",
                "3");
        SettingsParser.require(minDelta >= 0, "early.stopping.min.delta", minDelta, "a number >= 0", "0.001");
        SettingsParser.require(checkpoint != null, "checkpoint", checkpoint, "none, last, best or both", "last");
        SettingsParser.require(divergenceLoss >= 0, "divergence.loss", divergenceLoss, "a number >= 0 (0 = NaN and "
                + "infinity only)", "20");
    }
}
