package cnnlabs.experiments.performance;

import com.google.auto.service.AutoService;
import cnnlabs.architectures.Architecture;
import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.Flops;
import cnnlabs.settings.ConfigException;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.run.results.EnvironmentInfo;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;
import cnnlabs.onednn.OneDnnRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * engine (the oneDNN runtime, or plain DL4J with {@code -Dcnnlabs.fast=false}), against every PyTorch at hand
 * ({@link TorchPeers}: Debian's {@code python3-torch}, {@code -Dpeer.python=PATH}, e.g. PyTorch 2.x in a venv, and the
 * PATH's {@code python3}), each in the contiguous and channels_last memory formats, running the same models through
 * {@code experiments/reference/throughput.py --serve} with the same batch sizes and thread count (and glibc's malloc
 * keeping freed memory, {@link TorchServer#PEER_MALLOC}, as PyTorch's CPU tuning advises). Training steps are
 * Keras' Adam on batch {@code -Dbatch.size} (128); inference passes are batch 256. Every contender is built and warmed
 * up (10 steps and at least 3 seconds of them; DL4J's side then until the JVM's JIT compilers have gone quiet, at most
 * a minute in all, {@link JitQuiet}: they compile DL4J's code for half a minute and take a core meanwhile), then
 * they take turns
 * ({@link Turns}): in each of {@code -Drounds} rounds (7, at least 5) each contender times 20 steps (fewer for models
 * above 25 MFLOPs per image: ResNet-18 gets 3), the first turn rotating round by round. Each contender's images per
 * second over its rounds give a median and a range ({@link Spread}); PyTorch is credited with its installation and
 * format of the highest median; the table gives the ratio of the medians and whether the two ranges overlap (if they
 * do, this machine's noise can account for the difference). Also achieved GFLOP/s (forward FLOPs from {@link Flops}
 * times 3 for a training step) and that as a share of this machine's measured float32 matrix multiply speed (ND4J's
 * SGEMM on 2048x2048 matrices on all threads, fastest of 3 timings: a practical peak, not the data-sheet one). The
 * table names the CPU (oneDNN picks different kernels on Intel and AMD), any {@code ONEDNN_MAX_CPU_ISA} limit, the
 * commit, and the oneDNN version on both sides; {@code env.json} records the native build and the runtime's layers.
 *
 * <p><b>Expected runtime:</b> about 35 minutes on a 2-core CPU with one PyTorch (more than half of it PyTorch). <b>Expected
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
     * updater) as it runs, so a small model's first hundreds of steps are slower than the rest of an epoch. PyTorch
     * gets this minimum; DL4J's side then goes on until its JIT compilers are quiet ({@link #JIT_WAIT_SECONDS}).
     */
    static final double WARMUP_SECONDS = 3.0;
    /**
     * Seconds of warm-up at most in which DL4J's side waits for the JIT compilers to go quiet ({@link JitQuiet}); a
     * smoke run does not wait.
     */
    static final double JIT_WAIT_SECONDS = 60.0;
    static final int ITERATIONS = 20;
    /** Rounds per model and contender by default, and the fewest a full run takes. */
    static final int ROUNDS = 7;
    static final int MIN_ROUNDS = 5;
    /** The memory formats each PyTorch runs every model in. */
    static final List<String> FORMATS = List.of("contiguous", "channels_last");

    /**
     * Throughput's settings.
     *
     * @param common    seed (random data, weights) and smoke-run length ({@code -Dmax.batches}: timed steps)
     * @param batchSize the training batch (inference runs at {@value #INFERENCE_BATCH})
     * @param peerPython a Python with torch to measure besides Debian's and the PATH's (e.g. a venv with PyTorch 2.x)
     * @param models     the models to measure, in {@link #ORDER}'s order; empty: all
     * @param rounds     timed rounds per model and contender (a smoke run takes 2)
     */
    public record Settings(
            Common common,
            @Setting(key = "batch.size", help = "training batch size (inference runs at 256)", example = "128")
            int batchSize,
            @Setting(key = "peer.python", help = "a Python with torch to measure too, e.g. a venv's bin/python with "
                    + "PyTorch 2.x (Debian's /usr/bin/python3 and the PATH's python3 are tried anyway)",
                    example = "/opt/torch/bin/python") String peerPython,
            @Setting(key = "models", help = "comma-separated models to measure (empty: all seven)",
                    example = "lenet5,mobilenetv2") String models,
            @Setting(key = "rounds", help = "timed rounds per model for DL4J and each PyTorch, taking turns (at least "
                    + MIN_ROUNDS + ")", example = "7") int rounds) implements ExperimentSettings {

        public Settings {
            SettingsParser.require(batchSize >= 1, "batch.size", batchSize, "a whole number >= 1", "128");
            SettingsParser.require(rounds >= MIN_ROUNDS, "rounds", rounds, "a whole number >= " + MIN_ROUNDS
                    + " (the median of fewer rounds does not decide on a noisy machine)", "7");
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
        return new Settings(Common.DEFAULTS, 128, "", "", ROUNDS);
    }

    /**
     * One model's numbers: DL4J's training and inference images/s over the rounds, and the PyTorch installation and
     * format with the highest median, training and inference apart (null where no PyTorch ran); the seconds DL4J's
     * training and inference warm-ups took.
     */
    public record Row(String model, long params, long forwardFlops, int steps, Spread train, Spread inference,
                      double trainGflops, double inferenceGflops, double trainShareOfPeak, Measurement torchTrain,
                      Measurement torchInference, double trainWarmupSeconds, double inferenceWarmupSeconds) {
    }

    /** One PyTorch installation in one memory format on one model; a spread is null where that mode failed. */
    public record Measurement(String model, String torch, String oneDnn, String python, String format, Spread train,
                              Spread inference) {

        String label() {
            return "torch " + torch + " " + format;
        }
    }

    @Override
    public ExperimentResult run(ExperimentContext<Settings> ctx) throws Exception {
        Common cfg = ctx.common();
        int batchSize = ctx.settings().batchSize();
        int rounds = cfg.isSmokeRun() ? 2 : ctx.settings().rounds();
        int threads = Integer.parseInt(String.valueOf(
                Nd4j.getExecutioner().getEnvironmentInformation().getOrDefault("omp.threads", "1")));
        double peak = gemmGflops(cfg.isSmokeRun() ? 512 : 2048, cfg.isSmokeRun() ? 2 : 10, threads);
        ctx.console().println(String.format(Locale.ROOT, "Measured float32 SGEMM: %.1f GFLOP/s (%d threads)", peak, threads));
        String cpu = EnvironmentInfo.cpuModel();
        ctx.console().println("CPU: " + cpu + isaLimit());
        Path script = ctx.roots().repository().resolve("experiments/reference/throughput.py");
        TorchPeers.Found found = Files.isRegularFile(script) ? TorchPeers.find(ctx.settings().peerPython())
                : new TorchPeers.Found(List.of(), List.of(script + " not found"));
        List<String> problems = new ArrayList<>(found.skipped());
        List<TorchServer> servers = new ArrayList<>();
        try {
            for (TorchPeers.Peer peer : found.peers()) {
                try {
                    servers.add(TorchServer.start(peer, script, threads, cfg.seed()));
                } catch (IOException e) {
                    problems.add(e.getMessage());
                }
            }
            ctx.console().println("PyTorch: " + (servers.isEmpty() ? "none" : String.join(", ", servers.stream()
                    .map(TorchServer::describe).toList())) + (problems.isEmpty() ? "" : "; not used: "
                    + String.join("; ", problems)));
            List<Row> rows = new ArrayList<>();
            List<Measurement> measured = new ArrayList<>();
            for (String name : selected(ctx.settings().models())) {
                rows.add(measure(ctx, name, servers, rounds, threads, peak, measured, problems));
            }
            ThroughputTable.Header header = new ThroughputTable.Header(cpu + isaLimit(),
                    EnvironmentInfo.gitCommit(ctx.roots().repository()), ctx.engine().isFast()
                    ? "through the oneDNN runtime (oneDNN " + OneDnnRuntime.directOneDnnVersion() + ")"
                    : "plain (-Dcnnlabs.fast=false)", EnvironmentInfo.nativeVariant(), OneDnnRuntime.blasThreads(),
                    servers.stream().map(TorchServer::describe).toList(), batchSize, INFERENCE_BATCH,
                    warmupSeconds(cfg), jitWaitSeconds(cfg), rounds, threads, peak);
            return new ExperimentResult(new Summary(peak, threads, OneDnnRuntime.blasThreads(), cpu, header.commit(),
                    ctx.engine().isFast(), rounds, rows, measured, problems),
                    ThroughputTable.render(header, rows, measured, problems) + cfg.smokeRunNote("too few steps to mean "
                            + "anything"));
        } finally {
            servers.forEach(TorchServer::close);
        }
    }

    /** One model: DL4J and every PyTorch format take turns, training then inference. */
    private Row measure(ExperimentContext<Settings> ctx, String name, List<TorchServer> servers, int rounds, int threads,
                        double peak, List<Measurement> measured, List<String> problems) throws IOException {
        Common cfg = ctx.common();
        int batchSize = ctx.settings().batchSize();
        Architecture a = Architectures.get(name);
        ComputationGraph graph = ctx.build(a);
        long flops = Flops.forwardPerImage(a.configure(ctx.buildOptions()), a.inputShape());
        int steps = cfg.isSmokeRun() ? cfg.maxBatches() : steps(flops);
        Contenders.Timing timing = new Contenders.Timing(batchSize, INFERENCE_BATCH,
                cfg.isSmokeRun() ? 1 : Math.min(WARMUP, Math.max(2, steps)), warmupSeconds(cfg),
                jitWaitSeconds(cfg), steps);
        Nd4j.getRandom().setSeed(cfg.seed());
        INDArray x = Nd4j.rand(DataType.FLOAT, a.inputShape().batchShape(batchSize));
        INDArray y = Nd4j.zeros(DataType.FLOAT, batchSize, a.numClasses());
        for (int i = 0; i < batchSize; i++) {
            y.putScalar(i, i % a.numClasses(), 1.0);
        }
        INDArray xi = Nd4j.rand(DataType.FLOAT, a.inputShape().batchShape(INFERENCE_BATCH));
        Contenders.Dl4j dl4j = new Contenders.Dl4j("DL4J", graph, new DataSet(x, y), xi, timing);
        List<Turns.Contender> contenders = new ArrayList<>(List.of(dl4j));
        for (TorchServer server : servers) {
            for (String format : FORMATS) {
                contenders.add(new Contenders.Torch(server, MODELS.get(name), format, timing));
            }
        }
        ctx.console().println(name + ": " + contenders.size() + " contenders, " + rounds + " rounds of " + steps
                + " steps each");
        Map<Turns.Contender, Spread> train = Turns.take(contenders, Turns.Mode.TRAIN, rounds, problems);
        Map<Turns.Contender, Spread> inference = Turns.take(contenders, Turns.Mode.INFERENCE, rounds, problems);
        for (TorchServer server : servers) {
            try {
                server.release();
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        List<Measurement> torch = new ArrayList<>();
        for (Turns.Contender c : contenders.subList(1, contenders.size())) {
            Contenders.Torch t = (Contenders.Torch) c;
            if (train.containsKey(c) || inference.containsKey(c)) {
                torch.add(new Measurement(name, t.server().torch(), t.server().oneDnn(), t.server().peer().python(),
                        t.format(), train.get(c), inference.get(c)));
            }
        }
        measured.addAll(torch);
        Spread dl4jTrain = train.get(dl4j);
        Spread dl4jInference = inference.get(dl4j);
        Row row = new Row(name, graph.numParams(), flops, steps, dl4jTrain, dl4jInference,
                3.0 * flops * dl4jTrain.median() / 1e9, flops * dl4jInference.median() / 1e9,
                3.0 * flops * dl4jTrain.median() / 1e9 / peak, fastest(torch, Measurement::train),
                fastest(torch, Measurement::inference), dl4j.warmedUp().get(Turns.Mode.TRAIN),
                dl4j.warmedUp().get(Turns.Mode.INFERENCE));
        ctx.console().println(String.format(Locale.ROOT, "%s: train %s img/s, inference %s img/s%s", name,
                dl4jTrain.format(), dl4jInference.format(), row.torchTrain() == null ? "" : "; PyTorch "
                        + row.torchTrain().train().format() + " / " + (row.torchInference() == null ? "-"
                        : row.torchInference().inference().format())));
        return row;
    }

    /** The measurement with the highest median of {@code side}; null where none has one. */
    static Measurement fastest(List<Measurement> torch, java.util.function.Function<Measurement, Spread> side) {
        return torch.stream().filter(m -> side.apply(m) != null)
                .max(java.util.Comparator.comparingDouble(m -> side.apply(m).median())).orElse(null);
    }

    /** Seconds of warm-up steps at least: {@link #WARMUP_SECONDS}, none in a smoke run. */
    private static double warmupSeconds(Common cfg) {
        return cfg.isSmokeRun() ? 0 : WARMUP_SECONDS;
    }

    /** Seconds of warm-up at most for the JIT to go quiet: {@link #JIT_WAIT_SECONDS}, none in a smoke run. */
    private static double jitWaitSeconds(Common cfg) {
        return cfg.isSmokeRun() ? 0 : JIT_WAIT_SECONDS;
    }

    /** Steps per timing for a model of {@code flops} forward FLOPs per image. */
    static int steps(long flops) {
        return (int) Math.max(3, Math.min(ITERATIONS, Math.round(ITERATIONS * FULL_STEPS_FLOPS / flops)));
    }

    /**
     * What {@code summary.json} holds.
     *
     * @param sgemmGflops ND4J's float32 SGEMM peak on all threads, measured in this run
     * @param commit      the checkout's git commit
     * @param fastRuntime whether DL4J ran through the oneDNN runtime
     * @param rounds      how many rounds DL4J and each PyTorch format took turns on each model and mode
     * @param pytorch     every PyTorch installation and format per model
     * @param notUsed     the Pythons that were not measured, and why
     */
    public record Summary(double sgemmGflops, int threads, int blasThreads, String cpuModel, String commit,
                          boolean fastRuntime, int rounds, List<Row> models, List<Measurement> pytorch,
                          List<String> notUsed) {
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
}
