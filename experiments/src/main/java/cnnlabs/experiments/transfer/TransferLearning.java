package cnnlabs.experiments.transfer;

import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.KerasWeights;
import cnnlabs.architectures.MobileNetV2;
import cnnlabs.architectures.ModelSummary;
import cnnlabs.architectures.layers.InferenceBatchNorm;
import cnnlabs.datasets.Cifar10;
import cnnlabs.datasets.DataException;
import cnnlabs.datasets.Datasets;
import cnnlabs.datasets.HttpDownload;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.experiments.ConfigException;
import cnnlabs.experiments.Engine;
import cnnlabs.experiments.Experiment;
import cnnlabs.experiments.ExperimentContext;
import cnnlabs.experiments.ExperimentResult;
import cnnlabs.experiments.SmokeCheck;
import cnnlabs.experiments.common.MarkdownTable;
import cnnlabs.experiments.plots.EmbeddingPlot;
import cnnlabs.experiments.settings.Common;
import cnnlabs.experiments.settings.ExperimentSettings;
import cnnlabs.experiments.settings.Setting;
import cnnlabs.experiments.settings.SettingsParser;
import cnnlabs.experiments.settings.Training;
import cnnlabs.experiments.training.Evaluator;
import cnnlabs.experiments.training.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Transfer learning: MobileNetV2 as a frozen feature extractor, then fine-tuned, against training from scratch.
 *
 * <p><b>Reproduces:</b> Lab 3 (seed 003) Part 5 "Transfer Learning": Keras' MobileNetV2 (alpha 1.0, 32x32x3, no
 * top) with a new head (global average pooling, dropout 0.2, dense 10 softmax); stage 1 trains the head with the
 * base frozen and its batch norm in inference mode (Adam 1e-3, batch 64, 5 epochs on the first 5,000 training
 * images, validation split 0.2); stage 2 unfreezes the base's last 20 Keras layers ({@code block_15_expand} to
 * {@code out_relu}) and trains 5 more epochs at Adam 1e-4. Also the freeze / replace-the-head patterns of seeds
 * 000, 001 (a faster learning rate for the new head: {@code -Dhead.lr}) and 004 (a new last layer; the embedding
 * from the layer before the classifier, written to {@code embeddings.csv} and {@code embeddings.npy} and drawn
 * on its first two principal components in {@code embeddings-pca.png}).
 *
 * <p><b>Description:</b> reports total and trainable parameters at each stage (2,270,794 total; 12,810 trainable
 * frozen; 1,218,890 fine-tuning) and the validation accuracy after each, next to the same network trained from
 * scratch for the same 10 epochs. Source and target are said in every table:
 * <ul>
 *   <li>Source weights: Keras' ImageNet file when {@code -Dweights=PATH} (or its URL,
 *       {@link KerasWeights#MOBILENET_V2_NO_TOP_URL}) is given. Otherwise, offline: the MobileNetV2 is first
 *       trained on Fashion-MNIST (the first 20,000 training images, {@code -Dpretrain.images}, minus a 10%
 *       validation split; {@code -Dpretrain.epochs}, default 2) and that checkpoint is cached under the data directory ({@code checkpoints/}), so later runs reuse it.</li>
 *   <li>Target data: CIFAR-10 when it is on this machine ({@code -Ddata.cifar10}, or already in the cache);
 *       otherwise MNIST. Grey 28x28 images (Fashion-MNIST, MNIST) are zero-padded to 32x32 and copied into three
 *       channels. Pixels are scaled to [0, 1], as the lab does (it does not apply MobileNetV2's
 *       {@code preprocess_input}).</li>
 * </ul>
 * Offline numbers are Fashion-MNIST-to-MNIST transfer, never ImageNet-to-CIFAR numbers, and the table says so.
 *
 * <p>Batch norm follows Keras: the lab calls the base with {@code training=False}, so even the unfrozen batch-norm
 * layers of stage 2 keep normalising with their moving statistics while their gamma and beta train. DL4J's batch
 * norm cannot do that (in training it uses batch statistics), so stage 2 swaps those seven layers for
 * {@link InferenceBatchNorm}, which does, with the same parameters.
 *
 * <p><b>Expected runtime:</b> about 20 minutes on a 2-core laptop CPU the first time offline (the Fashion-MNIST
 * pretraining takes about half), about 10 minutes once its checkpoint is cached. <b>Expected accuracy</b> (offline,
 * measured): the Fashion-MNIST source reaches about 0.80; its frozen features transfer poorly to digits (about
 * 0.39 validation accuracy after feature extraction, 0.48 after fine-tuning), while the same network from scratch
 * reaches about 0.87 in 10 epochs: a source this small and this different does not help. With ImageNet weights
 * on CIFAR-10 the lab's Keras run is the reference (32x32 is far below MobileNetV2's 224x224).
 */
public final class TransferLearning implements Experiment<TransferLearning.Settings> {

    public static final String WEIGHTS = "weights";
    public static final String FINETUNE_LR = "finetune.lr";
    public static final String HEAD_LR = "head.lr";
    public static final String PRETRAIN_EPOCHS = "pretrain.epochs";
    public static final String PRETRAIN_IMAGES = "pretrain.images";
    /** The lab's {@code base_model.layers[-20:]}. */
    static final int UNFROZEN_LAYERS = 20;
    static final int STAGE_EPOCHS = 5;
    static final int EMBEDDING_IMAGES = 500;
    static final String EMBEDDINGS_PLOT = "embeddings-pca.png";

    /**
     * TransferLearning's settings: the shared ones (the lab's stage 1: Adam 1e-3, batch 64, 5 epochs on the first
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
                    + "all 60,000)", example = "20000") int pretrainImages) implements ExperimentSettings {

        public Settings {
            SettingsParser.require(fineTuneLr > 0 && fineTuneLr <= 10, FINETUNE_LR, fineTuneLr, "a number in (0, 10]",
                    "0.0001");
            SettingsParser.require(headLr == 0 || (headLr > 0 && headLr <= 10), HEAD_LR, headLr,
                    "0 (the fine-tuning rate) or a number in (0, 10]", "0.01");
            SettingsParser.require(pretrainEpochs >= 1 && pretrainEpochs <= 1000, PRETRAIN_EPOCHS, pretrainEpochs,
                    "a whole number from 1 to 1000", "2");
            SettingsParser.require(pretrainImages == 0 || (pretrainImages >= 100 && pretrainImages <= 60_000),
                    PRETRAIN_IMAGES, pretrainImages, "0 (all) or a whole number from 100 to 60000", "20000");
        }

        /** Whether ImageNet weights were given. */
        boolean hasWeights() {
            return !weights.isEmpty();
        }
    }

    @Override
    public String name() {
        return "TransferLearning";
    }

    @Override
    public String description() {
        return "Lab 3 Part 5: MobileNetV2 frozen feature extraction, then fine-tuning the last 20 layers, vs from scratch";
    }

    @Override
    public SmokeCheck smokeCheck(Settings settings) {
        int epochs = settings.training().epochs();
        // offline source pretraining, feature extraction, fine-tuning, from scratch for both stages' epochs
        return SmokeCheck.table("| Stage | Trains | Total params | Trainable | Epochs | Adam lr | Val acc | Test acc |",
                        "| feature-extraction | the new head only (base frozen) | 2,270,794 | 12,810 | " + epochs + " | 0.001 |",
                        "| fine-tuning | the base's last 20 layers and the head | 2,270,794 | 1,218,890 | " + epochs
                                + " | 0.0001 |",
                        "| from-scratch | every layer, random initialisation | 2,270,794 | 2,236,682 | " + 2 * epochs + " |",
                        "**Offline protocol, not the lab's ImageNet-to-CIFAR-10 numbers:**", "| pretrain-fashion-mnist |")
                .metricRows(settings.pretrainEpochs() + 4 * epochs).picture(EMBEDDINGS_PLOT, 620, 520);
    }

    @Override
    public Settings defaults() {
        return new Settings(Common.DEFAULTS, Training.lab(STAGE_EPOCHS, 64, 5_000, 0.2), "", 1e-4, 0, 2, 20_000);
    }

    /** One row of the results table. */
    record Stage(String name, String trains, long totalParams, long trainableParams, int epochs, String learningRate,
                 double valAccuracy, double testAccuracy, double seconds) {
    }

    /** Where the source weights and the target images come from, in words for the tables. */
    record Transfer(String source, String target) {
    }

    @Override
    public ExperimentResult run(ExperimentContext<Settings> ctx) throws Exception {
        Settings options = ctx.settings();
        Training cfg = ctx.training();
        Common common = ctx.common();
        MobileNetV2.Spec spec = MobileNetV2.Spec.lab(10);
        BuildOptions build = ctx.buildOptions();

        Optional<Cifar10> cifar = Cifar10.findLocal(ctx.dataDir());
        ImageDataset trainAll = cifar.isPresent() ? cifar.get().loadTrain()
                : Datasets.MNIST.loadTrain(ctx.dataDir()).asRgb(32);
        ImageDataset test = cifar.isPresent() ? cifar.get().loadTest() : Datasets.MNIST.loadTest(ctx.dataDir()).asRgb(32);
        ImageDataset.Split target = (cfg.subset() > 0 ? trainAll.head(cfg.subset()) : trainAll)
                .splitValidation(cfg.validationSplit());

        List<Stage> stages = new ArrayList<>();
        ComputationGraph model = mobileNet(ctx.engine(), build, spec);
        Transfer setting;
        if (options.hasWeights()) {
            Path file = resolveWeights(options.weights(), ctx);
            List<String> baseLayers = baseLayersWithParameters(model);
            KerasWeights.Report report = KerasWeights.load(model, file, baseLayers);
            ctx.console().println(String.format(Locale.ROOT, "Loaded %,d values into %d layers from %s", report.values(),
                    report.loadedLayers().size(), file));
            setting = new Transfer("Keras ImageNet weights (" + file.getFileName() + ")",
                    cifar.isPresent() ? "CIFAR-10" : "MNIST digits (CIFAR-10 is not on this machine)");
        } else {
            ComputationGraph source = pretrainedOffline(ctx, options, spec, build, stages);
            copyLayers(source, model, baseLayersWithParameters(model));
            setting = new Transfer(String.format(Locale.ROOT, "MobileNetV2 trained here on Fashion-MNIST (%,d images, %d "
                    + "epochs, all layers; no ImageNet weights: none given with -Dweights)",
                    options.pretrainImages() > 0 ? options.pretrainImages() : 60_000, options.pretrainEpochs()),
                    cifar.isPresent() ? "CIFAR-10" : "MNIST digits (CIFAR-10 is not on this machine)");
        }
        ctx.console().println("Source: " + setting.source() + "; target: " + setting.target() + ", "
                + target.train().size() + " training and " + target.validation().size() + " validation images");

        // Stage 1: feature extraction. Every base layer frozen (DL4J's frozen layers run in inference mode).
        ComputationGraph stage1 = featureExtractor(ctx.engine(), model, cfg.learningRate(), common.seed());
        stages.add(train(ctx, "feature-extraction", "the new head only (base frozen)", stage1, target, test,
                cfg.epochs(), lr(cfg.learningRate())));
        ModelSummary summary1 = ModelSummary.of(stage1, spec.input());
        model.setParams(stage1.params());

        // Stage 2: fine-tuning. The base's last 20 Keras layers trainable, a lower rate (and optionally a faster head).
        ComputationGraph stage2 = fineTuner(ctx.engine(), model, spec, options.fineTuneLr(), common.seed());
        String rates = lr(options.fineTuneLr());
        if (options.headLr() != 0) {
            stage2.setLearningRate(MobileNetV2.HEAD_DENSE, options.headLr());
            rates = lr(options.fineTuneLr()) + " (head " + lr(options.headLr()) + ")";
        }
        stages.add(train(ctx, "fine-tuning", "the base's last " + UNFROZEN_LAYERS + " layers and the head", stage2, target,
                test, cfg.epochs(), rates));
        ModelSummary summary2 = ModelSummary.of(stage2, spec.input());
        Path embeddings = writeEmbeddings(ctx, stage2, target.validation());

        // The same network from scratch for the same number of epochs.
        ComputationGraph scratch = mobileNet(ctx.engine(), build, spec);
        stages.add(train(ctx, "from-scratch", "every layer, random initialisation", scratch, target, test,
                2 * cfg.epochs(), lr(cfg.learningRate())));
        ModelSummary summary3 = ModelSummary.of(scratch, spec.input());

        ctx.run().writeText("model-summary.txt", summary1.toText("MobileNetV2 + head, base frozen") + "\n"
                + summary2.toText("MobileNetV2 + head, last " + UNFROZEN_LAYERS + " base layers trainable"));
        String table = render(cfg, common, options, setting, stages, target, embeddings);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("source", setting.source());
        result.put("target", setting.target());
        result.put("imagenet_weights", options.hasWeights());
        result.put("cifar10", cifar.isPresent());
        result.put("total_params", summary1.totalParams());
        result.put("trainable_feature_extraction", summary1.trainableParams());
        result.put("trainable_fine_tuning", summary2.trainableParams());
        result.put("trainable_from_scratch", summary3.trainableParams());
        result.put("stages", stages);
        return new ExperimentResult(result, table);
    }

    /** Stage 1's graph: a copy of {@code model} with the whole base frozen (DL4J's frozen layers run in inference mode). */
    static ComputationGraph featureExtractor(Engine engine, ComputationGraph model, double learningRate, long seed) {
        return engine.adopt("feature-extraction", new org.deeplearning4j.nn.transferlearning.TransferLearning.GraphBuilder(model)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder()
                        .updater(BuildOptions.kerasAdam(learningRate)).seed(seed).build())
                .setFeatureExtractor(MobileNetV2.BASE_OUTPUT).build());
    }

    /**
     * Stage 2's graph: {@code model}'s weights in a MobileNetV2 whose batch-norm layers among the base's last
     * {@value #UNFROZEN_LAYERS} Keras layers are {@link InferenceBatchNorm} (Keras' {@code training=False}: moving
     * statistics, trainable gamma and beta), with every earlier layer frozen.
     */
    static ComputationGraph fineTuner(Engine engine, ComputationGraph model, MobileNetV2.Spec spec, double learningRate,
                                      long seed) {
        BuildOptions options = BuildOptions.defaults().withSeed(seed).withUpdater(BuildOptions.kerasAdam(learningRate));
        ComputationGraph keras = new ComputationGraph(MobileNetV2.configure(options, spec,
                MobileNetV2.batchNormsInLast(spec, UNFROZEN_LAYERS)));
        keras.init();
        copyLayers(model, keras, KerasWeights.layersWithParameters(keras));
        return engine.adopt("fine-tuning", new org.deeplearning4j.nn.transferlearning.TransferLearning.GraphBuilder(keras)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder()
                        .updater(BuildOptions.kerasAdam(learningRate)).seed(seed).build())
                .setFeatureExtractor(MobileNetV2.freezeBoundary(spec, UNFROZEN_LAYERS)).build());
    }

    static ComputationGraph mobileNet(Engine engine, BuildOptions options, MobileNetV2.Spec spec) {
        return engine.init("mobilenetv2", MobileNetV2.configure(options, spec));
    }

    private static Stage train(ExperimentContext<?> ctx, String name, String trains, ComputationGraph graph,
                               ImageDataset.Split data, ImageDataset test, int epochs, String learningRate) {
        Training cfg = ctx.training();
        Common common = ctx.common();
        ModelSummary s = ModelSummary.of(graph, MobileNetV2.CIFAR);
        ctx.console().println(String.format(Locale.ROOT, "%s: %,d parameters, %,d trainable", name, s.totalParams(),
                s.trainableParams()));
        Trainer.History history = ctx.trainer().fit(name, graph, data.train().batches(cfg.batchSize(), true, common.seed()),
                data.validation().batches(cfg.batchSize(), false, common.seed()), epochs, ctx.run()::appendMetrics);
        Evaluator.Result testResult = Evaluator.evaluate(graph, test.batches(256, false, common.seed()), common.maxBatches());
        double seconds = history.epochs().stream().mapToDouble(e -> e.seconds()).sum();
        return new Stage(name, trains, s.totalParams(), s.trainableParams(), epochs, learningRate,
                history.last().valAcc(), testResult.accuracy(), seconds);
    }

    /**
     * The offline source model: the lab's MobileNetV2 trained on Fashion-MNIST, cached under the data directory
     * (a smoke run trains a few batches and caches nothing).
     */
    private static ComputationGraph pretrainedOffline(ExperimentContext<?> ctx, Settings options, MobileNetV2.Spec spec,
                                                      BuildOptions build, List<Stage> stages) throws IOException {
        Training cfg = ctx.training();
        Common common = ctx.common();
        Path checkpoint = ctx.dataDir().resolve("checkpoints").resolve(String.format(Locale.ROOT,
                "mobilenetv2-fashion-mnist-n%d-e%d-b%d-lr%s-s%d-m%s.zip", options.pretrainImages(), options.pretrainEpochs(),
                cfg.batchSize(),
                cfg.learningRate(), common.seed(), cfg.bnMomentum()));
        if (!common.isSmokeRun() && Files.isRegularFile(checkpoint)) {
            ctx.console().println("Using the cached Fashion-MNIST MobileNetV2 " + checkpoint);
            try {
                return ctx.engine().adopt("pretrain-fashion-mnist",
                        ModelSerializer.restoreComputationGraph(checkpoint.toFile(), false));
            } catch (IOException | RuntimeException e) {
                // a cache: one saved by a cnnlabs older than its oneDNN runtime names cnnlabs' own layer classes
                ctx.console().println("Cannot read the cached checkpoint " + checkpoint + " (" + e.getMessage()
                        + "); training it again.");
            }
        }
        ImageDataset fashionTrain = Datasets.FASHION_MNIST.loadTrain(ctx.dataDir());
        if (options.pretrainImages() > 0) {
            fashionTrain = fashionTrain.head(options.pretrainImages());
        }
        ImageDataset.Split fashion = fashionTrain.asRgb(32).splitValidation(0.1);
        ImageDataset fashionTest = Datasets.FASHION_MNIST.loadTest(ctx.dataDir()).asRgb(32);
        ComputationGraph source = mobileNet(ctx.engine(), build, spec);
        stages.add(train(ctx, "pretrain-fashion-mnist", "every layer (source task)", source, fashion, fashionTest,
                options.pretrainEpochs(), lr(cfg.learningRate())));
        if (!common.isSmokeRun()) {
            Files.createDirectories(checkpoint.getParent());
            Path tmp = checkpoint.resolveSibling(checkpoint.getFileName() + ".part");
            ModelSerializer.writeModel(source, tmp.toFile(), false);
            Files.move(tmp, checkpoint, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            ctx.console().println("Cached the Fashion-MNIST MobileNetV2 as " + checkpoint);
        }
        return source;
    }

    /** {@code -Dweights}: a local file, or an http(s) URL downloaded once into the data directory. */
    static Path resolveWeights(String weights, ExperimentContext ctx) {
        if (!weights.startsWith("http://") && !weights.startsWith("https://")) {
            return Path.of(weights);
        }
        String fileName = weights.substring(weights.lastIndexOf('/') + 1);
        if (fileName.isEmpty() || !fileName.endsWith(".h5")) {
            throw new ConfigException("Invalid value '" + weights + "' for -D" + WEIGHTS + ": a URL must name an .h5 "
                    + "file, e.g. -D" + WEIGHTS + "=" + KerasWeights.MOBILENET_V2_NO_TOP_URL + ".");
        }
        Path file = ctx.dataDir().resolve("keras-weights").resolve(fileName);
        if (!Files.isRegularFile(file)) {
            try {
                Files.createDirectories(file.getParent());
                HttpDownload.download(weights, file);
            } catch (IOException e) {
                throw new DataException("Cannot download the Keras weights " + weights + " (" + e.getMessage() + "). "
                        + "Download the file yourself and pass its path with -D" + WEIGHTS + "=PATH, or leave -D" + WEIGHTS
                        + " out to pretrain offline on Fashion-MNIST.", e);
            }
        }
        return file;
    }

    /** The lab model's layers with parameters that belong to the base (all but the new head). */
    static List<String> baseLayersWithParameters(ComputationGraph model) {
        return KerasWeights.layersWithParameters(model).stream().filter(n -> !n.equals(MobileNetV2.HEAD_DENSE)).toList();
    }

    /** Copies the parameters of {@code layers} from one graph into another with the same layer names. */
    static void copyLayers(ComputationGraph from, ComputationGraph to, List<String> layers) {
        for (String layer : layers) {
            Map<String, INDArray> src = from.getVertex(layer).paramTable(false);
            Map<String, INDArray> dst = to.getVertex(layer).paramTable(false);
            dst.forEach((k, v) -> v.assign(src.get(k)));
        }
    }

    /**
     * Seed 004's embedding: the 1280 values the classifier sees (the global-average-pooling output; dropout is
     * the identity at inference) for the first validation images, as {@code embeddings.csv} (label first) and
     * {@code embeddings.npy}.
     */
    private static Path writeEmbeddings(ExperimentContext<?> ctx, ComputationGraph graph, ImageDataset images) throws IOException {
        int n = Math.min(EMBEDDING_IMAGES, images.size());
        if (ctx.common().isSmokeRun()) {
            n = Math.min(n, ctx.common().maxBatches() * ctx.training().batchSize());
        }
        DataSet batch = images.head(n).batches(n, false, 0).next();
        INDArray embedding = graph.feedForward(batch.getFeatures(), false).get(MobileNetV2.HEAD_POOL);
        StringBuilder csv = new StringBuilder("label");
        for (int j = 0; j < embedding.size(1); j++) {
            csv.append(",e").append(j);
        }
        csv.append('\n');
        for (int i = 0; i < n; i++) {
            csv.append(images.label(i));
            for (int j = 0; j < embedding.size(1); j++) {
                csv.append(',').append(embedding.getFloat(i, j));
            }
            csv.append('\n');
        }
        ctx.run().writeText("embeddings.csv", csv.toString());
        ctx.run().writeWith("embeddings.npy", out -> Nd4j.writeAsNumpy(embedding, out.toFile()));
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = images.label(i);
        }
        ctx.run().writePng(EMBEDDINGS_PLOT, EmbeddingPlot.render(String.format(Locale.ROOT,
                "Embeddings of %d validation images (PCA)", n), embedding, labels,
                images.classNames()));
        return ctx.run().path().resolve("embeddings.csv");
    }

    private static String render(Training cfg, Common common, Settings options, Transfer setting, List<Stage> stages,
                                 ImageDataset.Split target, Path embeddings) {
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
                + "last " + UNFROZEN_LAYERS + " Keras layers (block_15_expand to out_relu) trainable; as in Keras' "
                + "training=False call, their batch norm keeps normalising with its moving statistics while its gamma "
                + "and beta train (InferenceBatchNorm). From scratch "
                + "trains the same network from a random initialisation for as many epochs as both stages together.\n\n"
                + "Embeddings (seed 004): the " + MobileNetV2.HEAD_POOL + " output (1280 values per image) of the fine-tuned "
                + "model for the first validation images, in `" + embeddings.getFileName() + "` and `embeddings.npy`; "
                + "`" + EMBEDDINGS_PLOT + "` shows them on their first two principal components, one colour per class.\n"
                + common.smokeRunNote("not the lab's numbers");
    }

    private static String lr(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
