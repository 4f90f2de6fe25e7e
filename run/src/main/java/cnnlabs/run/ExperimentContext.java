package cnnlabs.run;

import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.InputShape;
import cnnlabs.architectures.GraphSpec;
import cnnlabs.architectures.ModelSummary;
import cnnlabs.datasets.DataLocations;
import cnnlabs.datasets.IdxDataset;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.run.plots.ConfusionPlot;
import cnnlabs.run.results.ExperimentRun;
import cnnlabs.run.results.RunMetrics;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.DatasetChoice;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.run.settings.Training;
import cnnlabs.run.tables.ClassMetrics;
import cnnlabs.training.Checkpoints;
import cnnlabs.training.Console;
import cnnlabs.training.Evaluator;
import cnnlabs.training.Trainer;
import cnnlabs.training.TrainerConfig;
import cnnlabs.training.optim.Optimizers;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Everything an experiment runs with, and nothing reaches it another way: its settings, its run (where it emits its
 * results), the roots (repository, results, data), the console, the {@link Engine} that runs its graphs, and the
 * training loop with the callbacks its caller added (a sweep's pruner, a UI).
 *
 * @param <S> the experiment's settings record
 */
public final class ExperimentContext<S extends Record & ExperimentSettings> {

    private final S settings;
    private final ExperimentRun run;
    private final RunSetup setup;
    private final Engine engine;
    private Trainer trainer;

    ExperimentContext(S settings, ExperimentRun run, RunSetup setup, Engine engine) {
        this.settings = settings;
        this.run = run;
        this.setup = setup;
        this.engine = engine;
    }

    public S settings() {
        return settings;
    }

    public ExperimentRun run() {
        return run;
    }

    public Console console() {
        return setup.console();
    }

    public Engine engine() {
        return engine;
    }

    /** Where this run reads and writes: the repository, the results folder, the datasets. */
    public RunRoots roots() {
        return setup.roots();
    }

    /** Where the datasets are: the cache and the user's own CIFAR-10 folder, if any. */
    public DataLocations data() {
        return setup.roots().data();
    }

    /** The dataset cache ({@code -Ddata.dir}). */
    public Path dataDir() {
        return setup.roots().data().cache();
    }

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
     * their batch-norm momentum, dropout rate and class weights (else DL4J's defaults).
     */
    public BuildOptions buildOptions() {
        if (!settings.trains()) {
            return BuildOptions.defaults().withSeed(common().seed());
        }
        return new BuildOptions(common().seed(), Optimizers.updater(training().optimizer(), training().learningRate()),
                training().bnMomentum(), BuildOptions.KERAS_BN_EPSILON).withDropout(training().dropoutOverride())
                .withClassWeights(training().loss().weights());
    }

    /**
     * A new, initialised graph of {@code spec} with this run's {@link #buildOptions()}, through the engine; its summary
     * (as Keras' {@code model.summary()}) goes to the console.
     */
    public ComputationGraph build(GraphSpec spec) {
        ComputationGraph graph = engine.init(spec, buildOptions());
        console().println(ModelSummary.of(graph, spec.inputShape()).toText(spec.name()));
        return graph;
    }

    /**
     * The run's training loop, one for the whole run: this run's schedule, callbacks, weight decay and smoke-run length;
     * its checkpoints in the run folder (a resumed run continues each fit from them); every epoch into the run's
     * {@code metrics.csv} ({@link RunMetrics}); and the callbacks the caller added to the run.
     */
    public Trainer trainer() {
        if (trainer == null) {
            Training t = training();
            TrainerConfig config = new TrainerConfig(t.optimizer(), t.schedule(), t.callbacks(), t.loss(),
                    common().maxBatches());
            trainer = new Trainer(config, console(), new Checkpoints(run.path(),
                    (name, content) -> run.writeWith(name, content::write)), run.resumed())
                    .withCallback(() -> new RunMetrics(run));
            setup.callbacks().forEach(trainer::withCallback);
        }
        return trainer;
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
     * The images the settings choose ({@code -Ddataset}; MNIST for an experiment without the choice), split as its
     * training settings say and fitted to a model whose input is {@code shape} ({@link TrainingData}); how they were
     * fitted, if they were, goes to the console.
     */
    public TrainingData trainingData(InputShape shape) {
        DatasetChoice choice = settings.choosesDataset() ? settings.dataset() : DatasetChoice.MNIST;
        TrainingData data = TrainingData.load(choice, training(), roots(), shape, common().seed());
        if (!data.fitted().isEmpty()) {
            console().println(data.fitted());
        }
        return data;
    }

    /**
     * The lab's training data: the official training split, its first {@code subset} images when set
     * ({@code X_train[:N]}), the last {@code validationSplit} of those held out for validation.
     */
    public ImageDataset.Split trainAndValidation(IdxDataset dataset) {
        ImageDataset train = dataset.loadTrain(dataDir());
        if (training().subset() > 0) {
            train = train.head(training().subset());
        }
        return train.splitValidation(training().validationSplit());
    }
}
