package cnnlabs.experiments.cifar;

import com.google.auto.service.AutoService;
import cnnlabs.architectures.Architecture;
import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.ModelSummary;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.experiments.common.CifarData;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.experiments.common.TrainedModel;
import cnnlabs.run.plots.ConfusionPlot;
import cnnlabs.training.CallbackSettings;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.training.optim.Optimizer;
import cnnlabs.training.optim.Schedule;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;
import cnnlabs.run.settings.Training;
import cnnlabs.training.Evaluator;
import cnnlabs.training.Trainer;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import cnnlabs.run.RunRoots;
import cnnlabs.training.History;

/**
 * A plain CNN against the same CNN with batch normalisation, on CIFAR-10.
 *
 * <p><b>Reproduces:</b> seed 001's practical exercise: a CNN of two conv blocks with batch normalisation
 * ({@code CNNWithBatchNorm}, its linear layer corrected to 64·8·8 inputs), trained with data augmentation for 10 epochs
 * with a learning-rate schedule and validation, evaluated on the test set, and compared with the same network without
 * batch normalisation. The exercise's bar: above 70% test accuracy.
 *
 * <p><b>Description:</b> trains {@code cnn-plain-001} and {@code cnn-bn-001} (60,362 and 60,554 parameters) one after
 * the other with the same seed, data and recipe: seed 001's augmentation (flip, rotation 10°, colour jitter 0.2/0.2,
 * translation 0.1) and ImageNet normalisation, batch 32 (the seed's loaders), Adam 1e-3 with the rate divided by 10
 * after epoch 5, the last 10% of the training images held out for validation. Writes both models' curves in one
 * plot, a table of validation and test accuracy, training time and the bar, and both confusion matrices.
 *
 * <p><b>Expected runtime:</b> tens of minutes on a 2-core CPU (two small models, 10 epochs each, with per-image
 * augmentation on a background thread); a smoke run ({@code -Dmax.batches=2}) takes seconds. Needs CIFAR-10.
 */
@AutoService(Experiment.class)
public final class PlainVsBatchNorm implements Experiment<PlainVsBatchNorm.Settings> {

    static final String PLAIN = "cnn-plain-001";
    static final String BATCH_NORM = "cnn-bn-001";
    /** The exercise's bar for the model with batch normalisation. */
    static final double BAR = 0.70;

    /**
     * The settings: the shared ones with the exercise's recipe as defaults, and whether to augment.
     *
     * @param augment seed 001's augmentation on the training images
     */
    public record Settings(Common common, Training training,
                           @Setting(key = "augment", help = "seed 001's flip, rotation, colour jitter and translation on "
                                   + "the training images", example = "false") boolean augment)
            implements ExperimentSettings {
    }

    @Override
    public String name() {
        return "PlainVsBatchNorm";
    }

    @Override
    public String description() {
        return "seed 001 exercise: the same CNN with and without batch norm on CIFAR-10, augmented, 10 epochs, step schedule";
    }

    @Override
    public Settings defaults() {
        return new Settings(Common.DEFAULTS, new Training(10, 32, 1e-3, 0, 0.1, 0.9, Training.LAB_DROPOUT, Optimizer.KERAS_ADAM,
                new Schedule(Schedule.Kind.STEP, 5, 0.1, 0, 0, 3), CallbackSettings.DEFAULTS), true);
    }

    @Override
    public void check(Settings settings, RunRoots roots) {
        CifarData.check(roots.data());
    }

    /** One model's outcome. */
    public record Outcome(@JsonUnwrapped TrainedModel trained, double testAccuracy, double testLoss) {
    }

    /** What {@code summary.json} holds. */
    public record Summary(String dataset, boolean synthetic, List<Outcome> models, boolean batchNormAboveBar) {
    }

    /** The models it trains, by their fits' names: a sweep's objective names one of them. */
    @Override
    public List<String> models(Settings settings) {
        return List.of(PLAIN, BATCH_NORM);
    }

    @Override
    public ExperimentResult run(ExperimentContext<Settings> ctx) throws Exception {
        Settings settings = ctx.settings();
        Training cfg = ctx.training();
        Common common = ctx.common();
        CifarData data = CifarData.forRun(ctx, CifarData.SEED_001);
        StringBuilder summaries = new StringBuilder();
        List<Outcome> outcomes = new ArrayList<>();
        for (String name : List.of(PLAIN, BATCH_NORM)) {
            Architecture architecture = Architectures.get(name);
            ComputationGraph graph = ctx.build(architecture);
            ModelSummary summary = ModelSummary.of(graph, architecture.inputShape());
            summaries.append(summary.toText(name)).append('\n');
            ctx.run().writeText("model-summary.txt", summaries.toString());
            History history = ctx.trainer().fit(name, graph, data.trainBatches(cfg.batchSize(), common.seed(),
                    settings.augment()), data.batches(data.eval(), cfg.batchSize(), common.seed()), cfg.epochs());
            Evaluator.Result test = Evaluator.evaluate(graph, data.batches(data.test(), cfg.batchSize(), common.seed()),
                    common.maxBatches());
            ctx.classMetrics(name, "test", test, data.test().classNames());
            outcomes.add(new Outcome(TrainedModel.of(name, name, summary, history), test.accuracy(), test.loss()));
            ctx.console().println(String.format(Locale.ROOT, "%s: test accuracy %.4f", name, test.accuracy()));
        }
        boolean aboveBar = outcomes.get(1).testAccuracy() > BAR;
        Summary result = new Summary(data.dataset(), data.synthetic(), outcomes, aboveBar);
        return new ExperimentResult(result, table(settings, data, outcomes, aboveBar));
    }

    private static String table(Settings settings, CifarData data, List<Outcome> outcomes, boolean aboveBar) {
        Training cfg = settings.training();
        MarkdownTable t = new MarkdownTable("Model", "Parameters", "Final val accuracy", "Test accuracy", "Test loss",
                "Training s", "Images/s");
        for (Outcome o : outcomes) {
            TrainedModel m = o.trained();
            t.row(m.model(), MarkdownTable.count(m.trainableParams()), MarkdownTable.f4(m.finalValAccuracy()),
                    MarkdownTable.f4(o.testAccuracy()), MarkdownTable.f4(o.testLoss()),
                    String.format(Locale.ROOT, "%.1f", m.trainSeconds()), String.format(Locale.ROOT, "%.0f", m.imagesPerSec()));
        }
        double gain = outcomes.get(1).testAccuracy() - outcomes.get(0).testAccuracy();
        return "# Plain CNN vs batch normalisation on CIFAR-10 (seed 001 exercise)\n\n" + data.banner()
                + data.describe() + ".\n\n"
                + String.format(Locale.ROOT, "Adam %s, batch %d, %d epochs, %s (step every %d epochs, x%s), %s; "
                                + "batch-norm momentum %s (Keras' sense).%n%n", SettingsParser.shortest(cfg.learningRate()),
                        cfg.batchSize(), cfg.epochs(), cfg.schedule().kind().name().toLowerCase(Locale.ROOT),
                        cfg.schedule().stepEpochs(), SettingsParser.shortest(cfg.schedule().gamma()),
                        settings.augment() ? "seed 001's augmentation" : "no augmentation",
                        SettingsParser.shortest(cfg.bnMomentum()))
                + t
                + String.format(Locale.ROOT, "%nBatch norm changes test accuracy by %+.4f. The exercise's bar (%s above "
                        + "%.0f%% test accuracy): **%s**%s.%n", gain, BATCH_NORM, BAR * 100, aboveBar ? "met" : "not met",
                data.synthetic() || settings.common().isSmokeRun() ? " (meaningless here: not a full run on CIFAR-10)" : "")
                + "\nBoth models' curves: `training-curves.png`; test confusion matrices: `confusion-" + PLAIN + ".png`, "
                + "`confusion-" + BATCH_NORM + ".png`.\n"
                + settings.common().smokeRunNote("not the exercise's numbers");
    }
}
