package cnnlabs.experiments.transfer;

import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.KerasWeights;
import cnnlabs.architectures.MobileNetV2;
import cnnlabs.architectures.ModelSummary;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.run.RunRoots;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.run.settings.Training;
import cnnlabs.settings.ConfigException;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.CallbackSettings;
import cnnlabs.training.Evaluator;
import com.google.auto.service.AutoService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Transfer learning by target-set size: when does a pretrained base beat the same network trained from scratch?
 *
 * <p><b>Lab section:</b> Lab 3 (seed 003) Part 5's lesson (a frozen pretrained MobileNetV2 with a new head, then its
 * last layers fine-tuned at a lower rate, against training from scratch) and seed 001's bonus ("compare performance
 * vs training from scratch"), measured as transfer learning is judged: test accuracy against the number of labelled
 * target images.
 *
 * <p><b>What it does:</b> for each protocol of {@code -Dprotocols} ({@link TransferProtocol}): {@code digits}, the lab's
 * MobileNetV2 trained on MNIST digits 0-4 and moved to digits 5-9 (new classes, the same kind of image), and
 * {@code fashion}, trained on Fashion-MNIST and moved to MNIST (other images); with {@code -Dweights} also
 * {@code imagenet}, the lab's own (Keras' ImageNet weights; CIFAR-10 as the target where it is here). The source model
 * trains on every source training image (10% held out) for {@code -Dsource.epochs} epochs and is cached under the
 * data directory. Then for each size N of {@code -Dtarget.sizes} (250, 1,000, 5,000): the first N target training
 * images, split 80/20 into training and validation as the lab's {@code validation_split=0.2}, train three models, each
 * tested on the target's whole official test split:
 * <ul>
 *   <li><b>frozen base</b>: the source's base, frozen (batch norm in inference mode), with a new head (Lab 3 Part 5's
 *       stage 1, Adam {@code -Dlr});</li>
 *   <li><b>fine-tuned</b>: from there, the base's last {@code -Dfinetune.layers} (20) Keras layers train too, at
 *       {@code -Dfinetune.lr} (1e-4; stage 2);</li>
 *   <li><b>from scratch</b>: the same network from a random initialisation for both stages' epochs.</li>
 * </ul>
 * Each stage trains for the lab's {@code -Depochs} (5) on its 4,000 training images; a smaller target set trains
 * proportionally more epochs, so that every stage sees about 20,000 images whatever N is (a set of 250: 100 epochs).
 *
 * <p><b>Expected runtime:</b> about 25 minutes on a 2-core CPU the first time (the two source models take about a
 * third and are cached), and a smoke run ({@code -Dmax.batches=1}) about a minute. The table and
 * {@code transfer-curves.png} (one panel per protocol) are in {@code results/REPRODUCED.md} with their reading.
 */
@AutoService(Experiment.class)
public final class TransferCurves implements Experiment<TransferCurves.Settings> {

    /** The lab's training images per stage: the first 5,000, 20% of them held out. */
    static final int LAB_TRAINING_IMAGES = 4_000;
    public static final String PROTOCOLS = "protocols";
    public static final String TARGET_SIZES = "target.sizes";
    public static final String SOURCE_EPOCHS = "source.epochs";

    /**
     * TransferCurves' settings: the shared ones (Lab 3 Part 5's stage recipe: Adam 1e-3, batch 64, 5 epochs at 4,000
     * images, validation split 0.2; no checkpoints by default: 18 fits of 27 MB each) and its own.
     *
     * @param protocols      comma-separated protocols; {@code imagenet} needs {@code -Dweights} (and is added by it)
     * @param targetSizes    comma-separated numbers of labelled target images
     * @param sourceEpochs   epochs of the offline source models
     * @param fineTuneLr     Adam's rate in the fine-tuning stage
     * @param fineTuneLayers the base's last N Keras layers that train when fine-tuning
     * @param weights        Keras' ImageNet MobileNetV2 weights (file or URL) for the {@code imagenet} protocol
     */
    public record Settings(
            Common common,
            Training training,
            @Setting(key = PROTOCOLS, help = "comma-separated: digits (MNIST 0-4 to 5-9), fashion (Fashion-MNIST to "
                    + "MNIST), imagenet (the lab's; needs -Dweights, which adds it)", example = "digits,fashion")
            String protocols,
            @Setting(key = TARGET_SIZES, help = "comma-separated numbers of labelled target images (each split 80/20 "
                    + "into training and validation)", example = "250,1000,5000") String targetSizes,
            @Setting(key = SOURCE_EPOCHS, help = "epochs of the offline source models (on all their images)",
                    example = "3") int sourceEpochs,
            @Setting(key = MobileNetTransfer.FINETUNE_LR, help = "Adam's learning rate for fine-tuning",
                    example = "0.0001") double fineTuneLr,
            @Setting(key = MobileNetTransfer.FINETUNE_LAYERS, help = "fine-tuning: the base's last N Keras layers "
                    + "train (Keras' base_model.layers[-N:]; the lab's 20)", example = "20") int fineTuneLayers,
            @Setting(key = MobileNetTransfer.WEIGHTS, help = "Keras' ImageNet MobileNetV2 weights (.h5 file or its "
                    + "https URL) for the imagenet protocol; empty: offline protocols only",
                    example = KerasWeights.MOBILENET_V2_NO_TOP_URL) String weights)
            implements ExperimentSettings {

        public Settings {
            List<String> unknown = Arrays.stream(protocols.split(",")).map(String::strip)
                    .filter(p -> TransferProtocol.of(p) == null).toList();
            SettingsParser.require(unknown.isEmpty() && !protocols.isBlank(), PROTOCOLS, protocols,
                    "a comma-separated list of " + TransferProtocol.keys(), "digits,fashion");
            SettingsParser.require(sizes(targetSizes) != null, TARGET_SIZES, targetSizes,
                    "a comma-separated list of whole numbers from 20 to 50000", "250,1000,5000");
            SettingsParser.require(sourceEpochs >= 1 && sourceEpochs <= 1000, SOURCE_EPOCHS, sourceEpochs,
                    "a whole number from 1 to 1000", "3");
            SettingsParser.require(fineTuneLr > 0 && fineTuneLr <= 10, MobileNetTransfer.FINETUNE_LR, fineTuneLr,
                    "a number in (0, 10]", "0.0001");
            MobileNetTransfer.Settings.requireFineTuneLayers(fineTuneLayers);
        }

        /** The protocols in order, {@code imagenet} added where weights are given. */
        List<TransferProtocol> protocolList() {
            Set<TransferProtocol> out = new LinkedHashSet<>();
            Arrays.stream(protocols.split(",")).map(TransferProtocol::of).forEach(out::add);
            if (!weights.isEmpty()) {
                out.add(TransferProtocol.IMAGENET);
            }
            return List.copyOf(out);
        }
    }

    /** The sizes {@code list} names, ascending; null where it is not a list of whole numbers from 20 to 50,000. */
    static int[] sizes(String list) {
        try {
            int[] out = Arrays.stream(list.split(",")).map(String::strip).mapToInt(Integer::parseInt).sorted()
                    .distinct().toArray();
            return out.length > 0 && out[0] >= 20 && out[out.length - 1] <= 50_000 ? out : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String name() {
        return "TransferCurves";
    }

    @Override
    public String description() {
        return "Lab 3 Part 5's lesson by target-set size: frozen base, fine-tuned and from scratch, per transfer protocol";
    }

    @Override
    public Settings defaults() {
        Training lab = Training.lab(MobileNetTransfer.STAGE_EPOCHS, 64, 0, 0.2);
        CallbackSettings c = lab.callbacks();
        Training noCheckpoints = new Training(lab.epochs(), lab.batchSize(), lab.learningRate(), lab.subset(),
                lab.validationSplit(), lab.bnMomentum(), lab.dropout(), lab.optimizer(), lab.schedule(),
                new CallbackSettings(c.monitor(), c.patience(), c.minDelta(), c.restoreBest(),
                        CallbackSettings.Checkpointing.NONE, c.divergenceLoss(), c.topK()), lab.loss());
        return new Settings(Common.DEFAULTS, noCheckpoints, "digits,fashion", "250,1000,5000", 3, 1e-4,
                TransferGraphs.LAB_UNFROZEN_LAYERS, "");
    }

    /** The default checks; {@code imagenet} without weights, -Dsubset and -Dclass.weights, which mean nothing here. */
    @Override
    public void check(Settings settings, RunRoots roots) {
        if (settings.training().subset() != 0) {
            throw new ConfigException("-Dsubset does not apply to " + name() + ": its target sets are the first N "
                    + "images for each N of -D" + TARGET_SIZES + ", e.g. -D" + TARGET_SIZES + "=250,1000,5000.");
        }
        if (settings.training().loss().weights().length > 0) {
            throw new ConfigException("-Dclass.weights does not apply to " + name() + ": its protocols classify 5 or "
                    + "10 classes. Leave the setting out.");
        }
        Experiment.super.check(settings, roots);
        if (settings.weights().isEmpty() && Arrays.stream(settings.protocols().split(","))
                .anyMatch(p -> TransferProtocol.of(p) == TransferProtocol.IMAGENET)) {
            throw new ConfigException("-D" + PROTOCOLS + "=" + settings.protocols() + " names imagenet, which needs "
                    + "Keras' ImageNet weights: give -D" + MobileNetTransfer.WEIGHTS + "=PATH (or its URL, "
                    + KerasWeights.MOBILENET_V2_NO_TOP_URL + "), or leave imagenet out.");
        }
        SourceWeights.check(settings.weights());
        int[] sizes = sizes(settings.targetSizes());
        for (TransferProtocol p : settings.protocolList()) {
            if (sizes[sizes.length - 1] > p.targetImages) {
                throw new ConfigException("-D" + TARGET_SIZES + "=" + settings.targetSizes() + " asks for "
                        + sizes[sizes.length - 1] + " target images, but the " + p.key + " protocol's target, "
                        + p.target + ", has " + p.targetImages + " training images. Give sizes up to "
                        + p.targetImages + ".");
            }
        }
    }

    /** The models it trains on the target, by their fits' names. */
    @Override
    public List<String> models(Settings settings) {
        List<String> out = new ArrayList<>();
        for (TransferProtocol p : settings.protocolList()) {
            for (int n : sizes(settings.targetSizes())) {
                for (Method m : Method.values()) {
                    out.add(m.fitName(p, n));
                }
            }
        }
        return out;
    }

    /** The three ways of training the target network. */
    enum Method {
        FROZEN("frozen base"), FINE_TUNED("fine-tuned"), SCRATCH("from scratch");

        final String label;

        Method(String label) {
            this.label = label;
        }

        String fitName(TransferProtocol p, int n) {
            return name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + p.key + "-" + n;
        }
    }

    /**
     * One model's result.
     *
     * @param images       labelled target images (training and validation)
     * @param epochs       epochs it trained
     * @param testAccuracy on the target's test split
     */
    public record Point(String protocol, String method, int images, int epochs, double valAccuracy,
                        double testAccuracy, double seconds) {
    }

    /**
     * One protocol: where the source model learned, its test accuracy on its own task (NaN for ImageNet weights), and
     * every point.
     */
    public record Curve(String protocol, String source, String target, double sourceTestAccuracy, List<Point> points) {
    }

    /** What {@code summary.json} holds. */
    public record Summary(List<Curve> curves) {
    }

    @Override
    public ExperimentResult run(ExperimentContext<Settings> ctx) throws Exception {
        List<Curve> curves = new ArrayList<>();
        StringBuilder summaries = new StringBuilder();
        for (TransferProtocol p : ctx.settings().protocolList()) {
            curves.add(curve(ctx, p, summaries));
        }
        ctx.run().writeText("model-summary.txt", summaries.toString());
        ctx.run().picture(TransferCurvesPlot.FILE, TransferCurvesPlot.render(curves));
        return new ExperimentResult(new Summary(curves), TransferCurvesPlot.table(ctx, curves));
    }

    private Curve curve(ExperimentContext<Settings> ctx, TransferProtocol p, StringBuilder summaries) throws Exception {
        Settings s = ctx.settings();
        Training cfg = ctx.training();
        Common common = ctx.common();
        BuildOptions build = ctx.buildOptions();
        ImageDataset pool = p.targetPool(ctx);
        ImageDataset test = p.targetTest(ctx);
        MobileNetV2.Spec spec = MobileNetV2.Spec.lab(pool.numClasses());
        ComputationGraph source;
        double sourceAccuracy = Double.NaN;
        if (p == TransferProtocol.IMAGENET) {
            source = TransferGraphs.mobileNet(ctx.engine(), build, spec);
            Path file = SourceWeights.resolveWeights(s.weights(), ctx);
            KerasWeights.load(source, file, TransferGraphs.baseLayersWithParameters(source));
        } else {
            ImageDataset sourceTest = p.sourceTest(ctx);
            MobileNetV2.Spec sourceSpec = MobileNetV2.Spec.lab(sourceTest.numClasses());
            source = SourceWeights.trainedHere(ctx, p.key + "-source", "source-" + p.key,
                    p.sourceTrain(ctx).splitValidation(0.1), sourceTest, s.sourceEpochs(), sourceSpec, build,
                    new ArrayList<>());
            sourceAccuracy = Evaluator.evaluate(source, sourceTest.batches(256, false, common.seed()),
                    common.maxBatches()).accuracy();
        }
        ctx.console().println(String.format(Locale.ROOT, "%s: source %s (test accuracy %.4f), target %s", p.key,
                p.source, sourceAccuracy, p.target(ctx)));
        List<Point> points = new ArrayList<>();
        for (int n : sizes(s.targetSizes())) {
            ImageDataset.Split data = pool.head(n).splitValidation(cfg.validationSplit());
            int epochs = common.isSmokeRun() ? 1 : epochs(cfg.epochs(), data.train().size());
            String lr = SettingsParser.shortest(cfg.learningRate());

            ComputationGraph model = TransferGraphs.mobileNet(ctx.engine(), build, spec);
            TransferGraphs.copyLayers(source, model, TransferGraphs.baseLayersWithParameters(model));
            ComputationGraph frozen = TransferGraphs.featureExtractor(ctx.engine(), model, cfg.learningRate(),
                    common.seed());
            points.add(point(p, Method.FROZEN, n, Stage.train(ctx, Method.FROZEN.fitName(p, n), "head", frozen, data,
                    test, epochs, lr, false)));
            model.setParams(frozen.params());

            ComputationGraph fine = TransferGraphs.fineTuner(ctx.engine(), model, spec, s.fineTuneLayers(),
                    s.fineTuneLr(), common.seed());
            if (points.size() == 1) {
                summaries.append(ModelSummary.of(frozen, spec.input()).toText(p.key + ": MobileNetV2 + head, base frozen"))
                        .append('\n').append(ModelSummary.of(fine, spec.input()).toText(p.key
                                + ": MobileNetV2 + head, last " + s.fineTuneLayers() + " base layers trainable"))
                        .append('\n');
            }
            points.add(point(p, Method.FINE_TUNED, n, Stage.train(ctx, Method.FINE_TUNED.fitName(p, n), "last layers",
                    fine, data, test, epochs, SettingsParser.shortest(s.fineTuneLr()), false)));

            ComputationGraph scratch = TransferGraphs.mobileNet(ctx.engine(), build, spec);
            points.add(point(p, Method.SCRATCH, n, Stage.train(ctx, Method.SCRATCH.fitName(p, n), "every layer",
                    scratch, data, test, 2 * epochs, lr, false)));
        }
        return new Curve(p.key, p.source, p.target(ctx), sourceAccuracy, points);
    }

    /** Epochs per stage for {@code trainImages}: the lab's at its 4,000 images, proportionally more below. */
    static int epochs(int labEpochs, int trainImages) {
        return Math.max(labEpochs, (int) Math.ceil((double) labEpochs * LAB_TRAINING_IMAGES / trainImages));
    }

    private static Point point(TransferProtocol p, Method m, int n, Stage stage) {
        return new Point(p.key, m.label, n, stage.epochs(), stage.valAccuracy(), stage.testAccuracy(), stage.seconds());
    }
}
