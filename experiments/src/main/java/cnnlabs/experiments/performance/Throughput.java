package cnnlabs.experiments.performance;

import com.google.auto.service.AutoService;
import cnnlabs.architectures.Architecture;
import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.Flops;
import cnnlabs.settings.ConfigException;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.run.results.EnvironmentInfo;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;
import cnnlabs.onednn.OneDnnRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Throughput: training and inference speed of Lab 3's models in DL4J, next to PyTorch in the same run.
 *
 * <p><b>Reproduces:</b> no lab section; the performance comparison the project is judged by (Lab 3's four models,
 * its batch size 128, on random in-memory data).
 *
 * <p><b>Description:</b> for Lab 3's simple CNN, LeNet-5, VGG-style and ResNet-style models (1x28x28) and seed 000's
 * SmallCNN, seed 002's ResNet-18 and Lab 3 Part 5's MobileNetV2 (3x32x32), built through the run's
 * engine (the oneDNN runtime, or plain DL4J with {@code -Dcnnlabs.fast=false}): warm-up steps (up to 10, and at least
 * 3 seconds of them, on both sides: the JVM compiles DL4J's code as it runs), then the fastest of
 * 3 timings of 20 training steps (fewer for models above 25 MFLOPs per image: ResNet-18 gets 3) (Keras' Adam, batch {@code -Dbatch.size}, default 128) and timed inference passes
 * (batch 256, timed the same way), images per second; achieved GFLOP/s (forward FLOPs from {@link Flops} times 3 for
 * a training step: forward, and a backward pass of about twice its cost) and that as a share of this machine's
 * measured float32 matrix multiply speed (ND4J's SGEMM on 2048x2048 matrices on all threads, fastest of 3 timings:
 * a practical peak, not the data-sheet one). Every PyTorch at hand ({@link TorchPeers}: Debian's {@code python3-torch},
 * {@code -Dpeer.python=PATH}, e.g. PyTorch 2.x in a venv, and the PATH's {@code python3}) runs the same models through
 * {@code experiments/reference/throughput.py} with the same batch sizes and thread count, in each memory format; the
 * table credits PyTorch with its fastest installation and format per model, and lists each. DL4J and every PyTorch
 * take turns on each model (twice; each side keeps its best, so that a noisy minute on a shared machine hits all),
 * and the table gives the DL4J/fastest-PyTorch ratios. The table names the CPU (speed depends on it: oneDNN picks different kernels on Intel and AMD) and any
 * {@code ONEDNN_MAX_CPU_ISA} limit; {@code env.json} records the native build and the runtime's layer counts.
 *
 * <p><b>Expected runtime:</b> about 35 minutes on a 2-core CPU (more than half of it PyTorch). <b>Expected
 * result:</b> the measured tables, with the CPU each ran on, are in results/REPRODUCED.md.
 */
@AutoService(Experiment.class)
public final class Throughput implements Experiment<Throughput.Settings> {

    /** cnnlabs name -> the reference script's name. */
    static final Map<String, String> MODELS = Map.of("simple-cnn", "simple_cnn", "lenet5", "lenet5", "vgg-style",
            "vgg_style", "resnet-style", "resnet_style", "small-cnn", "small_cnn", "resnet18", "resnet18",
            "mobilenetv2", "mobilenetv2");
    /** Lab 3's four (MNIST-sized), then the CIFAR-sized models of seeds 000, 002 and Lab 3 Part 5. */
    static final List<String> ORDER = List.of("simple-cnn", "lenet5", "vgg-style", "resnet-style", "small-cnn",
            "resnet18", "mobilenetv2");
    /**
     * Forward FLOPs per image up to which a model gets the full {@value #ITERATIONS} steps per timing; larger models get
     * proportionally fewer (at least 3), so that ResNet-18's timings take seconds, not minutes.
     */
    static final double FULL_STEPS_FLOPS = 25e6;
    static final int INFERENCE_BATCH = 256;
    static final int WARMUP = 10;
    /**
     * Seconds of warm-up steps at least, on both sides: the JVM compiles DL4J's Java code (the graph, the layers, the
     * updater) as it runs, so a small model's first hundreds of steps are slower than the rest of an epoch; PyTorch
     * gets the same warm-up.
     */
    static final double WARMUP_SECONDS = 3.0;
    static final int ITERATIONS = 20;
    /** Timed rounds per measurement; the fastest counts (the machine is shared and noisy, as timeit does). */
    static final int ROUNDS = 3;
    /** Times PyTorch and DL4J take turns on each model. */
    static final int PASSES = 2;

    /**
     * Throughput's settings.
     *
     * @param common    seed (random data, weights) and smoke-run length ({@code -Dmax.batches}: timed steps)
     * @param batchSize the training batch (inference runs at {@value #INFERENCE_BATCH})
     * @param peerPython a Python with torch to measure besides Debian's and the PATH's (e.g. a venv with PyTorch 2.x)
     * @param models     the models to measure, in {@link #ORDER}'s order; empty: all
     */
    public record Settings(
            Common common,
            @Setting(key = "batch.size", help = "training batch size (inference runs at 256)", example = "128")
            int batchSize,
            @Setting(key = "peer.python", help = "a Python with torch to measure too, e.g. a venv's bin/python with "
                    + "PyTorch 2.x (Debian's /usr/bin/python3 and the PATH's python3 are tried anyway)",
                    example = "/opt/torch/bin/python") String peerPython,
            @Setting(key = "models", help = "comma-separated models to measure (empty: all seven)",
                    example = "lenet5,mobilenetv2") String models) implements ExperimentSettings {

        public Settings {
            SettingsParser.require(batchSize >= 1, "batch.size", batchSize, "a whole number >= 1", "128");
            SettingsParser.require(selected(models).stream().allMatch(ORDER::contains), "models", models,
                    "a comma-separated list of " + String.join(", ", ORDER) + " (empty: all)", "lenet5,mobilenetv2");
            if (!peerPython.isEmpty() && !Files.isExecutable(Path.of(peerPython))) {
                throw new ConfigException("-Dpeer.python=" + peerPython + " is not an executable file. Give a Python that "
                        + "has torch (e.g. a venv's bin/python: python3 -m venv V && V/bin/pip install torch numpy), or "
                        + "leave it out to measure against Debian's python3-torch and the PATH's python3 where they have it.");
            }
        }
    }

    /**
     * The models {@code list} names (comma-separated) in {@link #ORDER}'s order, all of it when {@code list} is empty;
     * as given where it names a model not measured here (the settings refuse that).
     */
    static List<String> selected(String list) {
        if (list == null || list.isBlank()) {
            return ORDER;
        }
        List<String> named = java.util.Arrays.stream(list.split(",")).map(String::strip).filter(m -> !m.isEmpty()).toList();
        return named.stream().allMatch(ORDER::contains) ? ORDER.stream().filter(named::contains).toList() : named;
    }

    @Override
    public String name() {
        return "Throughput";
    }

    @Override
    public String description() {
        return "Training and inference images/s of Lab 3's models, SmallCNN, ResNet-18, MobileNetV2, against every PyTorch found";
    }


    @Override
    public Settings defaults() {
        return new Settings(Common.DEFAULTS, 128, "", "");
    }

    /**
     * One model's numbers; NaN where no PyTorch ran. PyTorch's are those of its fastest installation and memory format,
     * training and inference apart ({@code torchTrainBy}: e.g. "torch 2.13.0+cpu channels_last").
     */
    public record Row(String model, long params, long forwardFlops, int steps, double trainImagesPerSec,
                      double inferenceImagesPerSec, double trainGflops, double inferenceGflops, double trainShareOfPeak,
                      double torchTrain, double torchInference, String torchTrainBy, String torchInferenceBy) {
    }

    @Override
    public ExperimentResult run(ExperimentContext<Settings> ctx) throws Exception {
        Common cfg = ctx.common();
        int batchSize = ctx.settings().batchSize();
        int rounds = cfg.isSmokeRun() ? 1 : ROUNDS;
        int threads = Integer.parseInt(String.valueOf(
                Nd4j.getExecutioner().getEnvironmentInformation().getOrDefault("omp.threads", "1")));
        double peak = gemmGflops(cfg.isSmokeRun() ? 512 : 2048, cfg.isSmokeRun() ? 2 : 10, threads);
        ctx.console().println(String.format(Locale.ROOT, "Measured float32 SGEMM: %.1f GFLOP/s (%d threads)", peak, threads));

        int passes = cfg.isSmokeRun() ? 1 : PASSES;
        String cpu = EnvironmentInfo.cpuModel();
        ctx.console().println("CPU: " + cpu + isaLimit());
        Path script = ctx.roots().repository().resolve("experiments/reference/throughput.py");
        TorchPeers.Found found = Files.isRegularFile(script) ? TorchPeers.find(ctx.settings().peerPython())
                : new TorchPeers.Found(List.of(), List.of(script + " not found"));
        List<TorchPeers.Peer> peers = new ArrayList<>(found.peers());
        List<String> problems = new ArrayList<>(found.skipped());
        ctx.console().println("PyTorch: " + (peers.isEmpty() ? "none" : peers.stream()
                .map(p -> p.label() + " (" + p.python() + ")").reduce((a, b) -> a + ", " + b).orElse(""))
                + (problems.isEmpty() ? "" : "; not used: " + String.join("; ", problems)));
        List<Row> rows = new ArrayList<>();
        List<TorchPeers.Measurement> measured = new ArrayList<>();
        for (String name : selected(ctx.settings().models())) {
            Architecture a = Architectures.get(name);
            ComputationGraph graph = ctx.build(a);
            long flops = Flops.forwardPerImage(a.configure(ctx.buildOptions()), a.inputShape());
            int iterations = cfg.isSmokeRun() ? cfg.maxBatches() : steps(flops);
            int warmup = cfg.isSmokeRun() ? 1 : Math.min(WARMUP, Math.max(2, iterations));
            double warmupSeconds = warmupSeconds(cfg);
            Nd4j.getRandom().setSeed(cfg.seed());
            INDArray x = Nd4j.rand(DataType.FLOAT, a.inputShape().batchShape(batchSize));
            INDArray y = Nd4j.zeros(DataType.FLOAT, batchSize, a.numClasses());
            for (int i = 0; i < batchSize; i++) {
                y.putScalar(i, i % a.numClasses(), 1.0);
            }
            DataSet batch = new DataSet(x, y);
            INDArray xi = Nd4j.rand(DataType.FLOAT, a.inputShape().batchShape(INFERENCE_BATCH));
            // Each PyTorch and DL4J take turns on the same model, PASSES times, and each keeps its best: on this shared,
            // noisy machine a slow minute then hits every side rather than one.
            double trainSeconds = Double.POSITIVE_INFINITY;
            double inferSeconds = Double.POSITIVE_INFINITY;
            Map<TorchPeers.Peer, TorchPeers.Measurement> best = new LinkedHashMap<>();
            for (int pass = 0; pass < passes; pass++) {
                for (TorchPeers.Peer peer : List.copyOf(peers)) {
                    List<String> command = TorchPeers.command(peer, script, List.of(MODELS.get(name)), batchSize,
                            INFERENCE_BATCH, threads, warmup, warmupSeconds, iterations, rounds);
                    ctx.console().println("Running PyTorch: " + String.join(" ", command));
                    TorchPeers.Run run = TorchPeers.run(peer, command);
                    TorchPeers.Measurement m = run.measurements().get(MODELS.get(name));
                    if (m == null) {
                        problems.add(run.failure().isEmpty() ? peer.label() + " printed no result for " + name
                                : run.failure());
                        peers.remove(peer);
                        continue;
                    }
                    best.merge(peer, m, Throughput::better);
                }
                trainSeconds = Math.min(trainSeconds, time(() -> graph.fit(batch), warmup, warmupSeconds, iterations,
                        rounds));
                inferSeconds = Math.min(inferSeconds, time(() -> graph.output(false, xi), warmup, warmupSeconds,
                        iterations, rounds));
            }
            measured.addAll(best.values());
            TorchPeers.Measurement fastestTrain = best.values().stream()
                    .max(java.util.Comparator.comparingDouble(TorchPeers.Measurement::train)).orElse(null);
            TorchPeers.Measurement fastestInfer = best.values().stream()
                    .max(java.util.Comparator.comparingDouble(TorchPeers.Measurement::inference)).orElse(null);
            double train = (double) batchSize * iterations / trainSeconds;
            double infer = (double) INFERENCE_BATCH * iterations / inferSeconds;
            Row row = new Row(name, graph.numParams(), flops, iterations, train, infer, 3.0 * flops * train / 1e9,
                    flops * infer / 1e9, 3.0 * flops * train / 1e9 / peak,
                    fastestTrain == null ? Double.NaN : fastestTrain.train(),
                    fastestInfer == null ? Double.NaN : fastestInfer.inference(),
                    fastestTrain == null ? "" : "torch " + fastestTrain.torch() + " " + fastestTrain.trainFormat(),
                    fastestInfer == null ? "" : "torch " + fastestInfer.torch() + " " + fastestInfer.inferenceFormat());
            rows.add(row);
            ctx.console().println(String.format(Locale.ROOT, "%s: train %.0f img/s, inference %.0f img/s%s", name, train,
                    infer, Double.isNaN(row.torchTrain()) ? "" : String.format(Locale.ROOT, " (PyTorch %.0f / %.0f)",
                            row.torchTrain(), row.torchInference())));
        }
        return new ExperimentResult(new Summary(peak, threads, OneDnnRuntime.blasThreads(), cpu, ctx.engine().isFast(),
                passes, rows, measured, problems), table(ctx, rows, measured, problems, found, threads, passes, rounds, peak,
                cpu));
    }

    /** Seconds of warm-up steps at least: {@link #WARMUP_SECONDS}, none in a smoke run. */
    private static double warmupSeconds(Common cfg) {
        return cfg.isSmokeRun() ? 0 : WARMUP_SECONDS;
    }

    /** Steps per timing for a model of {@code flops} forward FLOPs per image. */
    static int steps(long flops) {
        return (int) Math.max(3, Math.min(ITERATIONS, Math.round(ITERATIONS * FULL_STEPS_FLOPS / flops)));
    }

    /** The better of two passes of one PyTorch on one model: training and inference each keep their best. */
    static TorchPeers.Measurement better(TorchPeers.Measurement a, TorchPeers.Measurement b) {
        boolean trainA = a.train() >= b.train();
        boolean inferA = a.inference() >= b.inference();
        return new TorchPeers.Measurement(a.model(), a.torch(), a.python(), trainA ? a.train() : b.train(),
                inferA ? a.inference() : b.inference(), trainA ? a.trainFormat() : b.trainFormat(),
                inferA ? a.inferenceFormat() : b.inferenceFormat());
    }

    private static String table(ExperimentContext<Settings> ctx, List<Row> rows, List<TorchPeers.Measurement> measured,
                                List<String> problems, TorchPeers.Found found, int threads, int passes, int rounds,
                                double peak, String cpu) {
        Common cfg = ctx.common();
        MarkdownTable table = new MarkdownTable("Model", "Params", "DL4J train img/s", "PyTorch train img/s", "Train ratio",
                "DL4J inference img/s", "PyTorch inference img/s", "Inference ratio", "DL4J train GFLOP/s",
                "% of SGEMM peak");
        for (Row r : rows) {
            table.row(r.model(), MarkdownTable.count(r.params()), f0(r.trainImagesPerSec()), f0(r.torchTrain()),
                    ratio(r.trainImagesPerSec(), r.torchTrain()), f0(r.inferenceImagesPerSec()), f0(r.torchInference()),
                    ratio(r.inferenceImagesPerSec(), r.torchInference()), String.format(Locale.ROOT, "%.1f", r.trainGflops()),
                    String.format(Locale.ROOT, "%.0f%%", 100 * r.trainShareOfPeak()));
        }
        MarkdownTable every = new MarkdownTable("Model", "PyTorch", "Train img/s", "Its format", "Inference img/s",
                "Its format");
        for (TorchPeers.Measurement m : measured) {
            every.row(m.model(), "torch " + m.torch(), f0(m.train()), m.trainFormat(), f0(m.inference()),
                    m.inferenceFormat());
        }
        StringBuilder steps = new StringBuilder();
        for (Row r : rows) {
            steps.append(steps.length() == 0 ? "" : ", ").append(r.model()).append(' ').append(r.steps());
        }
        String torch = found.peers().isEmpty() ? "not run (" + String.join("; ", problems) + ")"
                : found.peers().stream().map(p -> p.label() + " (" + p.python() + ")").reduce((a, b) -> a + ", " + b)
                .orElse("") + ", each in the contiguous and channels_last memory formats; the table credits PyTorch with "
                + "its fastest installation and format per model";
        return "# Throughput: DL4J and PyTorch on the labs' models\n\n"
                + String.format(Locale.ROOT, "Random in-memory data, float32, training batch %d (Keras' Adam), inference "
                        + "batch %d, warm-up steps (at least %.0f seconds of them), then the fastest of %d timings of N "
                        + "steps each (%s), %d threads; every "
                        + "PyTorch and DL4J take turns on each model, %d times, each side keeping its best. CPU: %s%s. "
                        + "DL4J: %s, native build %s, OpenBLAS threads (dense layers): %d. PyTorch: %s. Peak: ND4J's "
                        + "float32 SGEMM on all %d threads, measured here, %.1f GFLOP/s.%n%n",
                ctx.settings().batchSize(), INFERENCE_BATCH, warmupSeconds(cfg), rounds, steps,
                threads, passes, cpu, isaLimit(),
                ctx.engine().isFast() ? "through the oneDNN runtime (oneDNN " + OneDnnRuntime.directOneDnnVersion() + ")"
                        : "plain (-Dcnnlabs.fast=false)", EnvironmentInfo.nativeVariant(), OneDnnRuntime.blasThreads(),
                torch, threads, peak)
                + table + "\nRatio = DL4J / fastest PyTorch (above 1: DL4J faster). Training GFLOP/s counts 3x the forward "
                + "FLOPs of conv and dense layers per image, as a direct convolution computes them: an effective rate, "
                + "which Winograd convolutions (fewer multiplications) lift above the SGEMM peak.\n"
                + (measured.isEmpty() ? "" : "\nEvery PyTorch measured (each at its faster memory format):\n\n" + every)
                + (problems.isEmpty() || found.peers().isEmpty() ? "" : "\nNot used: " + String.join("; ", problems) + ".\n")
                + cfg.smokeRunNote("too few steps to mean anything");
    }

    /**
     * What {@code summary.json} holds.
     *
     * @param sgemmGflops ND4J's float32 SGEMM peak on all threads, measured in this run
     * @param fastRuntime whether DL4J ran through the oneDNN runtime
     * @param passes      how many times DL4J and each PyTorch took turns on each model
     * @param pytorch     every PyTorch's best per model
     * @param notUsed     the Pythons that were not measured, and why
     */
    public record Summary(double sgemmGflops, int threads, int blasThreads, String cpuModel, boolean fastRuntime,
                          int passes, List<Row> models, List<TorchPeers.Measurement> pytorch, List<String> notUsed) {
    }

    /** ", ONEDNN_MAX_CPU_ISA=X" where oneDNN's instruction-set limit is set, else "". */
    static String isaLimit() {
        String limit = EnvironmentInfo.oneDnnIsaLimit();
        return limit.equals("none") ? "" : ", " + limit;
    }

    /** Float32 matrix multiply speed on {@code threads} threads: n x n by n x n, {@code reps} times (fastest of 3), after two warm-up products. */
    static double gemmGflops(int n, int reps, int threads) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        // OpenBLAS runs the models' dense layers on one thread (OneDnnRuntime); the peak is that of all threads
        int blasThreads = Nd4j.factory().blas().getMaxThreads();
        Nd4j.factory().blas().setMaxThreads(threads);
        try {
            for (int i = 0; i < 2; i++) {
                a.mmul(b, c);
            }
            double best = Double.POSITIVE_INFINITY; // fastest of 3 timings: this shared machine is noisy
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    a.mmul(b, c);
                }
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
            }
            return 2.0 * n * n * (double) n * reps / best / 1e9;
        } finally {
            Nd4j.factory().blas().setMaxThreads(blasThreads);
        }
    }

    /**
     * The fastest of {@code rounds} timings of {@code iterations} steps, after {@code warmup} steps and at least
     * {@code warmupSeconds} of them.
     */
    private static double time(Runnable step, int warmup, double warmupSeconds, int iterations, int rounds) {
        long warmupStart = System.nanoTime();
        for (int i = 0; i < warmup || (System.nanoTime() - warmupStart) / 1e9 < warmupSeconds; i++) {
            step.run();
        }
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                step.run();
            }
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return best;
    }

    private static String f0(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String ratio(double dl4j, double torch) {
        return Double.isNaN(torch) ? "–" : String.format(Locale.ROOT, "%.2fx", dl4j / torch);
    }
}
