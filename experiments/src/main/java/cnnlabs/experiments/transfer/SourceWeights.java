package cnnlabs.experiments.transfer;

import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.KerasWeights;
import cnnlabs.architectures.MobileNetV2;
import cnnlabs.datasets.DataException;
import cnnlabs.datasets.Datasets;
import cnnlabs.datasets.HttpDownload;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.settings.ConfigException;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.settings.Common;
import cnnlabs.settings.SettingsParser;
import cnnlabs.run.settings.Training;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Where the source model's weights come from: Keras' ImageNet file ({@code -Dweights}, a path or a URL downloaded
 * once into the data directory), or, offline, the lab's MobileNetV2 trained here on Fashion-MNIST and cached.
 */
final class SourceWeights {

    private SourceWeights() {
    }

    /**
     * Checks {@code -Dweights} before a run folder exists: a local file must be there, a URL must name an .h5 file.
     */
    static void check(String weights) {
        if (weights.isEmpty()) {
            return;
        }
        if (isUrl(weights)) {
            urlFileName(weights);
        } else if (!Files.isRegularFile(Path.of(weights))) {
            throw new ConfigException("-D" + MobileNetTransfer.WEIGHTS + "=" + weights + ": the file does not exist. Give "
                    + "Keras' MobileNetV2 ImageNet weights (" + KerasWeights.MOBILENET_V2_NO_TOP_URL.substring(
                    KerasWeights.MOBILENET_V2_NO_TOP_URL.lastIndexOf('/') + 1) + ") as a path or as its https URL, or "
                    + "leave -D" + MobileNetTransfer.WEIGHTS + " out to pretrain offline on Fashion-MNIST.");
        }
    }

    private static boolean isUrl(String weights) {
        return weights.startsWith("http://") || weights.startsWith("https://");
    }

    /** The .h5 file a weights URL names; anything else is a {@link ConfigException}. */
    private static String urlFileName(String weights) {
        String fileName = weights.substring(weights.lastIndexOf('/') + 1);
        if (fileName.isEmpty() || !fileName.endsWith(".h5")) {
            throw new ConfigException("Invalid value '" + weights + "' for -D" + MobileNetTransfer.WEIGHTS + ": a URL must name an .h5 "
                    + "file, e.g. -D" + MobileNetTransfer.WEIGHTS + "=" + KerasWeights.MOBILENET_V2_NO_TOP_URL + ".");
        }
        return fileName;
    }

    /** {@code -Dweights}: a local file, or an http(s) URL downloaded once into the data directory. */
    static Path resolveWeights(String weights, ExperimentContext<?> ctx) {
        if (!isUrl(weights)) {
            return Path.of(weights);
        }
        String fileName = urlFileName(weights);
        Path file = ctx.dataDir().resolve("keras-weights").resolve(fileName);
        if (!Files.isRegularFile(file)) {
            try {
                Files.createDirectories(file.getParent());
                HttpDownload.download(weights, file);
            } catch (IOException e) {
                throw new DataException("Cannot download the Keras weights " + weights + " (" + e.getMessage() + "). "
                        + "Download the file yourself and pass its path with -D" + MobileNetTransfer.WEIGHTS + "=PATH, or leave -D" + MobileNetTransfer.WEIGHTS
                        + " out to pretrain offline on Fashion-MNIST.", e);
            }
        }
        return file;
    }

    /**
     * The offline source model: the lab's MobileNetV2 trained on Fashion-MNIST, cached under the data directory
     * (a smoke run trains a few batches and caches nothing).
     */
    static ComputationGraph pretrainedOffline(ExperimentContext<?> ctx, MobileNetTransfer.Settings options,
                                              MobileNetV2.Spec spec, BuildOptions build, List<Stage> stages)
            throws IOException {
        ImageDataset fashionTrain = Datasets.FASHION_MNIST.loadTrain(ctx.dataDir());
        if (options.pretrainImages() > 0) {
            fashionTrain = fashionTrain.head(options.pretrainImages());
        }
        return trainedHere(ctx, "fashion-mnist-n" + options.pretrainImages(), "pretrain-fashion-mnist",
                fashionTrain.asRgb(32).splitValidation(0.1), Datasets.FASHION_MNIST.loadTest(ctx.dataDir()).asRgb(32),
                options.pretrainEpochs(), spec, build, stages);
    }

    /**
     * A source model trained here: the MobileNetV2 of {@code spec} trained on {@code source} for {@code epochs}
     * epochs with the run's batch size and rate, its stage added to {@code stages}; cached under the data directory as
     * {@code checkpoints/mobilenetv2-<key>-e<epochs>-b<batch>-lr<rate>-s<seed>-m<momentum>.zip} and read from there by
     * later runs (a smoke run trains a few batches and caches nothing).
     */
    static ComputationGraph trainedHere(ExperimentContext<?> ctx, String key, String name, ImageDataset.Split source,
                                       ImageDataset test, int epochs, MobileNetV2.Spec spec, BuildOptions build,
                                       List<Stage> stages) throws IOException {
        Training cfg = ctx.training();
        Common common = ctx.common();
        Path checkpoint = ctx.dataDir().resolve("checkpoints").resolve(String.format(Locale.ROOT,
                "mobilenetv2-%s-e%d-b%d-lr%s-s%d-m%s.zip", key, epochs, cfg.batchSize(), cfg.learningRate(),
                common.seed(), cfg.bnMomentum()));
        if (!common.isSmokeRun() && Files.isRegularFile(checkpoint)) {
            ctx.console().println("Using the cached source model " + checkpoint);
            try {
                return ctx.engine().adopt(name, ModelSerializer.restoreComputationGraph(checkpoint.toFile(), false));
            } catch (IOException | RuntimeException e) {
                // a cache: one saved by a cnnlabs older than its oneDNN runtime names cnnlabs' own layer classes
                ctx.console().println("Cannot read the cached checkpoint " + checkpoint + " (" + e.getMessage()
                        + "); training it again.");
            }
        }
        ComputationGraph model = TransferGraphs.mobileNet(ctx.engine(), build, spec);
        stages.add(Stage.train(ctx, name, "every layer (source task)", model, source, test, epochs,
                SettingsParser.shortest(cfg.learningRate())));
        if (!common.isSmokeRun()) {
            Files.createDirectories(checkpoint.getParent());
            Path tmp = checkpoint.resolveSibling(checkpoint.getFileName() + ".part");
            ModelSerializer.writeModel(model, tmp.toFile(), false);
            Files.move(tmp, checkpoint, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            ctx.console().println("Cached the source model as " + checkpoint);
        }
        return model;
    }
}
