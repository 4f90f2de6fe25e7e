package cnnlabs.experiments.transfer;

import com.google.auto.service.AutoService;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.KerasWeights;
import cnnlabs.architectures.MobileNetV2;
import cnnlabs.architectures.ModelSummary;
import cnnlabs.architectures.layers.InferenceBatchNorm;
import cnnlabs.datasets.Cifar10;
import cnnlabs.datasets.Datasets;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;
import cnnlabs.run.settings.Training;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import cnnlabs.run.RunRoots;

/**
 * Transfer learning with MobileNetV2: a frozen feature extractor, then fine-tuned, against training from scratch.
 *
 * <p><b>Lab section:</b> Lab 3 (seed 003) Part 5 "Transfer Learning", with the freeze / replace-the-head patterns
 * of seeds 000, 001 (a faster learning rate for the new head: {@code -Dhead.lr}) and 004 (the embedding before the
 * classifier).
 *
 * <p><b>What it does:</b> builds Keras' MobileNetV2 (alpha 1.0, 32x32x3, no top) with the lab's new head (global
 * average pooling, dropout 0.2, dense 10 softmax). Stage 1 trains the head with the base frozen and its batch norm in
 * inference mode, with the lab's recipe (Adam, batch 64, 5 epochs on the first 5,000 training images, validation
 * split 0.2); stage 2 unfreezes the base's last 20 Keras layers ({@code block_15_expand} to {@code out_relu};
 * {@code -Dfinetune.layers=N} for another N) and
 * trains as many epochs again at Adam 1e-4; the same network from scratch trains for both stages' epochs. The table
 * gives total and trainable parameters and validation and test accuracy at each stage; the embeddings of the
 * fine-tuned model go to {@link Embeddings}. Source and target are said in every table:
 * <ul>
 *   <li>Source weights ({@link SourceWeights}): Keras' ImageNet file when {@code -Dweights=PATH} (or its URL,
 *       {@link KerasWeights#MOBILENET_V2_NO_TOP_URL}) is given. Otherwise, offline: the MobileNetV2 is first
 *       trained on Fashion-MNIST ({@code -Dpretrain.images}, {@code -Dpretrain.epochs}) and cached under the data
 *       directory ({@code checkpoints/}), so later runs reuse it.</li>
 *   <li>Target data: CIFAR-10 when it is on this machine ({@code -Ddata.cifar10}, or already in the cache);
 *       otherwise MNIST. Grey 28x28 images are zero-padded to 32x32 and copied into three channels. Pixels are
 *       scaled to [0, 1], as the lab does (it does not apply MobileNetV2's {@code preprocess_input}).</li>
 * </ul>
 * Offline numbers are Fashion-MNIST-to-MNIST transfer, never ImageNet-to-CIFAR numbers, and the table says so.
 *
 * <p>Batch norm follows Keras: the lab calls the base with {@code training=False}, so even the unfrozen batch-norm
 * layers of stage 2 keep normalising with their moving statistics while their gamma and beta train. DL4J's batch
 * norm cannot do that (in training it uses batch statistics), so stage 2 swaps those layers for
 * {@link InferenceBatchNorm}, which does, with the same parameters ({@link TransferGraphs}).
 *
 * <p><b>Expected runtime:</b> about 6 minutes on a 2-core CPU the first time offline (the Fashion-MNIST pretraining
 * takes about a third), about 4 minutes once its checkpoint is cached. The parameter counts and the accuracies measured
 * here are in {@code results/REPRODUCED.md}.
 */
@AutoService(Experiment.class)
public final class MobileNetTransfer implements Experiment<MobileNetTransfer.Settings> {

    public static final String WEIGHTS = "weights";
    public static final String FINETUNE_LR = "finetune.lr";
    public static final String HEAD_LR = "head.lr";
    public static final String PRETRAIN_EPOCHS = "pretrain.epochs";
    public static final String PRETRAIN_IMAGES = "pretrain.images";
    public static final String FINETUNE_LAYERS = "finetune.layers";
    static final int STAGE_EPOCHS = 5;

    /**
     * MobileNetTransfer's settings: the shared ones (the lab's stage 1: Adam 1e-3, batch 64, 5 epochs on the first
     * 5,000 training images, validation split 0.2) and its own.
     *
     * @param common         seed and smoke-run length
     * @param training       the lab's stage-1 recipe; stage 2 runs as many epochs, from scratch twice as many
     * @param weights        a Keras MobileNetV2 weights file or its http(s) URL; empty = offline source
     * @param fineTuneLr     Adam's rate in stage 2 (the lab's 1e-4)
     * @param headLr         the new head's rate in stage 2 (seed 001's per-group rates); 0 = the same as fineTuneLr
     * @param pretrainEpochs offline source training epochs on Fashion-MNIST
     * @param pretrainImages the first N Fashion-MNIST training images for that (10% of them held out for
     *                       validation); 0 = all 60,000
     * @param fineTuneLayers the base's last N Keras layers that train in stage 2 (the lab's 20)
     */
    public record Settings(
            Common common,
            Training training,
            @Setting(key = WEIGHTS, help = "Keras' ImageNet MobileNetV2 weights (.h5 file or its https URL, downloaded "
                    + "once into the data directory); empty: pretrain offline on Fashion-MNIST",
                    example = KerasWeights.MOBILENET_V2_NO_TOP_URL) String weights,
            @Setting(key = FINETUNE_LR, help = "Adam's learning rate for fine-tuning (stage 2)", example = "0.0001")
            double fineTuneLr,
            @Setting(key = HEAD_LR, help = "a different rate for the new head in stage 2 (seed 001's per-group "
                    + "rates); 0: the same as finetune.lr", example = "0.01") double headLr,
            @Setting(key = PRETRAIN_EPOCHS, help = "offline source: Fashion-MNIST training epochs", example = "2")
            int pretrainEpochs,
            @Setting(key = PRETRAIN_IMAGES, help = "offline source: the first N Fashion-MNIST training images (0 = "
                    + "all 60,000)", example = "20000") int pretrainImages,
            @Setting(key = FINETUNE_LAYERS, help = "fine-tuning: the base's last N Keras layers train (Keras' "
                    + "base_model.layers[-N:]; the lab's 20)", example = "20") int fineTuneLayers)
            implements ExperimentSettings {

        public Settings {
            SettingsParser.require(fineTuneLr > 0 && fineTuneLr <= 10, FINETUNE_LR, fineTuneLr, "a number in (0, 10]",
                    "0.0001");
            SettingsParser.require(headLr == 0 || (headLr > 0 && headLr <= 10), HEAD_LR, headLr,
                    "0 (the fine-tuning rate) or a number in (0, 10]", "0.01");
            SettingsParser.require(pretrainEpochs >= 1 && pretrainEpochs <= 1000, PRETRAIN_EPOCHS, pretrainEpochs,
                    "a whole number from 1 to 1000", "2");
            SettingsParser.require(pretrainImages == 0 || (pretrainImages >= 100 && pretrainImages <= 60_000),
                    PRETRAIN_IMAGES, pretrainImages, "0 (all) or a whole number from 100 to 60000", "20000");
            requireFineTuneLayers(fineTuneLayers);
        }

        /** -Dfinetune.layers: from 1 to all but one of the base's Keras layers. */
        static void requireFineTuneLayers(int n) {
            int base = MobileNetV2.baseLayers(MobileNetV2.Spec.lab(10)).size();
            SettingsParser.require(n >= 1 && n < base, FINETUNE_LAYERS, n, "a whole number from 1 to " + (base - 1)
                    + " (MobileNetV2's base has " + base + " Keras layers)", "20");
        }

        /** Whether ImageNet weights were given. */
        boolean hasWeights() {
            return !weights.isEmpty();
        }
    }

    @Override
    public String name() {
        return "MobileNetTransfer";
    }

    @Override
    public String description() {
        return "Lab 3 Part 5: MobileNetV2 frozen feature extraction, then fine-tuning the last 20 layers, vs from scratch";
    }


    @Override
    public Settings defaults() {
        return new Settings(Common.DEFAULTS, Training.lab(STAGE_EPOCHS, 64, 5_000, 0.2), "", 1e-4, 0, 2, 20_000,
                TransferGraphs.LAB_UNFROZEN_LAYERS);
    }

    /** Where the source weights and the target images come from, in words for the tables. */
    record Transfer(String source, String target) {
    }

    /**
     * What {@code summary.json} holds.
     *
     * @param imagenetWeights whether Keras' ImageNet weights were the source (else the offline Fashion-MNIST model)
     * @param cifar10         whether the target was CIFAR-10 (else MNIST)
     * @param stages          every stage trained, in order, the offline source's pretraining first
     */
    public record Summary(String source, String target, boolean imagenetWeights, boolean cifar10, long totalParams,
                          long trainableFeatureExtraction, long trainableFineTuning, long trainableFromScratch,
                          List<Stage> stages) {
    }

    /** The default checks, and {@code -Dweights}: a file that is not there, or a URL that names no .h5 file. */
    @Override
    public void check(Settings settings, RunRoots roots) {
        Experiment.super.check(settings, roots);
        SourceWeights.check(settings.weights());
    }

    /** The models it trains, by their fits' names: a sweep's objective names one of them. */
    @Override
    public List<String> models(Settings settings) {
        return settings.hasWeights() ? List.of("feature-extraction", "fine-tuning", "from-scratch")
                : List.of("pretrain-fashion-mnist", "feature-extraction", "fine-tuning", "from-scratch");
    }

    @Override
    public ExperimentResult run(ExperimentContext<Settings> ctx) throws Exception {
        Settings options = ctx.settings();
        Training cfg = ctx.training();
        Common common = ctx.common();
        MobileNetV2.Spec spec = MobileNetV2.Spec.lab(10);
        BuildOptions build = ctx.buildOptions();

        Optional<Cifar10> cifar = Cifar10.findLocal(ctx.data());
        ImageDataset trainAll = cifar.isPresent() ? cifar.get().loadTrain()
                : Datasets.MNIST.loadTrain(ctx.dataDir()).asRgb(32);
        ImageDataset test = cifar.isPresent() ? cifar.get().loadTest() : Datasets.MNIST.loadTest(ctx.dataDir()).asRgb(32);
        ImageDataset.Split target = (cfg.subset() > 0 ? trainAll.head(cfg.subset()) : trainAll)
                .splitValidation(cfg.validationSplit());

        List<Stage> stages = new ArrayList<>();
        ComputationGraph model = TransferGraphs.mobileNet(ctx.engine(), build, spec);
        Transfer setting;
        if (options.hasWeights()) {
            Path file = SourceWeights.resolveWeights(options.weights(), ctx);
            List<String> baseLayers = TransferGraphs.baseLayersWithParameters(model);
            KerasWeights.Report report = KerasWeights.load(model, file, baseLayers);
            ctx.console().println(String.format(Locale.ROOT, "Loaded %,d values into %d layers from %s", report.values(),
                    report.loadedLayers().size(), file));
            setting = new Transfer("Keras ImageNet weights (" + file.getFileName() + ")",
                    cifar.isPresent() ? cifar.get().name() : "MNIST digits (CIFAR-10 is not on this machine)");
        } else {
            ComputationGraph source = SourceWeights.pretrainedOffline(ctx, options, spec, build, stages);
            TransferGraphs.copyLayers(source, model, TransferGraphs.baseLayersWithParameters(model));
            setting = new Transfer(String.format(Locale.ROOT, "MobileNetV2 trained here on Fashion-MNIST (%,d images, %d "
                    + "epochs, all layers; no ImageNet weights: none given with -Dweights)",
                    options.pretrainImages() > 0 ? options.pretrainImages() : 60_000, options.pretrainEpochs()),
                    cifar.isPresent() ? cifar.get().name() : "MNIST digits (CIFAR-10 is not on this machine)");
        }
        ctx.console().println("Source: " + setting.source() + "; target: " + setting.target() + ", "
                + target.train().size() + " training and " + target.validation().size() + " validation images");

        // Stage 1: feature extraction. Every base layer frozen (DL4J's frozen layers run in inference mode).
        ComputationGraph stage1 = TransferGraphs.featureExtractor(ctx.engine(), model, cfg.learningRate(), common.seed());
        stages.add(Stage.train(ctx, "feature-extraction", "the new head only (base frozen)", stage1, target, test,
                cfg.epochs(), SettingsParser.shortest(cfg.learningRate())));
        ModelSummary summary1 = ModelSummary.of(stage1, spec.input());
        model.setParams(stage1.params());

        // Stage 2: fine-tuning. The base's last N (the lab's 20) Keras layers trainable, a lower rate (and optionally a faster head).
        ComputationGraph stage2 = TransferGraphs.fineTuner(ctx.engine(), model, spec, options.fineTuneLayers(),
                options.fineTuneLr(), common.seed());
        String rates = SettingsParser.shortest(options.fineTuneLr());
        if (options.headLr() != 0) {
            stage2.setLearningRate(MobileNetV2.HEAD_DENSE, options.headLr());
            rates = SettingsParser.shortest(options.fineTuneLr()) + " (head " + SettingsParser.shortest(options.headLr()) + ")";
        }
        stages.add(Stage.train(ctx, "fine-tuning", "the base's last " + options.fineTuneLayers() + " layers and the head", stage2, target,
                test, cfg.epochs(), rates));
        ModelSummary summary2 = ModelSummary.of(stage2, spec.input());
        Embeddings.write(ctx, stage2, target.validation());

        // The same network from scratch for the same number of epochs.
        ComputationGraph scratch = TransferGraphs.mobileNet(ctx.engine(), build, spec);
        stages.add(Stage.train(ctx, "from-scratch", "every layer, random initialisation", scratch, target, test,
                2 * cfg.epochs(), SettingsParser.shortest(cfg.learningRate())));
        ModelSummary summary3 = ModelSummary.of(scratch, spec.input());

        ctx.run().writeText("model-summary.txt", summary1.toText("MobileNetV2 + head, base frozen") + "\n"
                + summary2.toText("MobileNetV2 + head, last " + options.fineTuneLayers() + " base layers trainable"));
        String table = render(cfg, common, options, setting, stages, target);
        return new ExperimentResult(new Summary(setting.source(), setting.target(), options.hasWeights(),
                cifar.isPresent(), summary1.totalParams(), summary1.trainableParams(), summary2.trainableParams(),
                summary3.trainableParams(), stages), table);
    }

    private static String render(Training cfg, Common common, Settings options, Transfer setting, List<Stage> stages,
                                 ImageDataset.Split target) {
        MarkdownTable t = new MarkdownTable("Stage", "Trains", "Total params", "Trainable", "Epochs", "Adam lr",
                "Val acc", "Test acc", "Time (s)");
        for (Stage s : stages) {
            t.row(s.name(), s.trains(), MarkdownTable.count(s.totalParams()), MarkdownTable.count(s.trainableParams()),
                    String.valueOf(s.epochs()), s.learningRate(), String.format(Locale.ROOT, "%.4f", s.valAccuracy()),
                    String.format(Locale.ROOT, "%.4f", s.testAccuracy()), String.format(Locale.ROOT, "%.0f", s.seconds()));
        }
        boolean labSetting = options.hasWeights() && setting.target().equals("CIFAR-10");
        return "# Transfer learning with MobileNetV2 (Lab 3, Part 5)\n\n"
                + (labSetting ? "" : "**Offline protocol, not the lab's ImageNet-to-CIFAR-10 numbers:** "
                        + (!options.hasWeights() ? "no ImageNet weights were given (-Dweights), so the source model "
                        + "is a MobileNetV2 trained here on Fashion-MNIST" : "ImageNet weights")
                        + (setting.target().equals("CIFAR-10") ? ", target CIFAR-10" : "; CIFAR-10 is not on this machine, so "
                        + "the target is MNIST") + ".\n\n")
                + "- Source weights: " + setting.source() + "\n"
                + "- Target: " + setting.target() + ", first " + (target.train().size() + target.validation().size())
                + " training images, " + target.train().size() + " for training and the last "
                + target.validation().size() + " for validation (validation split " + cfg.validationSplit() + "), batch "
                + cfg.batchSize() + "; images 32x32x3 scaled to [0, 1]" + (setting.target().startsWith("MNIST")
                        ? " (28x28 digits zero-padded and copied into three channels)" : "") + ".\n"
                + "- Test accuracy is on the target's official test split (not in the lab).\n\n"
                + t + "\n"
                + "Feature extraction freezes the whole base (its batch norm in inference mode) and trains the new head "
                + "(global average pooling, dropout 0.2, dense 10). Fine-tuning continues from there with the base's "
                + "last " + options.fineTuneLayers() + " Keras layers (" + (options.fineTuneLayers()
                        == TransferGraphs.LAB_UNFROZEN_LAYERS ? "the lab's 20, block_15_expand to out_relu" : "-D"
                        + FINETUNE_LAYERS + "; the lab's: 20") + ") trainable; as in Keras' "
                + "training=False call, their batch norm keeps normalising with its moving statistics while its gamma "
                + "and beta train (InferenceBatchNorm). From scratch "
                + "trains the same network from a random initialisation for as many epochs as both stages together.\n\n"
                + "Embeddings (seed 004): the " + MobileNetV2.HEAD_POOL + " output (1280 values per image) of the fine-tuned "
                + "model for the first validation images, in `" + Embeddings.CSV + "` and `" + Embeddings.NPY + "`; "
                + "`" + Embeddings.PLOT + "` shows them on their first two principal components, one colour per class.\n"
                + "Each stage's confusion matrix and per-class metrics on the test set: `confusion-<stage>.png`, "
                + "`per-class-<stage>.csv`.\n"
                + common.smokeRunNote("not the lab's numbers");
    }

}
