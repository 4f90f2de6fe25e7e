package cnnlabs.run.settings;

import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.optim.Optimizer;
import cnnlabs.training.optim.Schedule;
import cnnlabs.training.CallbackSettings;
import cnnlabs.training.Loss;

/**
 * The settings every experiment that trains has, with the lab's values as each experiment's defaults.
 *
 * @param epochs          passes over the training data
 * @param batchSize       images per training step
 * @param learningRate    the optimiser's (initial) learning rate
 * @param subset          the first N training images ({@code X_train[:N]}); 0 = all
 * @param validationSplit Keras' {@code validation_split}: the last fraction of the (subset of the) training images; 0 =
 *                        none, where the experiment allows it
 * @param bnMomentum      batch-norm moving-average momentum, in Keras' sense
 * @param dropout         the rate of every dropout layer of the model, or {@link #LAB_DROPOUT} for each layer's lab rate
 * @param optimizer       the optimiser (the labs': Keras' Adam)
 * @param schedule        how the learning rate changes per epoch (the labs': constant)
 * @param callbacks       early stopping, checkpoints, the divergence stop
 * @param loss            label smoothing and class weights (the labs': neither)
 */
public record Training(
        @Setting(key = "epochs", help = "passes over the training data", example = "5") int epochs,
        @Setting(key = "batch.size", help = "images per training step", example = "128") int batchSize,
        @Setting(key = "lr", help = "the optimiser's learning rate (at the start of a schedule)",
                example = "0.001") double learningRate,
        @Setting(key = "subset", help = "use the first N training images (X_train[:N]); 0 = all",
                example = "10000") int subset,
        @Setting(key = "validation.split", help = "Keras' validation_split: the last fraction of the training "
                + "images, held out before shuffling; 0 = none (only where an experiment allows it: the CIFAR labs then "
                + "evaluate on the test set each epoch, as their seeds do)", example = "0.2") double validationSplit,
        @Setting(key = "bn.momentum", help = "batch-norm moving-average momentum (Keras' sense; Keras' default is "
                + "0.99)", example = "0.99") double bnMomentum,
        @Setting(key = "dropout", help = "the rate of every dropout layer of the model (Keras' rate: the fraction "
                + "dropped); -1 = each layer's rate as its lab writes it", example = "0.3") double dropout,
        Optimizer optimizer,
        Schedule schedule,
        CallbackSettings callbacks,
        Loss loss) {

    public Training {
        SettingsParser.require(epochs >= 1, "epochs", epochs, "a whole number >= 1", "5");
        SettingsParser.require(batchSize >= 1, "batch.size", batchSize, "a whole number >= 1", "128");
        SettingsParser.require(learningRate > 0 && learningRate <= 10, "lr", learningRate, "a number in (0, 10]", "0.001");
        SettingsParser.require(subset >= 0, "subset", subset, "a whole number >= 0 (0 = all images)", "10000");
        SettingsParser.require(validationSplit >= 0 && validationSplit < 1, "validation.split", validationSplit,
                "a fraction in [0, 1)", "0.2");
        SettingsParser.require(bnMomentum >= 0 && bnMomentum < 1, "bn.momentum", bnMomentum, "a number in [0, 1)", "0.99");
        SettingsParser.require(dropout == LAB_DROPOUT || (dropout >= 0 && dropout < 1), "dropout", dropout,
                "a rate in [0, 1), or -1 for the lab's rates", "0.3");
        SettingsParser.require(optimizer != null && schedule != null && callbacks != null && loss != null, "optimizer",
                optimizer, "an optimiser, a schedule, callbacks and a loss", "adam");
    }

    /** With the labs' loss: hard labels, equal class weights. */
    public Training(int epochs, int batchSize, double learningRate, int subset, double validationSplit,
                    double bnMomentum, double dropout, Optimizer optimizer, Schedule schedule,
                    CallbackSettings callbacks) {
        this(epochs, batchSize, learningRate, subset, validationSplit, bnMomentum, dropout, optimizer, schedule,
                callbacks, Loss.PLAIN);
    }

    /** {@code -Ddropout=-1}: every dropout layer at its lab's rate. */
    public static final double LAB_DROPOUT = -1;

    /** The dropout rate for {@code BuildOptions}: NaN for the lab's rates. */
    public double dropoutOverride() {
        return dropout == LAB_DROPOUT ? Double.NaN : dropout;
    }

    /**
     * The lab's usual recipe with the given epochs, batch size, subset and validation split: Keras' Adam at 1e-3, a
     * constant rate, batch-norm momentum 0.9 (PyTorch's and DL4J's default; see the README on Keras' 0.99), no early
     * stopping, the last epoch's checkpoint kept.
     */
    public static Training lab(int epochs, int batchSize, int subset, double validationSplit) {
        return new Training(epochs, batchSize, 1e-3, subset, validationSplit, 0.9, LAB_DROPOUT, Optimizer.KERAS_ADAM,
                Schedule.CONSTANT, CallbackSettings.DEFAULTS);
    }
}
