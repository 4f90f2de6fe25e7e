package cnnlabs.experiments;

import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.GraphSpec;
import cnnlabs.datasets.IdxDataset;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.experiments.results.ExperimentRun;
import cnnlabs.experiments.settings.Common;
import cnnlabs.experiments.settings.ExperimentSettings;
import cnnlabs.experiments.settings.Training;
import cnnlabs.experiments.training.Console;
import cnnlabs.experiments.training.Trainer;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * What an experiment runs with: its settings, its run (where it emits its results), the data directory, the console, and the
 * {@link Engine} that runs its graphs.
 *
 * @param <S> the experiment's settings record
 */
public record ExperimentContext<S extends Record & ExperimentSettings>(S settings, ExperimentRun run, Path dataDir,
                                                                      Console console, Engine engine) {

    /** The settings every experiment has (seed, smoke-run length). */
    public Common common() {
        return settings.common();
    }

    /** The shared training settings (experiments that train). */
    public Training training() {
        return settings.training();
    }

    /**
     * Build options from the settings: the seed, and for experiments that train Keras' Adam at their learning rate
     * and their batch-norm momentum (else DL4J's defaults).
     */
    public BuildOptions buildOptions() {
        if (!settings.trains()) {
            return BuildOptions.defaults().withSeed(common().seed());
        }
        return new BuildOptions(common().seed(), BuildOptions.kerasAdam(training().learningRate()),
                training().bnMomentum(), BuildOptions.KERAS_BN_EPSILON);
    }

    /** A new, initialised graph of {@code spec} with this run's {@link #buildOptions()}, through the engine. */
    public ComputationGraph build(GraphSpec spec) {
        return engine.init(spec, buildOptions());
    }

    public Trainer trainer() {
        return new Trainer(console, common().maxBatches());
    }

    /**
     * The lab's training data: the official training split, its first {@code subset} images when set
     * ({@code X_train[:N]}), the last {@code validationSplit} of those held out for validation.
     */
    public ImageDataset.Split trainAndValidation(IdxDataset dataset) {
        ImageDataset train = dataset.loadTrain(dataDir);
        if (training().subset() > 0) {
            train = train.head(training().subset());
        }
        return train.splitValidation(training().validationSplit());
    }
}
