package cnnlabs.experiments.lab3;

import com.google.auto.service.AutoService;
import cnnlabs.architectures.Architecture;
import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.ModelSummary;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.run.TrainingData;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.experiments.common.TrainedModel;
import cnnlabs.run.plots.ConfusionPlot;
import cnnlabs.run.tables.ClassMetrics;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.DatasetTrainingSettings;
import cnnlabs.run.settings.Training;
import cnnlabs.training.EpochMetrics;
import cnnlabs.training.Evaluator;
import cnnlabs.training.Trainer;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import cnnlabs.training.History;

/**
 * Simple CNN for MNIST.
 *
 * <p><b>Reproduces:</b> Lab 3 (seed 003), Part 2 "CNN Architecture Components": the simple CNN trained on
 * MNIST with Adam 1e-3, batch 128, 10 epochs, {@code validation_split=0.1}, then evaluated on the test set.
 *
 * <p><b>Description:</b> three 3x3 ReLU convolutions (32, 64, 64) with two 2x2 max pools, dense 64,
 * dropout 0.5 and a softmax (93,322 parameters), trained on the first 54,000 training images and validated
 * on the last 6,000; writes the per-epoch metrics, the lab's test accuracy and the trained model
 * ({@code model.zip}, DL4J's format).
 *
 * <p><b>Other images</b> ({@code -Ddataset}, {@link TrainingData}): {@code fashion-mnist} as it is; {@code cifar10}
 * converted to grey 28x28 for the model's one channel (OpenCV's luma weights, resized bilinearly), the table says so;
 * {@code folder} with {@code -Ddata.images=DIR}, every image read as grey 28x28, the classifier sized to the folder's
 * classes, the last {@code validation.split} of a seeded shuffle held out, and the "test" numbers those of that
 * validation split, since a folder has no test set (the table and {@code summary.json}'s {@code evaluated_on} say so).
 *
 * <p><b>Expected runtime:</b> about 2 minutes on a 2-core CPU through the oneDNN runtime, many times longer with
 * {@code -Dcnnlabs.fast=false}; a smoke run ({@code -Dmax.batches=3}) takes seconds.
 *
 * <p><b>Expected result:</b> the lab states no target; it prints the test accuracy after the 10 epochs. The measured
 * accuracy, next to the Keras original's (the lab's code run as it is) and a PyTorch replica's, is in
 * {@code results/REPRODUCED.md}.
 */
@AutoService(Experiment.class)
public final class MnistSimpleCnn implements Experiment<DatasetTrainingSettings> {

    static final String MODEL = "simple-cnn";

    @Override
    public String name() {
        return "MnistSimpleCnn";
    }

    @Override
    public String description() {
        return "Lab 3 Part 2: simple CNN (93,322 params) on full MNIST, 10 epochs, test accuracy";
    }


    @Override
    public DatasetTrainingSettings defaults() {
        return DatasetTrainingSettings.of(Training.lab(10, 128, 0, 0.1));
    }

    /**
     * What {@code summary.json} holds: the trained model (its fields at the top level), the images it learned and its
     * test result ({@code evaluatedOn}: "test", or "validation" for a folder, which has no test set).
     */
    public record Summary(@JsonUnwrapped TrainedModel trained, String dataset, int trainImages, int validationImages,
                          String evaluatedOn, long testImages, double testLoss, double testAccuracy, double testMacroF1) {
    }

    @Override
    public ExperimentResult run(ExperimentContext<DatasetTrainingSettings> ctx) {
        Training cfg = ctx.training();
        Common common = ctx.common();
        Architecture architecture = Architectures.get(MODEL);
        TrainingData images = ctx.trainingData(architecture.inputShape());
        ImageDataset.Split data = images.split();
        ImageDataset test = images.test();
        ctx.console().println(images.describe());
        architecture = images.fit(architecture);

        ComputationGraph graph = ctx.build(architecture);
        ModelSummary summary = ModelSummary.of(graph, architecture.inputShape());
        ctx.run().writeText("model-summary.txt", summary.toText(MODEL));

        History history = ctx.trainer().fit(MODEL, graph, data.train().batches(cfg.batchSize(), true, common.seed()),
                data.validation().batches(cfg.batchSize(), false, common.seed()), cfg.epochs());
        Evaluator.Result testResult = Evaluator.evaluate(graph, test.batches(cfg.batchSize(), false, common.seed()),
                common.maxBatches());
        ctx.console().println(String.format(Locale.ROOT, "%s: %.4f", accuracyLabel(images), testResult.accuracy()));
        ClassMetrics classes = ctx.classMetrics(MODEL, images.testName(), testResult, test.classNames());
        ctx.run().writeWith("model.zip", file -> ModelSerializer.writeModel(graph, file.toFile(), false));

        Summary result = new Summary(TrainedModel.of(MODEL, MODEL, summary, history), images.name(), data.train().size(),
                data.validation().size(), images.testName(), testResult.images(), testResult.loss(), testResult.accuracy(),
                classes.macroF1());
        return new ExperimentResult(result, table(cfg, common, images, summary, history, testResult, classes));
    }

    /** "Test Accuracy", the lab's words, or what the number is where a folder has no test set. */
    private static String accuracyLabel(TrainingData images) {
        return images.testIsValidation() ? "Accuracy on the validation split (the folder has no test set)" : "Test Accuracy";
    }

    private static String table(Training cfg, Common common, TrainingData images, ModelSummary summary, History history,
                                Evaluator.Result test, ClassMetrics classes) {
        MarkdownTable epochs = new MarkdownTable("Epoch", "Loss", "Accuracy", "Val loss", "Val accuracy", "Seconds", "Images/s");
        for (EpochMetrics m : history.epochs()) {
            epochs.row(m.epoch(), MarkdownTable.f4(m.trainLoss()), MarkdownTable.f4(m.trainAcc()), MarkdownTable.f4(m.valLoss()), MarkdownTable.f4(m.valAcc()),
                    String.format(Locale.ROOT, "%.1f", m.seconds()), String.format(Locale.ROOT, "%.0f", m.imagesPerSec()));
        }
        String split = images.testIsValidation() ? "validation" : "test";
        return "# Simple CNN on " + images.name() + " (Lab 3, Part 2)\n\n"
                + images.tableNote()
                + String.format(Locale.ROOT, "%,d parameters; Adam %s, batch %d, %d epochs, validation split %s.%n%n",
                summary.totalParams(), cfg.learningRate(), cfg.batchSize(), cfg.epochs(), cfg.validationSplit())
                + epochs
                + String.format(Locale.ROOT, "%n**%s: %.4f** (%s loss %.4f, %,d %s images)%n", accuracyLabel(images),
                test.accuracy(), split, test.loss(), test.images(), split)
                + "\nPer class on the " + split + " set (`confusion-simple-cnn.png`, `per-class-simple-cnn.csv`):\n\n"
                + classes.table()
                + common.smokeRunNote("not the lab's numbers");
    }

}
