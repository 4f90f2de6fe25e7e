package cnnlabs.experiments;

import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.GraphSpec;
import cnnlabs.datasets.IdxDataset;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.experiments.results.RunDirectory;
import cnnlabs.experiments.training.Console;
import cnnlabs.experiments.training.Trainer;
import java.nio.file.Path;
import java.util.Properties;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * What an experiment runs with: its settings, its run folder, the data directory, the console, the raw
 * {@code -D} properties (for the few settings that belong to one experiment only, which it parses and validates
 * itself, e.g. {@code TransferLearning}'s {@code -Dweights}), and the {@link Engine} that runs its graphs.
 */
public record ExperimentContext(RunConfig config, RunDirectory run, Path dataDir, Console console, Properties properties,
                                Engine engine) {

    public ExperimentContext {
        properties = properties == null ? new Properties() : properties;
        engine = engine == null ? Engine.fromProperties(properties) : engine;
    }

    /** A context whose engine {@code properties} choose ({@code -Dcnnlabs.fast}). */
    public ExperimentContext(RunConfig config, RunDirectory run, Path dataDir, Console console, Properties properties) {
        this(config, run, dataDir, console, properties, null);
    }

    /** A context without experiment-specific properties, on the oneDNN runtime. */
    public ExperimentContext(RunConfig config, RunDirectory run, Path dataDir, Console console) {
        this(config, run, dataDir, console, new Properties());
    }

    /** A new, initialised graph of {@code spec} with this run's {@link #buildOptions()}, through the engine. */
    public ComputationGraph build(GraphSpec spec) {
        return engine.init(spec, buildOptions());
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
