package cnnlabs.experiments.cifar;

import com.google.auto.service.AutoService;
import cnnlabs.architectures.Architecture;
import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.CifarModels;
import cnnlabs.architectures.ModelSummary;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.experiments.common.CifarData;
import cnnlabs.experiments.common.GraphProbes;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.experiments.common.Pictures;
import cnnlabs.experiments.common.TrainedModel;
import cnnlabs.run.plots.ConfusionPlot;
import cnnlabs.run.plots.ImageGrid;
import cnnlabs.training.CallbackSettings;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.training.optim.Optimizer;
import cnnlabs.training.optim.Schedule;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;
import cnnlabs.run.settings.Training;
import cnnlabs.run.tables.ClassMetrics;
import cnnlabs.training.EpochMetrics;
import cnnlabs.training.Evaluator;
import cnnlabs.training.Trainer;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import cnnlabs.run.RunRoots;
import cnnlabs.training.History;
import cnnlabs.training.Monitor;

/**
 * ResNet-18 on CIFAR-10.
 *
 * <p><b>Reproduces:</b> seed 002 §4 "Training a CNN on CIFAR-10": {@code ResNet18} with the CIFAR stem, random crop 32
 * with 4-pixel padding and horizontal flips, per-channel normalisation, batch 128, SGD at 0.1 with momentum 0.9 and
 * weight decay 5e-4 as PyTorch applies it, cosine annealing over the 20 epochs, the test set evaluated after every
 * epoch; then §4.3's pictures.
 *
 * <p><b>Description:</b> trains {@code -Dmodel} (default {@code resnet18}; any registered 3x32x32 model, e.g.
 * {@code resnet34}, {@code vgg-bn}, {@code small-cnn}) with that recipe and writes per-epoch train/test loss,
 * accuracy and learning rate ({@code metrics.csv}, the seed's two curve plots), sample training images
 * ({@code samples.png}), the first convolution's learned filters as RGB tiles ({@code filters.png}), the feature maps
 * of the first test image after the first convolution and at the end of the first three stages
 * ({@code feature-maps.png}), the test confusion matrix, the best and last checkpoints and the final model. A killed
 * run continues with {@code -Dresume=latest}. Needs CIFAR-10 (downloaded on first use, or {@code -Ddata.cifar10=DIR});
 * without it, it stops and says how to get it.
 *
 * <p><b>Expected runtime:</b> hours on a 2-core CPU (ResNet-18 is 0.56 GFLOPs per image forward; what one epoch
 * costs here is measured in {@code results/REPRODUCED.md}); minutes per epoch on a GPU with {@code mvn -Pcuda}. A smoke
 * run ({@code -Dmax.batches=2}) takes seconds.
 *
 * <p><b>Expected result:</b> seed 002 states no target; it plots the curves and prints the test accuracy after the
 * 20 epochs. Not run on this project's machines (no CIFAR-10): see {@code results/REPRODUCED.md}.
 */
@AutoService(Experiment.class)
public final class Cifar10ResNet implements Experiment<Cifar10ResNet.Settings> {

    /** The seed's recipe for {@code epochs} epochs. */
    static Training recipe(int epochs) {
        return new Training(epochs, 128, 0.1, 0, 0, 0.9, Training.LAB_DROPOUT, new Optimizer(Optimizer.Kind.SGD, 0.9, 5e-4),
                new Schedule(Schedule.Kind.COSINE, 10, 0.1, 0, 0, 3),
                new CallbackSettings(Monitor.VAL_ACC, 0, 0, true, CallbackSettings.Checkpointing.BOTH, 10));
    }

    /**
     * The settings: the shared ones with the seed's recipe as defaults, the model, and whether to augment.
     *
     * @param model   any registered architecture for 3x32x32 images
     * @param augment random crop 32 with 4-pixel padding and horizontal flip on the training images
     */
    public record Settings(
            Common common,
            Training training,
            @Setting(key = "model", help = "the CIFAR-sized model to train with the recipe: resnet18, resnet34, "
                    + "vgg-bn, small-cnn, ... (any registered 3x32x32 architecture)", example = "resnet34") String model,
            @Setting(key = "augment", help = "random crop 32 with 4-pixel padding and horizontal flip on the training "
                    + "images", example = "false") boolean augment) implements ExperimentSettings {

        public Settings {
            SettingsParser.require(model != null && cifarModels().contains(model), "model", model,
                    "one of " + cifarModels(), "resnet18");
        }
    }

    /** The registered architectures for 3x32x32 images. */
    public static List<String> cifarModels() {
        return Architectures.all().stream().filter(a -> a.inputShape().equals(CifarModels.CIFAR))
                .map(Architecture::name).toList();
    }

    @Override
    public String name() {
        return "Cifar10ResNet";
    }

    @Override
    public String description() {
        return "seed 002 §4: ResNet-18 (or -Dmodel) on CIFAR-10, crop+flip, SGD 0.1 + cosine, 20 epochs, filters, feature maps";
    }

    @Override
    public Settings defaults() {
        return new Settings(Common.DEFAULTS, recipe(20), "resnet18", true);
    }

    @Override
    public void check(Settings settings, RunRoots roots) {
        CifarData.check(roots.data());
    }

    /** What {@code summary.json} holds. */
    public record Summary(@JsonUnwrapped TrainedModel trained, String dataset, boolean synthetic, int trainImages,
                          String evaluatedOn, long testImages, double testLoss, double testAccuracy, double bestEvalAccuracy,
                          int bestEpoch, double secondsPerEpoch, List<String> featureMaps) {
    }

    @Override
    public ExperimentResult run(ExperimentContext<Settings> ctx) throws Exception {
        Settings settings = ctx.settings();
        Training cfg = ctx.training();
        Common common = ctx.common();
        CifarData data = CifarData.forRun(ctx, CifarData.SEED_002);
        ctx.run().picture("samples.png", samples(data));

        String model = settings.model();
        Architecture architecture = Architectures.get(model);
        ComputationGraph graph = ctx.build(architecture);
        ModelSummary summary = ModelSummary.of(graph, architecture.inputShape());
        ctx.run().writeText("model-summary.txt", summary.toText(model));

        History history = ctx.trainer().fit(model, graph, data.trainBatches(cfg.batchSize(), common.seed(), settings.augment()),
                data.batches(data.eval(), cfg.batchSize(), common.seed()), cfg.epochs());
        Evaluator.Result test = Evaluator.evaluate(graph, data.batches(data.test(), cfg.batchSize(), common.seed()),
                common.maxBatches());
        ctx.console().println(String.format(Locale.ROOT, "Test accuracy: %.4f", test.accuracy()));
        ClassMetrics classes = ctx.classMetrics(model, "test", test, data.test().classNames());
        ctx.run().writeWith("model.zip", file -> ModelSerializer.writeModel(graph, file.toFile(), false));

        String firstConv = GraphProbes.firstConvolution(graph);
        INDArray weights = graph.getLayer(firstConv).getParam("W");
        ctx.run().picture("filters.png", filters(firstConv, weights));
        INDArray image = data.batches(data.test().range(0, 1), 1, common.seed()).next().getFeatures();
        Map<String, INDArray> activations = graph.feedForward(image, false);
        List<String> shown = new ArrayList<>();
        ctx.run().picture("feature-maps.png", featureMaps(data, graph, firstConv, activations, shown));

        EpochMetrics best = history.epochs().get(0);
        for (EpochMetrics m : history.epochs()) {
            best = m.valAcc() > best.valAcc() ? m : best;
        }
        double secondsPerEpoch = history.epochs().stream().mapToDouble(EpochMetrics::seconds).average().orElse(Double.NaN);
        Summary result = new Summary(TrainedModel.of(model, model, summary, history), data.dataset(), data.synthetic(),
                data.train().size(), data.evalName(), test.images(), test.loss(), test.accuracy(), best.valAcc(),
                best.epoch(), secondsPerEpoch, shown);
        return new ExperimentResult(result, table(settings, data, summary, history, test, classes, best, shown));
    }

    /** Seed 002's {@code show_samples}: the first 16 training images (before augmentation) with their classes. */
    static java.awt.image.BufferedImage samples(CifarData data) {
        List<ImageGrid.Panel> panels = new ArrayList<>();
        for (int i = 0; i < Math.min(16, data.train().size()); i++) {
            panels.add(Pictures.image(data.train().classNames().get(data.train().label(i)), data.train().imageBytes(i),
                    data.train().channels(), data.train().width()));
        }
        return ImageGrid.render(data.dataset() + ": training samples", panels, 4, 160, ImageGrid.ColorMap.GRAY);
    }

    private static java.awt.image.BufferedImage filters(String layer, INDArray weights) {
        List<ImageGrid.Panel> tiles = new ArrayList<>();
        for (int o = 0; o < Math.min(64, weights.size(0)); o++) {
            tiles.add(ImageGrid.Panel.of(String.valueOf(o), Pictures.rgbFilter(weights, o)));
        }
        return ImageGrid.render("Learned Filters in " + layer + " (" + weights.size(2) + "x" + weights.size(3) + ", RGB)",
                tiles, 8, 72, ImageGrid.ColorMap.GRAY);
    }

    /** Seed 002's {@code visualize_feature_maps}: the input, then each probed vertex's mean over channels. */
    private static java.awt.image.BufferedImage featureMaps(CifarData data, ComputationGraph graph, String firstConv,
                                                            Map<String, INDArray> activations, List<String> shown) {
        List<ImageGrid.Panel> panels = new ArrayList<>();
        panels.add(Pictures.image("Input (" + data.test().classNames().get(data.test().label(0)) + ")",
                data.test().imageBytes(0), data.test().channels(), data.test().width()));
        shown.add(firstConv);
        for (String end : GraphProbes.stageEnds(graph, activations).keySet()) {
            if (shown.size() < 4 && !end.equals(firstConv)) {
                shown.add(end);
            }
        }
        for (String name : shown) {
            INDArray a = activations.get(name);
            panels.add(new ImageGrid.Panel(shortName(name, shown) + " (" + a.size(1) + ", " + a.size(2) + ", " + a.size(3)
                    + ")", Pictures.channelMean(a)));
        }
        return ImageGrid.render("Feature maps of the first test image, mean over channels", panels, panels.size(), 170,
                ImageGrid.ColorMap.VIRIDIS);
    }

    /** A vertex's first name segment ({@code layer1} for {@code layer1.block2.relu}) where no other shown vertex shares it. */
    static String shortName(String vertex, List<String> shown) {
        String first = vertex.split("\\.")[0];
        long sharing = shown.stream().filter(v -> v.split("\\.")[0].equals(first)).count();
        return sharing == 1 ? first : vertex;
    }

    private static String table(Settings settings, CifarData data, ModelSummary summary, History history,
                                Evaluator.Result test, ClassMetrics classes, EpochMetrics best, List<String> shown) {
        Training cfg = settings.training();
        String eval = data.evalName().substring(0, 1).toUpperCase(Locale.ROOT) + data.evalName().substring(1);
        MarkdownTable epochs = new MarkdownTable("Epoch", "Train loss", "Train acc", eval + " loss", eval + " acc", "LR",
                "Seconds", "Images/s");
        for (EpochMetrics m : history.epochs()) {
            epochs.row(m.epoch(), MarkdownTable.f4(m.trainLoss()), MarkdownTable.f4(m.trainAcc()), MarkdownTable.f4(m.valLoss()),
                    MarkdownTable.f4(m.valAcc()), String.format(Locale.ROOT, "%.4f", m.learningRate()),
                    String.format(Locale.ROOT, "%.1f", m.seconds()), String.format(Locale.ROOT, "%.0f", m.imagesPerSec()));
        }
        return "# " + settings.model() + " on CIFAR-10 (seed 002 §4)\n\n" + data.banner()
                + data.describe() + ".\n\n"
                + String.format(Locale.ROOT, "%,d parameters as PyTorch counts them (%,d in Keras' count, with the "
                        + "batch-norm statistics); %s lr %s (momentum %s, weight decay %s), %s schedule, "
                        + "batch %d, %d epochs, %s.%n%n", summary.pytorchParams(), summary.totalParams(),
                cfg.optimizer().kind().name().toLowerCase(Locale.ROOT), SettingsParser.shortest(cfg.learningRate()),
                SettingsParser.shortest(cfg.optimizer().momentum()), SettingsParser.shortest(cfg.optimizer().weightDecay()), cfg.schedule().kind().name().toLowerCase(Locale.ROOT), cfg.batchSize(),
                cfg.epochs(), settings.augment() ? "random crop 32 (padding 4) + horizontal flip" : "no augmentation")
                + epochs
                + String.format(Locale.ROOT, "%n**Test accuracy: %.4f** (test loss %.4f, %,d test images); best %s "
                        + "accuracy %.4f at epoch %d (`checkpoint-%s-best.zip`). %s%n", test.accuracy(), test.loss(),
                test.images(), data.evalName(), best.valAcc(), best.epoch(), settings.model(),
                history.stopReason() == null ? "" : history.stopReason())
                + String.format(Locale.ROOT, "%nTraining took %.1f s per epoch on average (%.0f images/s).%n",
                history.epochs().stream().mapToDouble(EpochMetrics::seconds).average().orElse(Double.NaN),
                history.imagesPerSec())
                + "\nPictures: `samples.png` (training samples), `filters.png` (the first convolution's learned filters, "
                + "one scale for all), `feature-maps.png` (" + String.join(", ", shown) + "), `training-curves.png`.\n"
                + "\nPer class on the test set (`confusion-" + settings.model() + ".png`):\n\n" + classes.table()
                + settings.common().smokeRunNote("not the seed's numbers");
    }
}
