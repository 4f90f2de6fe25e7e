package cnnlabs.experiments;

import cnnlabs.architectures.BuildOptions;
import cnnlabs.datasets.IdxDataset;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.experiments.results.RunDirectory;
import cnnlabs.experiments.training.Console;
import cnnlabs.experiments.training.Trainer;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What an experiment runs with: its settings, its run folder, the data directory, the console, and the raw
 * {@code -D} properties (for the few settings that belong to one experiment only, which it parses and validates
 * itself, e.g. {@code TransferLearning}'s {@code -Dweights}).
 */
public record ExperimentContext(RunConfig config, RunDirectory run, Path dataDir, Console console, Properties properties) {

    public ExperimentContext {
        properties = properties == null ? new Properties() : properties;
    }

    /** A context without experiment-specific properties. */
    public ExperimentContext(RunConfig config, RunDirectory run, Path dataDir, Console console) {
        this(config, run, dataDir, console, new Properties());
    }

    /** Build options from the settings: seed, Keras' Adam at the learning rate, batch-norm momentum. */
    public BuildOptions buildOptions() {
        return new BuildOptions(config.seed(), BuildOptions.kerasAdam(config.learningRate()), config.bnMomentum(),
                BuildOptions.KERAS_BN_EPSILON);
    }

    public Trainer trainer() {
        return new Trainer(console, config.maxBatches());
    }

    /**
     * The lab's training data: the official training split, its first {@code subset} images when set
     * ({@code X_train[:N]}), the last {@code validationSplit} of those held out for validation.
     */
    public ImageDataset.Split trainAndValidation(IdxDataset dataset) {
        ImageDataset train = dataset.loadTrain(dataDir);
        if (config.subset() > 0) {
            train = train.head(config.subset());
        }
        return train.splitValidation(config.validationSplit());
    }
}
