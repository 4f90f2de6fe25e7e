package cnnlabs.experiments.transfer;

import com.google.auto.service.AutoService;
import cnnlabs.architectures.Architecture;
import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.CifarModels;
import cnnlabs.architectures.ModelSummary;
import cnnlabs.datasets.Datasets;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.Training;
import cnnlabs.run.settings.TrainingSettings;
import cnnlabs.run.plots.ConfusionPlot;
import cnnlabs.training.Evaluator;
import cnnlabs.training.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.api.ndarray.INDArray;
import cnnlabs.training.History;

/**
 * Freeze the backbone: seed 000's mini task, with a fit that shows only the classifier moves.
 *
 * <p><b>Reproduces:</b> seed 000 "Mini Task – Freeze the Backbone": {@code SmallCNN}'s {@code features} frozen,
 * its {@code classifier} trainable; the seed prints the trainable parameter count, 525,706.
 *
 * <p><b>Description:</b> builds the {@code small-cnn} architecture, freezes every vertex up to and including
 * {@code features.pool2} with DL4J's transfer-learning API ({@code setFeatureExtractor}, the counterpart of
 * setting {@code requires_grad = False}), reports total and trainable parameters before and after, then trains
 * the frozen model and compares every layer's parameters before and after: the backbone's must be unchanged, the
 * classifier's must have moved. The seed has no data for this step (it uses random tensors); this experiment
 * trains on real images available offline: MNIST digits zero-padded to 32x32 and copied into three channels to
 * fit SmallCNN's CIFAR-sized input (first 5,000 training images, validation split 0.2, 1 epoch, Adam 1e-3).
 *
 * <p>One difference from PyTorch: DL4J's frozen layers run in inference mode, so the frozen batch-norm layers'
 * moving mean and variance do not change either. In PyTorch, {@code requires_grad = False} leaves a
 * {@code BatchNorm2d} in training mode updating its running statistics unless the module is put in
 * {@code eval()}.
 *
 * <p><b>Expected runtime:</b> about a minute on a 2-core laptop CPU. <b>Expected result:</b> 545,290 parameters
 * (PyTorch count; 545,482 in Keras' count with the moving statistics), 525,706 trainable after freezing, every
 * backbone parameter unchanged and every classifier parameter changed after the fit; validation accuracy is
 * reported but is not the point (the backbone stays at its random initialisation).
 */
@AutoService(Experiment.class)
public final class FreezeBackbone implements Experiment<TrainingSettings> {

    static final String ARCHITECTURE = "small-cnn";

    @Override
    public String name() {
        return "FreezeBackbone";
    }

    @Override
    public String description() {
        return "Seed 000 mini task: freeze SmallCNN's backbone (525,706 trainable) and show only the classifier moves";
    }


    @Override
    public TrainingSettings defaults() {
        return TrainingSettings.of(Training.lab(1, 64, 5_000, 0.2));
    }

    /**
     * What {@code summary.json} holds: SmallCNN's counts before and after freezing, whether the fit moved exactly the
     * classifier, and every parameter's largest change.
     */
    public record Summary(long totalParamsPytorch, long totalParamsKeras, long trainableBefore, long trainableAfterFreeze,
                          boolean backboneUnchanged, boolean classifierMoved, double finalValAccuracy,
                          List<LayerChange> parameters) {
    }

    /** One layer's parameters before and after the fit. */
    public record LayerChange(String layer, boolean frozen, long params, double maxAbsChange) {
    }

    @Override
    public ExperimentResult run(ExperimentContext<TrainingSettings> ctx) {
        Training cfg = ctx.training();
        Common common = ctx.common();
        Architecture architecture = Architectures.get(ARCHITECTURE);
        ComputationGraph model = architecture.build(ctx.buildOptions());
        ModelSummary before = ModelSummary.of(model, architecture.inputShape());

        ComputationGraph frozen = ctx.engine().adopt(ARCHITECTURE + "-frozen", new TransferLearning.GraphBuilder(model)
                .setFeatureExtractor(CifarModels.SMALL_CNN_BACKBONE_END).build());
        ModelSummary after = ModelSummary.of(frozen, architecture.inputShape());
        ctx.run().writeText("model-summary.txt", before.toText("SmallCNN") + "\n" + after.toText("SmallCNN, backbone frozen"));
        ctx.console().println(String.format(Locale.ROOT, "Trainable parameters: %,d before freezing, %,d after",
                before.trainableParams(), after.trainableParams()));

        Map<String, INDArray> initial = snapshot(frozen);
        ImageDataset.Split data = rgb(ctx.trainAndValidation(Datasets.MNIST));
        History history = ctx.trainer().fit(ARCHITECTURE + "-frozen", frozen,
                data.train().batches(cfg.batchSize(), true, common.seed()),
                data.validation().batches(cfg.batchSize(), false, common.seed()), cfg.epochs());
        ctx.classMetrics(ARCHITECTURE + "-frozen", "validation", Evaluator.evaluate(frozen,
                data.validation().batches(cfg.batchSize(), false, common.seed()), common.maxBatches()),
                data.validation().classNames());

        Set<String> frozenNames = ModelSummary.frozenLayers(frozen);
        List<LayerChange> changes = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : initial.entrySet()) {
            String layer = e.getKey().substring(0, e.getKey().lastIndexOf('/'));
            double change = e.getValue().sub(param(frozen, e.getKey())).amaxNumber().doubleValue();
            changes.add(new LayerChange(e.getKey(), frozenNames.contains(layer), e.getValue().length(), change));
        }
        boolean backboneUnchanged = changes.stream().filter(LayerChange::frozen).allMatch(c -> c.maxAbsChange() == 0);
        boolean classifierMoved = changes.stream().filter(c -> !c.frozen()).allMatch(c -> c.maxAbsChange() > 0);
        ctx.console().println("Backbone unchanged: " + backboneUnchanged + "; every classifier parameter moved: " + classifierMoved);

        MarkdownTable counts = new MarkdownTable("Model", "Total params (PyTorch count)", "Total (Keras, with BN moving statistics)",
                "Trainable");
        counts.row("SmallCNN", MarkdownTable.count(before.pytorchParams()), MarkdownTable.count(before.totalParams()),
                MarkdownTable.count(before.trainableParams()));
        counts.row("SmallCNN, backbone frozen", MarkdownTable.count(after.pytorchParams()), MarkdownTable.count(after.totalParams()),
                MarkdownTable.count(after.trainableParams()));
        MarkdownTable layers = new MarkdownTable("Parameter", "Frozen", "Size", "Largest change after the fit", "Moved");
        for (LayerChange c : changes) {
            layers.row(c.layer(), c.frozen() ? "yes" : "no", MarkdownTable.count(c.params()),
                    String.format(Locale.ROOT, "%.3g", c.maxAbsChange()),
                    c.maxAbsChange() > 0 ? "yes" : "no");
        }
        String table = "# Freeze the backbone (seed 000 mini task)\n\n" + counts + "\n"
                + String.format(Locale.ROOT, "Trained frozen for %d epoch(s) on %,d %s images (validation %,d): final "
                        + "validation accuracy %.4f. Data: MNIST digits padded to 32x32 and copied into three channels, "
                        + "because SmallCNN takes CIFAR-sized RGB input; the seed itself uses random tensors here.%n%n",
                cfg.epochs(), data.train().size(), data.train().name(), data.validation().size(), history.last().valAcc())
                + layers + "\n"
                + "Backbone unchanged: **" + (backboneUnchanged ? "yes" : "NO") + "**; every classifier parameter moved: **"
                + (classifierMoved ? "yes" : "NO") + "**. DL4J's frozen layers run in inference mode, so the frozen "
                + "batch-norm moving statistics (mean, and log10 of the standard deviation, DL4J's form of the variance) "
                + "stay put as well; in PyTorch they would still update unless "
                + "the backbone is put in eval() mode.\n"
                + "Confusion matrix and per-class metrics on the validation images: `confusion-small-cnn-frozen.png`.\n"
                + common.smokeRunNote("not a full training run");

        return new ExperimentResult(new Summary(before.pytorchParams(), before.totalParams(), before.trainableParams(),
                after.trainableParams(), backboneUnchanged, classifierMoved, history.last().valAcc(), changes), table);
    }

    private static ImageDataset.Split rgb(ImageDataset.Split split) {
        return new ImageDataset.Split(split.train().asRgb(32), split.validation().asRgb(32));
    }

    /** Every parameter array of the graph, copied, keyed {@code vertex/param}. */
    static Map<String, INDArray> snapshot(ComputationGraph graph) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (GraphVertex v : graph.getVertices()) {
            v.paramTable(false).forEach((name, value) -> out.put(v.getVertexName() + "/" + name, value.dup()));
        }
        return out;
    }

    private static INDArray param(ComputationGraph graph, String key) {
        int slash = key.lastIndexOf('/');
        return graph.getVertex(key.substring(0, slash)).paramTable(false).get(key.substring(slash + 1));
    }
}
