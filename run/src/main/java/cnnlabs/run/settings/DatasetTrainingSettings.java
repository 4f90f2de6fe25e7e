package cnnlabs.run.settings;

/**
 * The settings of an experiment that trains with the shared settings only, on the images the user chooses (MNIST by
 * default, the lab's): its lab's values as defaults.
 *
 * @param common   seed and smoke-run length
 * @param training epochs, batch size, learning rate, subset, validation split, batch-norm momentum
 * @param dataset  the images: MNIST, Fashion-MNIST, CIFAR-10 or a folder
 */
public record DatasetTrainingSettings(Common common, Training training, DatasetChoice dataset)
        implements ExperimentSettings {

    /** The common defaults, {@code training}, and MNIST. */
    public static DatasetTrainingSettings of(Training training) {
        return new DatasetTrainingSettings(Common.DEFAULTS, training, DatasetChoice.MNIST);
    }
}
