package cnnlabs.experiments.basics;

import com.google.auto.service.AutoService;
import cnnlabs.architectures.Architecture;
import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.BlockCatalog;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.Flops;
import cnnlabs.architectures.GraphSpec;
import cnnlabs.architectures.ModelSummary;
import cnnlabs.run.Engine;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.CommonSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Model zoo: every registered architecture and block, with its shapes, parameters, FLOPs and latency.
 *
 * <p><b>Reproduces:</b> the parameter counts the seeds print for their models and blocks (seed 000 SmallCNN and
 * {@code build_cnn}, seed 001 SimpleCNN / LeNet / CNNWithBatchNorm, seed 002 §3 and §5, seed 003's Keras and
 * PyTorch models, seed 004 TinyCNN and AlexNet), side by side in one table.
 *
 * <p><b>Description:</b> builds each registered architecture and block, runs it forward, and writes one row
 * per model to {@code table.md} and {@code model-zoo.csv}: source, input and output shape, parameters as Keras
 * counts them (total, trainable: batch-norm moving statistics are non-trainable parameters) and as PyTorch does
 * (no moving statistics), forward GFLOPs per image (2 x multiply-accumulates of conv and linear layers), and
 * the median forward latency of one image (batch 1) on this machine.
 *
 * <p><b>Expected runtime:</b> about a minute on a 2-core laptop CPU (AlexNet and ResNet-50 dominate); a smoke
 * run ({@code -Dmax.batches=1}) times one pass per model. <b>Expected result:</b> the counts of
 * experiments/reference/seed_param_counts.py.
 */
@AutoService(Experiment.class)
public final class ModelZoo implements Experiment<CommonSettings> {

    /** Timed forward passes per model (the median is reported), after as many warm-up passes. */
    static final int TIMED_PASSES = 10;

    @Override
    public String name() {
        return "ModelZoo";
    }

    @Override
    public String description() {
        return "Every registered architecture and block: shapes, Keras/PyTorch parameter counts, FLOPs, latency";
    }


    @Override
    public CommonSettings defaults() {
        return CommonSettings.DEFAULTS;
    }

    /** What {@code summary.json} holds: how many architectures and blocks, the timed passes, every row. */
    public record Summary(int models, int timedPasses, List<Row> rows) {
    }

    /** One row of the table. */
    public record Row(String name, String kind, String source, String input, String output, long totalParams,
               long trainableParams, long pytorchParams, long flops, double latencyMs) {
    }

    @Override
    public ExperimentResult run(ExperimentContext<CommonSettings> ctx) {
        int passes = ctx.common().isSmokeRun() ? ctx.common().maxBatches() : TIMED_PASSES;
        List<Row> rows = new ArrayList<>();
        List<GraphSpec> specs = Stream.concat(Architectures.all().stream(), BlockCatalog.all().stream())
                .map(GraphSpec.class::cast).toList();
        MarkdownTable table = new MarkdownTable("Name", "Kind", "Source", "Input", "Output", "Total params (Keras)",
                "Trainable", "PyTorch count", "Forward MFLOPs/image", "Latency (ms, batch 1)");
        for (GraphSpec spec : specs) {
            Row row = measure(ctx.engine(), spec, ctx.buildOptions(), passes);
            rows.add(row);
            table.row(row.name(), row.kind(), row.source(), row.input(), row.output(), MarkdownTable.count(row.totalParams()),
                    MarkdownTable.count(row.trainableParams()), MarkdownTable.count(row.pytorchParams()),
                    String.format(Locale.ROOT, "%,.3f", row.flops() / 1e6), String.format(Locale.ROOT, "%.2f", row.latencyMs()));
            ctx.console().println(String.format(Locale.ROOT, "%-22s %,13d params  %9.4f GFLOPs  %8.2f ms", row.name(),
                    row.pytorchParams(), row.flops() / 1e9, row.latencyMs()));
            ctx.run().table(render(table, passes, ctx.common()));
            ctx.run().writeText("model-zoo.csv", csv(rows));
        }
        return new ExperimentResult(new Summary(rows.size(), passes, rows), render(table, passes, ctx.common()));
    }

    static Row measure(Engine engine, GraphSpec spec, BuildOptions options, int passes) {
        ComputationGraph graph = engine.init(spec, options);
        ModelSummary summary = ModelSummary.of(graph, spec.inputShape());
        INDArray image = Nd4j.rand(DataType.FLOAT, spec.inputShape().batchShape(1));
        INDArray out = graph.outputSingle(image);
        long[] outShape = Arrays.copyOfRange(out.shape(), 1, out.rank());
        for (int i = 0; i < passes; i++) {
            graph.outputSingle(image);
        }
        double[] millis = new double[passes];
        for (int i = 0; i < passes; i++) {
            long start = System.nanoTime();
            graph.outputSingle(image);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        double median = passes % 2 == 1 ? millis[passes / 2] : (millis[passes / 2 - 1] + millis[passes / 2]) / 2;
        String kind = spec instanceof Architecture ? "architecture" : "block";
        return new Row(spec.name(), kind, spec.source(), spec.inputShape().toString(), shape(outShape),
                summary.totalParams(), summary.trainableParams(), summary.pytorchParams(),
                Flops.forwardPerImage(graph.getConfiguration(), spec.inputShape()), median);
    }

    private static String shape(long[] dims) {
        StringBuilder out = new StringBuilder();
        for (long d : dims) {
            out.append(out.length() == 0 ? "" : "x").append(d);
        }
        return out.toString();
    }

    private static String render(MarkdownTable table, int passes, Common common) {
        return "# Model zoo: every registered architecture and block\n\n"
                + "Total and Trainable count parameters as Keras does (batch-norm moving mean and variance are "
                + "non-trainable parameters); PyTorch count leaves them out, as `sum(p.numel() for p in "
                + "model.parameters())` does. Forward MFLOPs per image = 2 x multiply-accumulates of conv and linear "
                + "layers (batch norm, activations, pooling and additions not counted). Latency: median of " + passes
                + " forward passes of one image after as many warm-up passes, float32, this machine's CPU.\n\n"
                + table
                + common.smokeRunNote("latencies from " + passes + " pass(es), not a measurement");
    }

    private static String csv(List<Row> rows) {
        StringBuilder out = new StringBuilder(
                "name,kind,input,output,total_params,trainable_params,pytorch_params,forward_flops,latency_ms\n");
        for (Row r : rows) {
            out.append(String.join(",", r.name(), r.kind(), r.input(), r.output(), String.valueOf(r.totalParams()),
                    String.valueOf(r.trainableParams()), String.valueOf(r.pytorchParams()), String.valueOf(r.flops()),
                    String.format(Locale.ROOT, "%.4f", r.latencyMs()))).append('\n');
        }
        return out.toString();
    }
}
