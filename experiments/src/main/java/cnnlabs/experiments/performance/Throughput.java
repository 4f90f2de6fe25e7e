package cnnlabs.experiments.performance;

import cnnlabs.architectures.Architecture;
import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.Flops;
import cnnlabs.experiments.ConfigException;
import cnnlabs.experiments.Experiment;
import cnnlabs.experiments.ExperimentContext;
import cnnlabs.experiments.ExperimentResult;
import cnnlabs.experiments.SmokeCheck;
import cnnlabs.experiments.common.MarkdownTable;
import cnnlabs.experiments.results.EnvironmentInfo;
import cnnlabs.experiments.settings.Common;
import cnnlabs.experiments.settings.ExperimentSettings;
import cnnlabs.experiments.settings.Setting;
import cnnlabs.experiments.settings.SettingsParser;
import cnnlabs.onednn.OneDnnRuntime;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * <p><b>Description:</b> for the simple CNN, LeNet-5, VGG-style and ResNet-style models, built through the run's
 * engine (the oneDNN runtime, or plain DL4J with {@code -Dcnnlabs.fast=false}): 10 warm-up steps, then the fastest of
 * 3 timings of 20 training steps (Keras' Adam, batch {@code -Dbatch.size}, default 128) and timed inference passes
 * (batch 256, timed the same way), images per second; achieved GFLOP/s (forward FLOPs from {@link Flops} times 3 for
 * a training step: forward, and a backward pass of about twice its cost) and that as a share of this machine's
 * measured float32 matrix multiply speed (ND4J's SGEMM on 2048x2048 matrices on all threads, fastest of 3 timings:
 * a practical peak, not the data-sheet one). Where a Python with torch is at hand ({@code -Dpython=PATH}, e.g.
 * PyTorch 2.x in a venv; else Debian's {@code python3-torch} at {@code /usr/bin/python3}),
 * {@code experiments/reference/throughput.py} runs the same models in PyTorch with the same batch sizes and thread
 * count, in each memory format, crediting PyTorch with its faster one; the two take turns on each model (twice; each
 * side keeps its best, so that a noisy minute on a shared machine hits both), and the table gives the DL4J/PyTorch
 * ratios. The table names the CPU (speed depends on it: oneDNN picks different kernels on Intel and AMD) and any
 * {@code ONEDNN_MAX_CPU_ISA} limit; {@code env.json} records the native build and the runtime's layer counts.
 *
 * <p><b>Expected runtime:</b> about 15 minutes on a 2-core CPU (more than half of it PyTorch). <b>Expected
 * result:</b> the measured tables, with the CPU each ran on, are in results/REPRODUCED.md.
 */
public final class Throughput implements Experiment<Throughput.Settings> {

    /** cnnlabs name -> the reference script's name. */
    static final Map<String, String> MODELS = Map.of("simple-cnn", "simple_cnn", "lenet5", "lenet5", "vgg-style",
            "vgg_style", "resnet-style", "resnet_style");
    static final List<String> ORDER = List.of("simple-cnn", "lenet5", "vgg-style", "resnet-style");
    static final int INFERENCE_BATCH = 256;
    static final int WARMUP = 10;
    static final int ITERATIONS = 20;
    /** Timed rounds per measurement; the fastest counts (the machine is shared and noisy, as timeit does). */
    static final int ROUNDS = 3;
    /** Times PyTorch and DL4J take turns on each model. */
    static final int PASSES = 2;
    /** Debian's Python, whose {@code python3-torch} is PyTorch 1.13: the PyTorch side where {@code -Dpython} is not given. */
    static final String DEFAULT_PYTHON = "/usr/bin/python3";

    /**
     * Throughput's settings.
     *
     * @param common    seed (random data, weights) and smoke-run length ({@code -Dmax.batches}: timed steps)
     * @param batchSize the training batch (inference runs at {@value #INFERENCE_BATCH})
     * @param python    the Python with torch that runs the PyTorch side; empty: {@value #DEFAULT_PYTHON}
     */
    public record Settings(
            Common common,
            @Setting(key = "batch.size", help = "training batch size (inference runs at 256)", example = "128")
            int batchSize,
            @Setting(key = "python", help = "the Python with torch that runs the PyTorch side, e.g. a venv's "
                    + "bin/python with PyTorch 2.x (empty: Debian's /usr/bin/python3)", example = "/opt/torch/bin/python")
            String python) implements ExperimentSettings {

        public Settings {
            SettingsParser.require(batchSize >= 1, "batch.size", batchSize, "a whole number >= 1", "128");
            if (!python.isEmpty() && !Files.isExecutable(Path.of(python))) {
                throw new ConfigException("-Dpython=" + python + " is not an executable file. Give the Python that has "
                        + "torch (e.g. a venv's bin/python: python3 -m venv V && V/bin/pip install torch numpy), or "
                        + "leave it out to use " + DEFAULT_PYTHON + ".");
            }
        }

        /** The Python to run. */
        String pythonOrDefault() {
            return python.isEmpty() ? DEFAULT_PYTHON : python;
        }
    }

    @Override
    public String name() {
        return "Throughput";
    }

    @Override
    public String description() {
        return "Training and inference images/s of Lab 3's models, GFLOP/s, and PyTorch side by side when installed";
    }

    @Override
    public SmokeCheck smokeCheck(Settings settings) {
        List<String> rows = new ArrayList<>();
        rows.add("| Model | Params | DL4J train img/s | PyTorch train img/s | Train ratio |");
        for (String model : ORDER) {
            Architecture a = Architectures.get(model);
            rows.add("| " + model + " | " + MarkdownTable.count(a.summary(BuildOptions.defaults()).totalParams()) + " |");
        }
        // either PyTorch ran, or the table says why not
        return SmokeCheck.table(rows.toArray(String[]::new)).tableShowsOneOf("PyTorch: torch ", "PyTorch: not run (");
    }

    @Override
    public Settings defaults() {
        return new Settings(Common.DEFAULTS, 128, "");
    }

    /**
     * One model's numbers; NaN where PyTorch did not run. The memory formats are the ones PyTorch was fastest in
     * (the reference script tries each).
     */
    public record Row(String model, long params, double trainImagesPerSec, double inferenceImagesPerSec, double trainGflops,
               double inferenceGflops, double trainShareOfPeak, double torchTrain, double torchInference,
               String torchTrainFormat, String torchInferenceFormat) {
    }

    @Override
    public ExperimentResult run(ExperimentContext<Settings> ctx) throws Exception {
        Common cfg = ctx.common();
        int batchSize = ctx.settings().batchSize();
        int warmup = cfg.isSmokeRun() ? 1 : WARMUP;
        int iterations = cfg.isSmokeRun() ? cfg.maxBatches() : ITERATIONS;
        int rounds = cfg.isSmokeRun() ? 1 : ROUNDS;
        int threads = Integer.parseInt(String.valueOf(
                Nd4j.getExecutioner().getEnvironmentInformation().getOrDefault("omp.threads", "1")));
        double peak = gemmGflops(cfg.isSmokeRun() ? 512 : 2048, cfg.isSmokeRun() ? 2 : 10, threads);
        ctx.console().println(String.format(Locale.ROOT, "Measured float32 SGEMM: %.1f GFLOP/s (%d threads)", peak, threads));

        int passes = cfg.isSmokeRun() ? 1 : PASSES;
        List<Row> rows = new ArrayList<>();
        String torchVersion = null;
        String torchMissing = "";
        String python = ctx.settings().pythonOrDefault();
        String cpu = EnvironmentInfo.cpuModel();
        ctx.console().println("CPU: " + cpu + isaLimit());
        for (String name : ORDER) {
            Architecture a = Architectures.get(name);
            ComputationGraph graph = ctx.build(a);
            long flops = Flops.forwardPerImage(a.configure(ctx.buildOptions()), a.inputShape());
            Nd4j.getRandom().setSeed(cfg.seed());
            INDArray x = Nd4j.rand(DataType.FLOAT, a.inputShape().batchShape(batchSize));
            INDArray y = Nd4j.zeros(DataType.FLOAT, batchSize, a.numClasses());
            for (int i = 0; i < batchSize; i++) {
                y.putScalar(i, i % a.numClasses(), 1.0);
            }
            DataSet batch = new DataSet(x, y);
            INDArray xi = Nd4j.rand(DataType.FLOAT, a.inputShape().batchShape(INFERENCE_BATCH));
            // PyTorch and DL4J take turns on the same model, PASSES times, and each keeps its best: on this shared,
            // noisy machine a slow minute then hits both sides rather than one.
            double trainSeconds = Double.POSITIVE_INFINITY;
            double inferSeconds = Double.POSITIVE_INFINITY;
            double torchTrain = Double.NaN;
            double torchInfer = Double.NaN;
            String torchTrainFormat = "";
            String torchInferFormat = "";
            for (int pass = 0; pass < passes; pass++) {
                if (torchMissing.isEmpty()) {
                    Torch torch = pytorch(ctx, python, MODELS.get(name), batchSize, threads, warmup, iterations,
                            rounds);
                    if (torch.isEmpty()) {
                        torchMissing = torch.missing();
                    } else {
                        JsonNode t = torch.get(MODELS.get(name));
                        double train = t.get("train_images_per_sec").asDouble();
                        double infer = t.get("inference_images_per_sec").asDouble();
                        if (!(train <= torchTrain)) { // NaN before the first: each side keeps its best
                            torchTrain = train;
                            torchTrainFormat = t.path("train_memory_format").asText("contiguous");
                        }
                        if (!(infer <= torchInfer)) {
                            torchInfer = infer;
                            torchInferFormat = t.path("inference_memory_format").asText("contiguous");
                        }
                        torchVersion = "torch " + t.get("torch").asText() + ", " + t.get("threads").asInt() + " threads";
                    }
                }
                trainSeconds = Math.min(trainSeconds, time(() -> graph.fit(batch), warmup, iterations, rounds));
                inferSeconds = Math.min(inferSeconds, time(() -> graph.output(false, xi), warmup, iterations, rounds));
            }
            double train = (double) batchSize * iterations / trainSeconds;
            double infer = (double) INFERENCE_BATCH * iterations / inferSeconds;
            Row row = new Row(name, graph.numParams(), train, infer, 3.0 * flops * train / 1e9, flops * infer / 1e9,
                    3.0 * flops * train / 1e9 / peak, torchTrain, torchInfer, torchTrainFormat, torchInferFormat);
            rows.add(row);
            ctx.console().println(String.format(Locale.ROOT, "%s: train %.0f img/s, inference %.0f img/s%s", name, train,
                    infer, Double.isNaN(torchTrain) ? "" : String.format(Locale.ROOT, " (PyTorch %.0f / %.0f)",
                            torchTrain, torchInfer)));
        }

        MarkdownTable table = new MarkdownTable("Model", "Params", "DL4J train img/s", "PyTorch train img/s", "Train ratio",
                "DL4J inference img/s", "PyTorch inference img/s", "Inference ratio", "DL4J train GFLOP/s",
                "% of SGEMM peak");
        for (Row r : rows) {
            table.row(r.model(), MarkdownTable.count(r.params()), f0(r.trainImagesPerSec()), f0(r.torchTrain()),
                    ratio(r.trainImagesPerSec(), r.torchTrain()), f0(r.inferenceImagesPerSec()), f0(r.torchInference()),
                    ratio(r.inferenceImagesPerSec(), r.torchInference()), String.format(Locale.ROOT, "%.1f", r.trainGflops()),
                    String.format(Locale.ROOT, "%.0f%%", 100 * r.trainShareOfPeak()));
        }
        String text = "# Throughput: DL4J and PyTorch on Lab 3's models\n\n"
                + String.format(Locale.ROOT, "Random in-memory data, float32, training batch %d (Keras' Adam), inference "
                        + "batch %d, %d warm-up steps, then the fastest of %d timings of %d steps each, %d threads; PyTorch and "
                        + "DL4J take turns on each model, %d times, each side keeping its best. CPU: %s%s. DL4J: %s, native "
                        + "build %s, OpenBLAS threads (dense layers): %d. PyTorch: %s%s. Peak: ND4J's float32 SGEMM on all %d "
                        + "threads, measured here, %.1f GFLOP/s.%n%n",
                batchSize, INFERENCE_BATCH, warmup, rounds, iterations, threads, passes, cpu, isaLimit(),
                ctx.engine().isFast() ? "through the oneDNN runtime (oneDNN " + OneDnnRuntime.directOneDnnVersion() + ")"
                        : "plain (-Dcnnlabs.fast=false)", EnvironmentInfo.nativeVariant(), OneDnnRuntime.blasThreads(),
                torchVersion == null ? "not run (" + torchMissing + ")" : torchVersion, formats(rows), threads, peak)
                + table + "\nRatio = DL4J / PyTorch (above 1: DL4J faster). Training GFLOP/s counts 3x the forward FLOPs "
                + "of conv and dense layers per image, as a direct convolution computes them: an effective rate, which "
                + "Winograd convolutions (fewer multiplications) lift above the SGEMM peak.\n"
                + cfg.smokeRunNote("too few steps to mean anything");
        return new ExperimentResult(new Summary(peak, threads, OneDnnRuntime.blasThreads(), cpu, ctx.engine().isFast(),
                torchVersion != null, passes, rows), text);
    }

    /**
     * What {@code summary.json} holds.
     *
     * @param sgemmGflops ND4J's float32 SGEMM peak on all threads, measured in this run
     * @param fastRuntime whether DL4J ran through the oneDNN runtime
     * @param pytorch     whether the PyTorch reference ran
     * @param passes      how many times DL4J and PyTorch took turns on each model
     */
    public record Summary(double sgemmGflops, int threads, int blasThreads, String cpuModel, boolean fastRuntime,
                          boolean pytorch, int passes, List<Row> models) {
    }

    /** The reference script's numbers by model, or none and why. */
    record Torch(Map<String, JsonNode> rows, String missing) {
        boolean isEmpty() {
            return rows.isEmpty();
        }

        JsonNode get(String model) {
            return rows.get(model);
        }
    }

    /** Runs the PyTorch reference script when this machine can. */
    private static Torch pytorch(ExperimentContext<?> ctx, String python, String model, int batch, int threads, int warmup,
                                 int iterations, int rounds)
            throws IOException, InterruptedException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        Path script = Path.of(System.getProperty("cnnlabs.root", "."), "experiments", "reference", "throughput.py");
        if (!Files.isRegularFile(script)) {
            return new Torch(out, script + " not found");
        }
        if (!Files.isExecutable(Path.of(python))) {
            return new Torch(out, python + " not installed");
        }
        List<String> command = List.of(python, script.toString(), "--models", model,
                "--batch", String.valueOf(batch), "--infer-batch", String.valueOf(INFERENCE_BATCH), "--threads",
                String.valueOf(threads), "--warmup", String.valueOf(warmup), "--iters", String.valueOf(iterations),
                "--rounds", String.valueOf(rounds));
        ctx.console().println("Running PyTorch: " + String.join(" ", command));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            String last = output.strip().lines().reduce((a, b) -> b).orElse("exit " + p.exitValue());
            return new Torch(out, "the reference script failed: " + last
                    + (last.contains("No module named 'torch'") ? "; install Debian's python3-torch, or give a Python "
                    + "that has torch with -Dpython" : ""));
        }
        ObjectMapper json = new ObjectMapper();
        for (String line : output.strip().split("\n")) {
            if (line.startsWith("{")) {
                JsonNode node = json.readTree(line);
                out.put(node.get("model").asText(), node);
            }
        }
        return new Torch(out, "");
    }

    /** ", ONEDNN_MAX_CPU_ISA=X" where oneDNN's instruction-set limit is set, else "". */
    static String isaLimit() {
        String limit = EnvironmentInfo.oneDnnIsaLimit();
        return limit.equals("none") ? "" : ", " + limit;
    }

    /** " (its fastest memory format, training / inference: model f / f; ...)" where PyTorch ran, else "". */
    private static String formats(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        for (Row r : rows) {
            if (!r.torchTrainFormat().isEmpty()) {
                out.append(out.length() == 0 ? " (its fastest memory format, training / inference: " : "; ")
                        .append(r.model()).append(' ').append(r.torchTrainFormat()).append(" / ")
                        .append(r.torchInferenceFormat());
            }
        }
        return out.length() == 0 ? "" : out.append(')').toString();
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

    /** The fastest of {@code rounds} timings of {@code iterations} steps, after {@code warmup} steps. */
    private static double time(Runnable step, int warmup, int iterations, int rounds) {
        for (int i = 0; i < warmup; i++) {
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
