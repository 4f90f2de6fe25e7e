package cnnlabs.experiments.lab3;

import com.google.auto.service.AutoService;
import cnnlabs.architectures.Architecture;
import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.Lab3Models;
import cnnlabs.architectures.ModelSummary;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.run.TrainingData;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.experiments.common.Pictures;
import cnnlabs.experiments.common.SavedModels;
import cnnlabs.run.plots.ImageGrid;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.DatasetTrainingSettings;
import cnnlabs.run.settings.Training;
import cnnlabs.training.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import cnnlabs.training.History;

/**
 * Visualising what a CNN computes: first-layer activation maps, learned filters, feature maps by stage.
 *
 * <p><b>Reproduces:</b> Lab 3 (seed 003) Part 6 "Visualizing CNN Features" (the simple CNN's first conv layer,
 * 16 activation maps of the first test digit in a 4x4 grid, viridis); seed 002 §4.3 {@code visualize_filters}
 * (the learned first-layer filters, one grey scale for all) and {@code visualize_feature_maps} (the mean over
 * channels of the feature maps after each stage of a ResNet, here Lab 3's ResNet-style model on MNIST).
 *
 * <p><b>Description:</b> uses the latest completed, full {@code MnistSimpleCnn} run's {@code model.zip} from the
 * results folder when there is one with the simple CNN's 93,322 parameters; otherwise trains the simple CNN for
 * {@code -Depochs} (default 1) on MNIST. Trains the ResNet-style model for one epoch, batch 32, on the first 2,000
 * training images. Activations are captured with {@code ComputationGraph.feedForward(input, false)}, which returns every
 * vertex's output by name: DL4J's counterpart of registering PyTorch forward hooks or building Keras'
 * {@code keras.Model(inputs, [layer.output ...])}, without changing the model. Writes {@code activations.png},
 * {@code filters.png}, {@code feature-maps.png} and the training curves of whatever it trained.
 *
 * <p><b>Expected runtime:</b> under a minute on a 2-core CPU through the oneDNN runtime (1 epoch of the simple CNN,
 * 2,000 images through the ResNet-style model), less when a saved simple CNN is found. <b>Expected result:</b> maps
 * that respond to the digit's strokes and edges.
 *
 * <p><b>Other images</b> ({@code -Ddataset}): Fashion-MNIST, CIFAR-10 converted to grey 28x28, or a folder's images
 * read as grey 28x28 ({@link TrainingData}); the first test image (a folder's first validation image) is the one
 * shown, and a saved {@code MnistSimpleCnn} model is used only if it learned the same images.
 */
@AutoService(Experiment.class)
public final class ActivationVisualization implements Experiment<DatasetTrainingSettings> {

    static final String SIMPLE_CNN = "simple-cnn";
    static final String RESNET = "resnet-style";
    static final int RESNET_IMAGES = 2_000;
    /** Small batches for the ResNet-style model's short run: 63 updates instead of 16 on the same images. */
    static final int RESNET_BATCH = 32;
    /** The ResNet-style model's stages, as {@code visualize_feature_maps} takes {@code conv1, layer1, layer2, layer3}. */
    static final List<String> STAGES = List.of("stem.relu", "stage1.block1.relu", "stage2.block1.relu", "stage3.block1.relu");

    @Override
    public String name() {
        return "ActivationVisualization";
    }

    @Override
    public String description() {
        return "Lab 3 Part 6 / seed 002 §4.3: first-layer activations, learned filters, ResNet feature maps";
    }


    @Override
    public DatasetTrainingSettings defaults() {
        return DatasetTrainingSettings.of(Training.lab(1, 128, 0, 0.1));
    }

    /** The models it trains, by their fits' names (the simple CNN only where no saved one is used). */
    @Override
    public List<String> models(DatasetTrainingSettings settings) {
        return List.of(SIMPLE_CNN, RESNET);
    }

    @Override
    public ExperimentResult run(ExperimentContext<DatasetTrainingSettings> ctx) {
        Training cfg = ctx.training();
        Common common = ctx.common();
        Path resultsRoot = ctx.run().resultsRoot();
        TrainingData data = ctx.trainingData(Lab3Models.MNIST);
        ctx.console().println(data.describe());
        ImageDataset.Split mnist = data.split();
        StringBuilder summaries = new StringBuilder();
        Map<String, Double> validationAccuracy = new LinkedHashMap<>();
        Optional<Path> saved = common.isSmokeRun() ? Optional.empty() : SavedModels.latestSimpleCnn(resultsRoot, data);
        ComputationGraph simple = saved.flatMap(path -> SavedModels.restore(ctx, SIMPLE_CNN, path)).orElse(null);
        String source;
        if (simple != null) {
            source = "loaded from " + resultsRoot.relativize(saved.get());
        } else {
            simple = train(ctx, data.fit(Architectures.get(SIMPLE_CNN)), mnist, summaries, validationAccuracy);
            source = String.format(Locale.ROOT, "trained here: %d epoch(s) on %s, validation accuracy %.4f", cfg.epochs(),
                    data.name(), validationAccuracy.get(SIMPLE_CNN));
        }
        ctx.console().println("Simple CNN " + source);

        ImageDataset test = data.test();
        INDArray digit = test.range(0, 1).batches(1, false, common.seed()).next().getFeatures();

        // Part 6: the first conv layer's activations (after its ReLU, as Keras' Conv2D(activation='relu') outputs).
        Map<String, INDArray> acts = simple.feedForward(digit, false);
        INDArray conv1 = acts.get("conv1");
        int shown = (int) Math.min(16, conv1.size(1));
        List<ImageGrid.Panel> panels = new ArrayList<>();
        for (int i = 0; i < shown; i++) {
            panels.add(new ImageGrid.Panel("Filter " + i, Pictures.channel(conv1, i)));
        }
        String first = (data.name().equals("MNIST") ? "test digit " : data.testName() + " image, class ")
                + test.classNames().get(test.label(0));
        ctx.run().picture("activations.png", ImageGrid.render("First Convolutional Layer Activations (" + first + ")",
                panels, 4, 160, ImageGrid.ColorMap.VIRIDIS));

        // Seed 002 visualize_filters: every first-layer filter, one grey scale for all.
        INDArray weights = simple.getLayer("conv1").getParam("W");
        List<ImageGrid.Panel> filters = new ArrayList<>();
        for (int i = 0; i < weights.size(0); i++) {
            filters.add(new ImageGrid.Panel(String.valueOf(i), Pictures.filter(weights, i)));
        }
        ctx.run().picture("filters.png", ImageGrid.render("Learned Filters in conv1 (3x3, " + weights.size(0) + " filters)",
                filters, 8, 72, ImageGrid.ColorMap.GRAY, ImageGrid.Scaling.SHARED));

        // Seed 002 visualize_feature_maps: mean over channels at each stage of the ResNet-style model.
        ImageDataset resnetTrain = mnist.train().head(RESNET_IMAGES);
        ComputationGraph resnet = train(ctx, data.fit(Architectures.get(RESNET)), new ImageDataset.Split(resnetTrain,
                mnist.validation().head(RESNET_IMAGES / 4)), summaries, validationAccuracy);
        Map<String, INDArray> stages = resnet.feedForward(digit, false);
        List<ImageGrid.Panel> maps = new ArrayList<>();
        maps.add(new ImageGrid.Panel("Input", Pictures.channel(digit, 0)));
        MarkdownTable stageTable = new MarkdownTable("Stage (vertex)", "Feature maps", "Mean activation");
        for (String stage : STAGES) {
            INDArray f = stages.get(stage);
            maps.add(new ImageGrid.Panel(stage.replace(".relu", "") + " " + f.size(2) + "x" + f.size(3),
                    Pictures.channelMean(f)));
            stageTable.row("`" + stage + "`", f.size(1) + " x " + f.size(2) + " x " + f.size(3),
                    String.format(Locale.ROOT, "%.4f", f.meanNumber().doubleValue()));
        }
        ctx.run().picture("feature-maps.png", ImageGrid.render("ResNet-style feature maps, mean over channels",
                maps, 5, 160, ImageGrid.ColorMap.VIRIDIS));

        String text = "# Visualising CNN features (Lab 3 Part 6, seed 002 §4.3)\n\n" + data.tableNote()
                + "Simple CNN: " + source + ". Activations captured with `ComputationGraph.feedForward(input, false)` "
                + "(every vertex's output by name, DL4J's counterpart of forward hooks).\n\n"
                + "- `activations.png`: the first conv layer's first " + shown + " activation maps for the first "
                + first + ".\n"
                + "- `filters.png`: its " + weights.size(0) + " learned 3x3 filters, one grey scale for all.\n"
                + String.format(Locale.ROOT, "- `feature-maps.png`: the ResNet-style model (trained 1 epoch on the first %,d "
                        + "training images, batch %d; validation accuracy %.4f on %,d images) at each stage, mean over "
                        + "channels.%n%n", resnetTrain.size(), RESNET_BATCH, validationAccuracy.get(RESNET),
                        Math.min(RESNET_IMAGES / 4, mnist.validation().size())) + stageTable
                + common.smokeRunNote("barely trained models");
        ctx.run().table(text);
        return new ExperimentResult(new Summary(data.name(), source, shown, weights.size(0), STAGES, validationAccuracy), text);
    }

    /**
     * What {@code summary.json} holds.
     *
     * @param dataset            the images the models learned
     * @param simpleCnnSource    where the simple CNN came from (a saved full run, or trained here)
     * @param validationAccuracy each model trained here, by name
     */
    public record Summary(String dataset, String simpleCnnSource, int activationMaps, long filters, List<String> stages,
                          Map<String, Double> validationAccuracy) {
    }

    private static ComputationGraph train(ExperimentContext<?> ctx, Architecture architecture, ImageDataset.Split data,
                                          StringBuilder summaries, Map<String, Double> validationAccuracy) {
        Training cfg = ctx.training();
        Common common = ctx.common();
        String name = architecture.name();
        ComputationGraph graph = ctx.build(architecture);
        summaries.append(ModelSummary.of(graph, architecture.inputShape()).toText(name)).append('\n');
        ctx.run().writeText("model-summary.txt", summaries.toString());
        boolean resnet = RESNET.equals(name);
        int epochs = resnet ? 1 : cfg.epochs();
        int batch = resnet ? RESNET_BATCH : cfg.batchSize();
        History history = ctx.trainer().fit(name, graph, data.train().batches(batch, true, common.seed()),
                data.validation().batches(batch, false, common.seed()), epochs);
        validationAccuracy.put(name, history.last().valAcc());
        return graph;
    }
}
