package cnnlabs.run.settings;

/**
 * The settings of an experiment that trains with the shared settings only, its lab's values as defaults.
 *
 * @param common   seed and smoke-run length
 * @param training epochs, batch size, learning rate, subset, validation split, batch-norm momentum
 */
public record TrainingSettings(Common common, Training training) implements ExperimentSettings {

    /** The common defaults with {@code training}. */
    public static TrainingSettings of(Training training) {
        return new TrainingSettings(Common.DEFAULTS, training);
    }
}
