package cnnlabs.experiments.lab3;

import com.google.auto.service.AutoService;
import cnnlabs.architectures.Architecture;
import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.Lab3Models;
import cnnlabs.architectures.ModelSummary;
import cnnlabs.datasets.Cifar10;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.run.TrainingData;
import cnnlabs.experiments.common.CifarData;
import cnnlabs.experiments.common.ClassActivationMaps;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.experiments.common.Pictures;
import cnnlabs.experiments.common.SavedModels;
import cnnlabs.run.plots.ImageGrid;
import cnnlabs.run.results.RunHistory;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.DatasetTrainingSettings;
import cnnlabs.run.settings.Training;
import cnnlabs.training.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import cnnlabs.training.History;

/**
 * Grad-CAM: where a CNN looks when it decides.
 *
 * <p><b>Reproduces:</b> Lab 3 (seed 003), Exercise 3 "Grad-CAM: implement class activation maps to see what the model
 * looks at".
 *
 * <p><b>Description:</b> for the first 8 test images, the gradient of the predicted class's score (the logit) with
 * respect to the last convolutional feature maps, each channel weighted by that gradient's spatial mean, summed, ReLU,
 * upsampled to the image ({@link ClassActivationMaps}); drawn over the images with the predicted and true classes, for
 * the simple CNN (the latest full {@code MnistSimpleCnn} model if there is one, else trained here) and the
 * ResNet-style model (trained here) on MNIST, and, when CIFAR-10 is present and a completed {@code Cifar10ResNet} run
 * saved a model, for that CIFAR model. The gradient is DL4J's own backpropagation, checked against a numerical
 * gradient in the tests.
 *
 * <p><b>Expected runtime:</b> about 4 minutes on a 2-core CPU (two models, 2 epochs on 18,000 MNIST images); a smoke run
 * takes seconds.
 *
 * <p><b>Other images</b> ({@code -Ddataset}): the two Lab 3 models trained on Fashion-MNIST, on CIFAR-10 converted to
 * grey 28x28, or on a folder's images read as grey 28x28 (the maps then over the first images of its validation split,
 * a folder having no test set) ({@link TrainingData}); a saved {@code MnistSimpleCnn} model is used only if it learned
 * the same images.
 */
@AutoService(Experiment.class)
public final class GradCam implements Experiment<DatasetTrainingSettings> {

    static final List<String> MNIST_MODELS = List.of(MnistSimpleCnn.MODEL, "resnet-style");
    static final int IMAGES = 8;
    private static final int SCALE = 4;

    @Override
    public String name() {
        return "GradCam";
    }

    @Override
    public String description() {
        return "Lab 3 exercise 3: Grad-CAM heat maps of the simple CNN and ResNet-style model (and a CIFAR model if trained)";
    }

    @Override
    public DatasetTrainingSettings defaults() {
        return DatasetTrainingSettings.of(Training.lab(2, 128, 20_000, 0.1));
    }


    /** One model's maps: where they were taken and how the 8 images were classified. */
    public record Explained(String model, String source, String target, String featureMaps, int correct, int images) {
    }

    /** What {@code summary.json} holds. */
    public record Summary(String dataset, List<Explained> models, String cifar) {
    }

    /** The models it trains, by their fits' names: a sweep's objective names one of them. */
    @Override
    public List<String> models(DatasetTrainingSettings settings) {
        return MNIST_MODELS;
    }

    @Override
    public ExperimentResult run(ExperimentContext<DatasetTrainingSettings> ctx) throws Exception {
        Common common = ctx.common();
        TrainingData data = ctx.trainingData(Lab3Models.MNIST);
        ctx.console().println(data.describe());
        ImageDataset.Split mnist = data.split();
        ImageDataset test = data.test().head(IMAGES);
        INDArray images = test.batches(IMAGES, false, common.seed()).next().getFeatures();
        List<Explained> explained = new ArrayList<>();
        StringBuilder summaries = new StringBuilder();
        for (String model : MNIST_MODELS) {
            Optional<Path> saved = model.equals(MnistSimpleCnn.MODEL) && !common.isSmokeRun()
                    ? SavedModels.latestSimpleCnn(ctx.run().resultsRoot(), data) : Optional.empty();
            Optional<ComputationGraph> restored = saved.flatMap(path -> SavedModels.restore(ctx, model, path));
            ComputationGraph graph = restored.isPresent() ? restored.get() : train(ctx, data.fit(Architectures.get(model)),
                    mnist, summaries);
            String source = restored.isPresent() ? "loaded from " + ctx.run().resultsRoot().relativize(saved.get())
                    : String.format(Locale.ROOT, "trained here, %d epoch(s) on %,d images", ctx.training().epochs(),
                    mnist.train().size());
            explained.add(explain(ctx, model, source, graph, images, test));
        }
        String cifar = cifar(ctx, explained);
        ctx.console().println(cifar);
        return new ExperimentResult(new Summary(data.name(), explained, cifar), table(data, explained, cifar, common));
    }

    private static ComputationGraph train(ExperimentContext<DatasetTrainingSettings> ctx, Architecture architecture,
                                          ImageDataset.Split data, StringBuilder summaries) {
        Training cfg = ctx.training();
        String model = architecture.name();
        ComputationGraph graph = ctx.build(architecture);
        summaries.append(ModelSummary.of(graph, architecture.inputShape()).toText(model)).append('\n');
        ctx.run().writeText("model-summary.txt", summaries.toString());
        History history = ctx.trainer().fit(model, graph, data.train().batches(cfg.batchSize(), true, ctx.common().seed()),
                data.validation().batches(cfg.batchSize(), false, ctx.common().seed()), cfg.epochs());
        ctx.console().println(String.format(Locale.ROOT, "%s: validation accuracy %.4f", model, history.last().valAcc()));
        return graph;
    }

    /** Grad-CAM of {@code images} (normalised as the model takes them; {@code shown} holds their bytes and labels). */
    private static Explained explain(ExperimentContext<?> ctx, String model, String source, ComputationGraph graph,
                                     INDArray images, ImageDataset shown) {
        ClassActivationMaps cam = ClassActivationMaps.atLastFeatureMaps(graph, images);
        ClassActivationMaps.Result r = cam.explain(images, null);
        int[] predicted = r.predicted();
        List<ImageGrid.Panel> panels = new ArrayList<>();
        int count = shown.size();
        for (int i = 0; i < count; i++) {
            panels.add(Pictures.image("true " + shown.classNames().get(shown.label(i)), shown.imageBytes(i),
                    shown.channels(), shown.width()));
        }
        int correct = 0;
        for (int i = 0; i < count; i++) {
            correct += predicted[i] == shown.label(i) ? 1 : 0;
            panels.add(ImageGrid.Panel.of(String.format(Locale.ROOT, "%s %.0f%%", shown.classNames().get(predicted[i]),
                    100 * r.probabilities().getDouble(i, predicted[i])),
                    Pictures.heatOverlay(shown.imageBytes(i), shown.channels(), shown.width(), r.map(i), SCALE)));
        }
        ctx.run().picture("gradcam-" + model + ".png", ImageGrid.render("Grad-CAM of " + model + " at " + cam.target(), panels, count, 90, ImageGrid.ColorMap.GRAY));
        INDArray a = r.featureMaps();
        return new Explained(model, source, cam.target(), a.size(1) + " x " + a.size(2) + " x " + a.size(3), correct, count);
    }

    /** The CIFAR part, when CIFAR-10 and a model trained on it by Cifar10ResNet are both here; what happened, in a line. */
    private static String cifar(ExperimentContext<?> ctx, List<Explained> explained) throws Exception {
        Optional<Cifar10> cifar = Cifar10.findLocal(ctx.data());
        if (cifar.isEmpty()) {
            return "CIFAR-10 is not on this machine (-Ddata.cifar10=DIR, or run Cifar10ResNet once to download it): "
                    + "no CIFAR model explained.";
        }
        boolean synthetic = cifar.get().synthetic();
        Optional<Path> saved = RunHistory.latestFile(ctx.run().resultsRoot(), "Cifar10ResNet", "model.zip",
                s -> s.path("synthetic").asBoolean(false) == synthetic);
        if (saved.isEmpty()) {
            return "No completed Cifar10ResNet run on " + cifar.get().name() + " saved a model: run it first to see its "
                    + "Grad-CAM here.";
        }
        String model = RunHistory.summary(saved.get().getParent()).path("model").asText("cifar-model");
        Optional<ComputationGraph> restored = SavedModels.restore(ctx, model, saved.get());
        if (restored.isEmpty()) {
            return "The saved " + model + " (" + saved.get() + ") could not be read: no CIFAR model explained.";
        }
        ComputationGraph graph = restored.get();
        ImageDataset test = cifar.get().loadTest().head(IMAGES);
        CifarData data = new CifarData(cifar.get().name(), synthetic, test, test, "test", test, CifarData.SEED_002);
        INDArray images = data.batches(test, IMAGES, ctx.common().seed()).next().getFeatures();
        explained.add(explain(ctx, model, "loaded from " + ctx.run().resultsRoot().relativize(saved.get()), graph, images,
                test));
        return (synthetic ? "SYNTHETIC FIXTURE, NOT CIFAR-10: " : "") + model + " from " + saved.get().getParent().getFileName()
                + " explained on the first " + IMAGES + " test images of " + cifar.get().name() + ".";
    }

    private static String table(TrainingData data, List<Explained> explained, String cifar, Common common) {
        MarkdownTable t = new MarkdownTable("Model", "Maps taken at", "Feature maps", "Correct of " + IMAGES, "Model source");
        for (Explained e : explained) {
            t.row(e.model(), "`" + e.target() + "`", e.featureMaps(), e.correct() + (e.images() < IMAGES ? " (of "
                    + e.images() + " images)" : ""), e.source());
        }
        StringBuilder pictures = new StringBuilder();
        for (Explained e : explained) {
            pictures.append(pictures.length() == 0 ? "" : ", ").append("`gradcam-").append(e.model()).append(".png`");
        }
        return "# Grad-CAM (Lab 3, exercise 3)\n\n" + data.tableNote()
                + "For each image, the gradient of the predicted class's score (before the softmax) with respect to the "
                + "last convolutional feature maps; each channel weighted by its gradient's spatial mean; summed, ReLU, "
                + "upsampled and laid over the image (bright = where the evidence for the class is). The top row of each "
                + "picture is the images with their true class, the bottom row the maps with the predicted class.\n\n"
                + t + "\n" + cifar + "\n\nPictures: " + pictures + ".\n"
                + common.smokeRunNote("barely trained models, maps of little meaning");
    }
}
