package cnnlabs.experiments;

import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.GraphSpec;
import cnnlabs.architectures.ModelSummary;
import cnnlabs.datasets.IdxDataset;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.experiments.results.ExperimentRun;
import cnnlabs.experiments.settings.Common;
import cnnlabs.experiments.settings.ExperimentSettings;
import cnnlabs.experiments.settings.Training;
import cnnlabs.experiments.plots.ConfusionPlot;
import cnnlabs.experiments.training.Checkpoints;
import cnnlabs.experiments.training.ClassMetrics;
import cnnlabs.experiments.training.Console;
import cnnlabs.experiments.training.Evaluator;
import cnnlabs.experiments.training.Optimizers;
import cnnlabs.experiments.training.Trainer;
import java.nio.file.Path;
import java.util.List;
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
     * Build options from the settings: the seed, and for experiments that train their optimiser at their learning rate,
     * their batch-norm momentum and dropout rate (else DL4J's defaults).
     */
    public BuildOptions buildOptions() {
        if (!settings.trains()) {
            return BuildOptions.defaults().withSeed(common().seed());
        }
        return new BuildOptions(common().seed(), Optimizers.updater(training().optimizer(), training().learningRate()),
                training().bnMomentum(), BuildOptions.KERAS_BN_EPSILON).withDropout(training().dropoutOverride());
    }

    /**
     * A new, initialised graph of {@code spec} with this run's {@link #buildOptions()}, through the engine; its summary
     * (as Keras' {@code model.summary()}) goes to the console.
     */
    public ComputationGraph build(GraphSpec spec) {
        ComputationGraph graph = engine.init(spec, buildOptions());
        console.println(ModelSummary.of(graph, spec.inputShape()).toText(spec.name()));
        return graph;
    }

    /**
     * The training loop with this run's schedule, callbacks and weight decay; its checkpoints go into the run folder,
     * and a resumed run continues each fit from them.
     */
    public Trainer trainer() {
        return new Trainer(console, common().maxBatches(), training(), new Checkpoints(run.path(), (name, content) -> run.writeWith(name, content::write)),
                run.resumed());
    }

    /**
     * The confusion matrix and per-class precision, recall and F1 of {@code result} (an evaluation of {@code model} on
     * {@code split}), into the run as {@code confusion-<model>.png}, {@code confusion-<model>.csv} and
     * {@code per-class-<model>.csv}.
     */
    public ClassMetrics classMetrics(String model, String split, Evaluator.Result result, List<String> classes) {
        ClassMetrics m = ClassMetrics.of(model, split, classes, result.evaluation());
        run.picture(ClassMetrics.file("confusion", model, "png"), ConfusionPlot.render(m));
        run.writeText(ClassMetrics.file("confusion", model, "csv"), m.confusionCsv());
        run.writeText(ClassMetrics.file("per-class", model, "csv"), m.perClassCsv());
        return m;
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
