package cnnlabs.experiments.basics;

import com.google.auto.service.AutoService;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.GraphBlocks;
import cnnlabs.architectures.InputShape;
import cnnlabs.architectures.vertices.AdaptiveAvgPoolVertex;
import cnnlabs.run.Engine;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.experiments.common.ConvolutionArithmetic;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.run.settings.CommonSettings;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.BiFunction;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Pooling basics: max, average, global average and adaptive average pooling; max pooling with indices and
 * unpooling.
 *
 * <p><b>Reproduces:</b> seed 002 §2 ("Pooling Layers"): {@code MaxPool2d(2, 2)}, {@code AvgPool2d(2, 2)} and
 * {@code AdaptiveAvgPool2d(1)} on the 4x4 example 1..16, {@code AdaptiveAvgPool2d((7, 7))} on a 37x41 input, and
 * {@code MaxPool2d(return_indices=True)} followed by {@code MaxUnpool2d}.
 *
 * <p><b>Description:</b> runs each pooling through DL4J (its subsampling and global pooling layers, cnnlabs'
 * adaptive-pooling vertex, ND4J's {@code max_pool_with_argmax} op) and prints the values as the seed does;
 * checks the adaptive pooling against a plain-loop average of PyTorch's windows, and that unpooling puts every
 * maximum back where it came from and zeros elsewhere.
 *
 * <p><b>Expected runtime:</b> a few seconds. <b>Expected result:</b> max [[6, 8], [14, 16]], average
 * [[3.5, 5.5], [11.5, 13.5]], global average 8.5, adaptive 7x7 output, indices [[5, 7], [13, 15]], as in the seed.
 */
@AutoService(Experiment.class)
public final class PoolingBasics implements Experiment<CommonSettings> {

    @Override
    public String name() {
        return "PoolingBasics";
    }

    @Override
    public String description() {
        return "Seed 002 §2: max, average, global and adaptive pooling; max-pool indices and unpooling";
    }


    @Override
    public CommonSettings defaults() {
        return CommonSettings.DEFAULTS;
    }

    /** The 4x4 example as a (1, 1, 4, 4) batch. */
    static INDArray example() {
        return Nd4j.create(ConvolutionArithmetic.COUNTING_4X4).reshape(1, 1, 4, 4);
    }

    /** Runs {@code input} through a one-vertex DL4J graph built by {@code pooling} (given the blocks and the input name). */
    static INDArray pool(Engine engine, INDArray input, BiFunction<GraphBlocks, String, String> pooling) {
        GraphBlocks g = GraphBlocks.pytorch(BuildOptions.defaults(),
                new InputShape((int) input.size(1), (int) input.size(2), (int) input.size(3)));
        ComputationGraph graph = engine.init("pool", g.build(pooling.apply(g, GraphBlocks.INPUT)));
        return graph.outputSingle(input);
    }

    /**
     * Max pooling {@code size}x{@code size}, stride {@code size}, with the flat index of each maximum within its
     * channel plane (row * width + column, as PyTorch's {@code return_indices=True}). The indices come from DL4J's
     * own max-pooling layer: its backward pass sends each window's gradient to the window's maximum, so
     * back-propagating ones marks exactly the arg-max positions.
     */
    static INDArray[] maxPoolWithIndices(Engine engine, INDArray input, int size) {
        Layer layer = maxPoolLayer(engine, input, size);
        INDArray pooled = layer.activate(input, true, LayerWorkspaceMgr.noWorkspaces()).dup();
        INDArray marks = layer.backpropGradient(Nd4j.onesLike(pooled), LayerWorkspaceMgr.noWorkspaces()).getSecond();
        int width = (int) input.size(3);
        INDArray indices = Nd4j.create(DataType.LONG, pooled.shape());
        for (int b = 0; b < pooled.size(0); b++) {
            for (int c = 0; c < pooled.size(1); c++) {
                for (int i = 0; i < pooled.size(2); i++) {
                    for (int j = 0; j < pooled.size(3); j++) {
                        indices.putScalar(new long[] {b, c, i, j}, argmaxInWindow(marks, b, c, i * size, j * size, size, width));
                    }
                }
            }
        }
        return new INDArray[] {pooled, indices};
    }

    private static long argmaxInWindow(INDArray marks, int b, int c, int top, int left, int size, int width) {
        for (int y = top; y < top + size; y++) {
            for (int x = left; x < left + size; x++) {
                if (marks.getDouble(b, c, y, x) != 0) {
                    return (long) y * width + x;
                }
            }
        }
        throw new IllegalStateException("max pooling sent no gradient into window at (" + top + ", " + left + ")");
    }

    /** DL4J's max-pooling layer ({@code size}x{@code size}, stride {@code size}) for inputs shaped like {@code input}. */
    private static Layer maxPoolLayer(Engine engine, INDArray input, int size) {
        GraphBlocks g = GraphBlocks.pytorch(BuildOptions.defaults(),
                new InputShape((int) input.size(1), (int) input.size(2), (int) input.size(3)));
        ComputationGraph graph = engine.init("max pool", g.build(g.maxPool("pool", GraphBlocks.INPUT, size)));
        return graph.getLayer("pool");
    }

    /**
     * Max pooling's backward pass with the pooled values as the gradient: DL4J's way of computing what
     * {@code MaxUnpool2d} computes.
     */
    static INDArray unpoolByBackprop(Engine engine, INDArray input, INDArray pooled, int size) {
        Layer layer = maxPoolLayer(engine, input, size);
        layer.activate(input, true, LayerWorkspaceMgr.noWorkspaces());
        return layer.backpropGradient(pooled, LayerWorkspaceMgr.noWorkspaces()).getSecond();
    }

    /** {@code MaxUnpool2d}: each pooled value goes back to its index in a zero plane of {@code height} x {@code width}. */
    static INDArray unpool(INDArray pooled, INDArray indices, int height, int width) {
        long n = pooled.size(0);
        long c = pooled.size(1);
        INDArray out = Nd4j.zeros(pooled.dataType(), n, c, height, width);
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < pooled.size(2); i++) {
                    for (int j = 0; j < pooled.size(3); j++) {
                        long index = indices.getLong(b, ch, i, j);
                        out.putScalar(new long[] {b, ch, index / width, index % width}, pooled.getDouble(b, ch, i, j));
                    }
                }
            }
        }
        return out;
    }

    /** Adaptive average pooling by plain loops over PyTorch's windows, the reference for the DL4J vertex. */
    static double[][] adaptiveAverageByHand(INDArray plane, int outH, int outW) {
        int h = (int) plane.size(0);
        int w = (int) plane.size(1);
        double[][] out = new double[outH][outW];
        for (int i = 0; i < outH; i++) {
            for (int j = 0; j < outW; j++) {
                double sum = 0;
                int count = 0;
                for (int y = AdaptiveAvgPoolVertex.windowStart(i, h, outH); y < AdaptiveAvgPoolVertex.windowEnd(i, h, outH); y++) {
                    for (int x = AdaptiveAvgPoolVertex.windowStart(j, w, outW); x < AdaptiveAvgPoolVertex.windowEnd(j, w, outW); x++) {
                        sum += plane.getDouble(y, x);
                        count++;
                    }
                }
                out[i][j] = sum / count;
            }
        }
        return out;
    }

    /**
     * What {@code summary.json} holds: the seed's 4x4 example through each pooling, the adaptive pooling check, and
     * unpooling by max-pool indices.
     *
     * @param adaptiveMaxAbsError largest difference of DL4J's adaptive pooling from a plain-loop average
     * @param unpoolEqualsBackprop unpooling equals max pooling's backward pass with the pooled values as gradient
     */
    public record Summary(double[][] maxPool, double[][] avgPool, double globalAvgPool, long[] adaptiveOutputShape,
                          double adaptiveMaxAbsError, boolean unpoolEqualsBackprop, long[][] maxPoolIndices,
                          double[][] unpooled) {
    }

    @Override
    public ExperimentResult run(ExperimentContext<CommonSettings> ctx) {
        INDArray x = example();
        StringBuilder md = new StringBuilder("# Pooling basics (seed 002 §2)\n\nInput (1, 1, 4, 4): ")
                .append(plane(x)).append("\n\n");

        INDArray max = pool(ctx.engine(), x, (g, in) -> g.maxPool("pool", in, 2));
        INDArray avg = pool(ctx.engine(), x, (g, in) -> g.avgPool("pool", in, 2));
        INDArray gap = pool(ctx.engine(), x, (g, in) -> g.globalAvgPool("pool", in));
        MarkdownTable table = new MarkdownTable("Pooling", "DL4J", "Output shape", "Output");
        table.row("Max pooling 2x2, stride 2", "SubsamplingLayer(MAX)", Arrays.toString(max.shape()), plane(max));
        table.row("Average pooling 2x2, stride 2", "SubsamplingLayer(AVG)", Arrays.toString(avg.shape()), plane(avg));
        table.row("Global average pooling", "GlobalPoolingLayer(AVG)", Arrays.toString(gap.shape()),
                number(gap.getDouble(0, 0)));
        md.append(table).append('\n');
        ctx.console().println("Max pooling: " + plane(max) + "; average pooling: " + plane(avg) + "; global average: "
                + number(gap.getDouble(0, 0)));

        Nd4j.getRandom().setSeed(ctx.common().seed());
        INDArray odd = Nd4j.randn(DataType.FLOAT, 1, 3, 37, 41);
        INDArray adaptive = pool(ctx.engine(), odd, (g, in) -> g.adaptiveAvgPool("pool", in, 7, 7));
        double maxError = 0;
        for (int c = 0; c < 3; c++) {
            double[][] reference = adaptiveAverageByHand(odd.slice(0).slice(c), 7, 7);
            for (int i = 0; i < 7; i++) {
                for (int j = 0; j < 7; j++) {
                    maxError = Math.max(maxError, Math.abs(reference[i][j] - adaptive.getDouble(0, c, i, j)));
                }
            }
        }
        md.append("## Adaptive average pooling\n\nA random (1, 3, 37, 41) input pooled to 7x7 (PyTorch's ")
                .append("`AdaptiveAvgPool2d((7, 7))`; DL4J has no such layer, cnnlabs' `AdaptiveAvgPoolVertex` does it). ")
                .append("Output shape ").append(Arrays.toString(adaptive.shape()))
                .append(String.format(Locale.ROOT, "; largest difference from a plain-loop average of the same windows: %.2e.%n%n", maxError))
                .append(windows(37, 7, "Rows")).append('\n').append(windows(41, 7, "Columns")).append('\n');

        INDArray[] pooled = maxPoolWithIndices(ctx.engine(), x, 2);
        INDArray unpooled = unpool(pooled[0], pooled[1], 4, 4);
        boolean sameAsBackprop = unpooled.equals(unpoolByBackprop(ctx.engine(), x, pooled[0], 2));
        md.append("## Max pooling with indices, and unpooling\n\n")
                .append("Each maximum's position, numbered within its channel plane (row · width + column) as PyTorch's ")
                .append("`return_indices=True` numbers it, read from DL4J's max-pooling layer: its backward pass sends each ")
                .append("window's gradient to the window's maximum. Unpooling (`MaxUnpool2d`) puts each maximum back at ")
                .append("its index and zeros everywhere else, which is exactly max pooling's backward pass with the pooled ")
                .append("values as the gradient: ").append(sameAsBackprop ? "the two agree here" : "**they disagree here**")
                .append(".\n\n");
        MarkdownTable indexTable = new MarkdownTable("Step", "Values");
        indexTable.row("Pooled", plane(pooled[0]));
        indexTable.row("Indices (flattened positions)", plane(pooled[1]));
        indexTable.row("Unpooled", plane(unpooled));
        md.append(indexTable);
        ctx.console().println("Max-pool indices: " + plane(pooled[1]) + "; unpooled: " + plane(unpooled));

        String text = md.toString();
        ctx.run().table(text);
        return new ExperimentResult(new Summary(max.reshape(2, 2).toDoubleMatrix(), avg.reshape(2, 2).toDoubleMatrix(),
                gap.getDouble(0, 0), adaptive.shape(), maxError, sameAsBackprop, pooled[1].reshape(2, 2).toLongMatrix(),
                unpooled.reshape(4, 4).toDoubleMatrix()), text);
    }

    /** The first (H, W) plane of a batch as {@code [[a, b], [c, d]]}. */
    static String plane(INDArray batch) {
        INDArray p = batch.slice(0).slice(0);
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < p.size(0); i++) {
            out.append(i == 0 ? "[" : ", [");
            for (int j = 0; j < p.size(1); j++) {
                out.append(j == 0 ? "" : ", ").append(number(p.getDouble(i, j)));
            }
            out.append(']');
        }
        return out.append(']').toString();
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static String windows(int size, int out, String axis) {
        MarkdownTable t = new MarkdownTable(axis + ": output cell", "Window [start, end)", "Size");
        for (int i = 0; i < out; i++) {
            int start = AdaptiveAvgPoolVertex.windowStart(i, size, out);
            int end = AdaptiveAvgPoolVertex.windowEnd(i, size, out);
            t.row(i, "[" + start + ", " + end + ")", end - start);
        }
        return t.toString();
    }
}
