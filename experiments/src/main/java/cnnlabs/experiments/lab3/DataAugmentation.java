package cnnlabs.experiments.lab3;

import com.google.auto.service.AutoService;
import cnnlabs.architectures.Architecture;
import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.ModelSummary;
import cnnlabs.datasets.Batches;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.datasets.augment.Augmentation;
import cnnlabs.datasets.augment.Augmentations;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.run.TrainingData;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.DatasetChoice;
import cnnlabs.run.settings.Training;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.EpochMetrics;
import cnnlabs.run.plots.ConfusionPlot;
import cnnlabs.training.Evaluator;
import cnnlabs.training.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import cnnlabs.training.History;

/**
 * Data augmentation: the simple CNN trained with and without Lab 3's augmentation pipeline.
 *
 * <p><b>Reproduces:</b> Lab 3 (seed 003) Part 4 "Data Augmentation": the simple CNN of Part 2 with
 * {@code RandomRotation(0.1)}, {@code RandomTranslation(0.1, 0.1)} and {@code RandomZoom(0.1)} in front, trained like
 * Part 2 (Adam 1e-3, batch 128, 10 epochs, validation split 0.1), next to the same model without augmentation.
 *
 * <p><b>Description:</b> trains the {@code simple-cnn} architecture twice from the same initial weights on full
 * MNIST: once on the plain images, once with every training image freshly augmented each epoch (the Keras
 * pipeline of {@link Augmentations#kerasMnist}, DataVec transforms on OpenCV, prepared on a background thread two
 * batches ahead of training; validation and test images are never augmented). Writes the table of final training,
 * validation and test accuracy, the train-minus-validation gap and the epoch time of both, with the slowdown the
 * augmentation costs; both runs' curves go into one {@code training-curves.png}.
 *
 * <p><b>Expected runtime:</b> about 4 minutes on a 2-core CPU through the oneDNN runtime (two runs; the augmentation
 * runs ahead on another thread). <b>Expected result:</b> both models near the plain simple CNN's test accuracy (the
 * lab states no target); augmentation lowers training accuracy (the augmented images are harder) and narrows or
 * reverses the train-validation gap. Measured numbers: {@code results/REPRODUCED.md}.
 *
 * <p><b>Other images</b> ({@code -Ddataset}): Fashion-MNIST as it is, CIFAR-10 converted to grey 28x28, a folder's
 * images read as grey 28x28 with the classifier sized to its classes and its validation split as the test set
 * ({@link TrainingData}); the augmentation is the same Keras pipeline on any of them.
 */
@AutoService(Experiment.class)
public final class DataAugmentation implements Experiment<DataAugmentation.Settings> {

    static final String MODEL = "simple-cnn";
    static final int PREFETCH = 2;

    @Override
    public String name() {
        return "DataAugmentation";
    }

    @Override
    public String description() {
        return "Lab 3 Part 4: the simple CNN with and without rotation/translation/zoom augmentation, full MNIST";
    }


    @Override
    public Settings defaults() {
        return new Settings(Common.DEFAULTS, Training.lab(10, 128, 0, 0.1), DatasetChoice.MNIST, 0.1);
    }

    /**
     * The settings: the lab's training settings, the images, and the strength of its augmentation.
     *
     * @param dataset the images: MNIST (the lab's), Fashion-MNIST, CIFAR-10 or a folder
     * @param factor Keras' factor of RandomRotation, RandomTranslation and RandomZoom (the lab's 0.1)
     */
    public record Settings(Common common, Training training, DatasetChoice dataset,
                           @Setting(key = "augment.factor", help = "the factor of RandomRotation, RandomTranslation and "
                                   + "RandomZoom (the lab's 0.1: +-36 degrees, +-10% shifts, 0.9-1.1 zoom)",
                                   example = "0.2") double factor) implements ExperimentSettings {
        public Settings {
            SettingsParser.require(factor >= 0 && factor < 1, "augment.factor", factor, "a number in [0, 1)", "0.1");
        }
    }

    /** One of the two runs. */
    record Outcome(String name, History history, Evaluator.Result test) {

        double meanEpochSeconds() {
            return history.epochs().stream().mapToDouble(EpochMetrics::seconds).average().orElse(Double.NaN);
        }
    }

    /** The models it trains, by their fits' names: a sweep's objective names one of them. */
    @Override
    public List<String> models(Settings settings) {
        return List.of("without-augmentation", "with-augmentation");
    }

    @Override
    public ExperimentResult run(ExperimentContext<Settings> ctx) {
        Training cfg = ctx.training();
        Common common = ctx.common();
        Architecture architecture = Architectures.get(MODEL);
        TrainingData images = ctx.trainingData(architecture.inputShape());
        ImageDataset.Split data = images.split();
        ImageDataset test = images.test();
        architecture = images.fit(architecture);
        ctx.run().writeText("model-summary.txt", ModelSummary.of(architecture.build(ctx.buildOptions()),
                architecture.inputShape()).toText(MODEL));
        ctx.console().println(images.describe());

        Augmentation augmentation = Augmentations.kerasMnist(common.seed(), ctx.settings().factor());
        List<Outcome> outcomes = new ArrayList<>();
        MarkdownTable table = new MarkdownTable("Model", "Train acc", "Val acc", "Test acc", "Train − val gap",
                "Epoch time (s)", "Training images/s");
        for (boolean augmented : new boolean[] {false, true}) {
            String name = augmented ? "with-augmentation" : "without-augmentation";
            ComputationGraph graph = ctx.build(architecture);
            Batches train = augmented
                    ? data.train().batches(cfg.batchSize(), true, common.seed(), augmentation).prefetch(PREFETCH)
                    : data.train().batches(cfg.batchSize(), true, common.seed());
            History history = ctx.trainer().fit(name, graph, train,
                    data.validation().batches(cfg.batchSize(), false, common.seed()), cfg.epochs());
            Evaluator.Result testResult = Evaluator.evaluate(graph, test.batches(cfg.batchSize(), false, common.seed()),
                    common.maxBatches());
            ctx.classMetrics(name, images.testName(), testResult, test.classNames());
            Outcome o = new Outcome(name, history, testResult);
            outcomes.add(o);
            EpochMetrics last = history.last();
            table.row(name, MarkdownTable.f4(last.trainAcc()), MarkdownTable.f4(last.valAcc()), MarkdownTable.f4(testResult.accuracy()),
                    String.format(Locale.ROOT, "%+.4f", last.trainAcc() - last.valAcc()),
                    String.format(Locale.ROOT, "%.1f", o.meanEpochSeconds()),
                    String.format(Locale.ROOT, "%.0f", history.imagesPerSec()));
            ctx.console().println(String.format(Locale.ROOT, "%s: test accuracy %.4f", name, testResult.accuracy()));
            ctx.run().table(render(cfg, common, images, augmentation, table, outcomes));
        }
        List<Run> runs = outcomes.stream().map(o -> new Run(o.name(), o.history().last().trainAcc(),
                o.history().last().valAcc(), o.test().accuracy(), o.test().loss(), o.meanEpochSeconds(),
                o.history().imagesPerSec())).toList();
        return new ExperimentResult(new Summary(images.name(), runs, slowdown(outcomes), augmentation.toString()), render(cfg, common, images, augmentation, table, outcomes));
    }

    /**
     * What {@code summary.json} holds.
     *
     * @param dataset        the images trained on
     * @param runs           without and with augmentation
     * @param epochTimeRatio mean epoch time with augmentation over without
     */
    public record Summary(String dataset, List<Run> runs, double epochTimeRatio, String pipeline) {
    }

    /** One training run's outcome. */
    public record Run(String name, double finalTrainAccuracy, double finalValAccuracy, double testAccuracy,
                      double testLoss, double meanEpochSeconds, double trainImagesPerSec) {
    }

    private static double slowdown(List<Outcome> outcomes) {
        return outcomes.size() < 2 ? Double.NaN : outcomes.get(1).meanEpochSeconds() / outcomes.get(0).meanEpochSeconds();
    }

    private static String render(Training cfg, Common common, TrainingData images, Augmentation augmentation,
                                 MarkdownTable table, List<Outcome> outcomes) {
        String cost = outcomes.size() < 2 ? "" : String.format(Locale.ROOT,
                "%nAugmentation cost: an augmented epoch took %.2fx as long as a plain one (%.1f s against %.1f s, "
                        + "training and validation; augmentation runs on a background thread %d batches ahead).%n",
                slowdown(outcomes), outcomes.get(1).meanEpochSeconds(), outcomes.get(0).meanEpochSeconds(), PREFETCH);
        return "# Data augmentation (Lab 3, Part 4)\n\n" + images.tableNote()
                + String.format(Locale.ROOT, "The simple CNN, Adam %s, batch %d, %d epochs, validation split %s, from the "
                        + "same initial weights; the augmented run sees every training image freshly transformed each "
                        + "epoch by %s. Validation and test images are never augmented. Train acc is measured on the "
                        + "(augmented) training batches as they are trained, as Keras reports it.%n%n",
                cfg.learningRate(), cfg.batchSize(), cfg.epochs(), cfg.validationSplit(), augmentation)
                + table + cost
                + "\nConfusion matrices and per-class precision, recall and F1 on the " + images.testName() + " set: "
                + "`confusion-without-augmentation.png`, `confusion-with-augmentation.png` (and their CSVs).\n"
                + common.smokeRunNote("not the lab's numbers");
    }

}
