package cnnlabs.experiments.basics;

import com.google.auto.service.AutoService;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.GraphBlocks;
import cnnlabs.architectures.InputShape;
import cnnlabs.run.Engine;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.experiments.common.ConvolutionArithmetic.RfLayer;
import cnnlabs.experiments.common.ConvolutionArithmetic;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.run.plots.Viridis;
import cnnlabs.run.settings.CommonSettings;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Receptive field by gradients, against the analytic receptive-field size.
 *
 * <p><b>Reproduces:</b> seed 002 Exercise 2 (solution 2, {@code visualize_receptive_field}): the gradient of one
 * output position of a conv stack (conv 3->64, ReLU, conv 64->64, ReLU, max pool 2, conv 64->128, ReLU, all 3x3
 * with padding 1) with respect to a 32x32 input, as a heat map; next to seed 002's
 * {@code calculate_receptive_field} for the same stack.
 *
 * <p><b>Description:</b> builds the stack as a DL4J graph, runs a random input forward, sends a gradient of 1 into
 * every channel at the centre output position (and 0 elsewhere) back through each layer's own DL4J backward pass
 * ({@code Layer.backpropGradient}), and takes the gradient the first layer hands back: the counterpart of
 * PyTorch's {@code x.grad} after {@code target.backward()} (DL4J's graph-level backward pass does not keep the
 * input's gradient). The extent of the non-zero gradient
 * must equal the analytic receptive field (10x10 for this stack). The input is random rather than the seed's
 * zeros: DL4J's biases start at zero, so an all-zero input would put every ReLU at 0, where its gradient is 0.
 * Writes {@code receptive-field.png} (XChart heat map, viridis) and the comparison table.
 *
 * <p><b>Expected runtime:</b> a few seconds. <b>Expected result:</b> both extents 10 pixels.
 */
@AutoService(Experiment.class)
public final class ReceptiveField implements Experiment<CommonSettings> {

    static final int SIZE = 32;

    @Override
    public String name() {
        return "ReceptiveField";
    }

    @Override
    public String description() {
        return "Seed 002 Exercise 2: input gradient of one output position vs the analytic receptive field";
    }


    @Override
    public CommonSettings defaults() {
        return CommonSettings.DEFAULTS;
    }

    /** Seed 002's stack; the graph has no output layer, its last ReLU is the output. */
    static ComputationGraph stack(Engine engine, long seed) {
        GraphBlocks g = GraphBlocks.pytorch(BuildOptions.defaults().withSeed(seed), new InputShape(3, SIZE, SIZE));
        String x = g.relu("relu1", g.conv2d("conv1", GraphBlocks.INPUT, 64, 3, 1, 1, true));
        x = g.relu("relu2", g.conv2d("conv2", x, 64, 3, 1, 1, true));
        x = g.maxPool("pool", x, 2, 2, 0);
        x = g.relu("relu3", g.conv2d("conv3", x, 128, 3, 1, 1, true));
        return engine.init("seed 002 stack", g.build(x));
    }

    /** The same stack for {@link ConvolutionArithmetic#receptiveFields}. */
    static final List<RfLayer> LAYERS = List.of(new RfLayer("conv1 3x3", 3, 1, 1),
            new RfLayer("conv2 3x3", 3, 1, 1), new RfLayer("max pool 2x2/2", 2, 2, 1),
            new RfLayer("conv3 3x3", 3, 1, 1));

    /**
     * d(sum over channels of output[0, :, row, col]) / d(input), summed over the input's channels as absolute
     * values, as an (H, W) map: which input pixels influence that output position. The graph must be a chain
     * (each layer fed by the one before); every layer runs its own DL4J forward ({@code activate}) and backward
     * ({@code backpropGradient}) pass, and the gradient the first layer hands back is the input's gradient.
     */
    static double[][] inputGradient(ComputationGraph graph, INDArray input, int row, int col) {
        List<Layer> chain = chain(graph);
        graph.initGradientsView();   // the layers' backward passes write their weight gradients there
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        INDArray x = input;
        for (Layer layer : chain) {
            x = layer.activate(x, true, noWorkspaces);
        }
        INDArray epsilon = Nd4j.zeros(x.dataType(), x.shape());
        epsilon.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(row), NDArrayIndex.point(col)).assign(1);
        for (int i = chain.size() - 1; i >= 0; i--) {
            epsilon = chain.get(i).backpropGradient(epsilon, noWorkspaces).getSecond();
        }
        return Nd4j.math().abs(epsilon).sum(1).reshape(input.size(2), input.size(3)).castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    /** The graph's layers from input to output; throws if the graph is not a single chain of layers. */
    static List<Layer> chain(ComputationGraph graph) {
        List<Layer> layers = new ArrayList<>();
        String previous = GraphBlocks.INPUT;
        for (int index : graph.topologicalSortOrder()) {
            GraphVertex v = graph.getVertices()[index];
            if (v.isInputVertex()) {
                continue;
            }
            if (!v.hasLayer() || v.getInputVertices().length != 1
                    || !graph.getVertices()[v.getInputVertices()[0].getVertexIndex()].getVertexName().equals(previous)) {
                throw new IllegalArgumentException("not a chain of layers at vertex " + v.getVertexName());
            }
            layers.add(v.getLayer());
            previous = v.getVertexName();
        }
        return layers;
    }

    /** {rows, columns} spanned by the non-zero entries of {@code map}. */
    static int[] extent(double[][] map) {
        int top = Integer.MAX_VALUE;
        int bottom = -1;
        int left = Integer.MAX_VALUE;
        int right = -1;
        for (int y = 0; y < map.length; y++) {
            for (int x = 0; x < map[0].length; x++) {
                if (map[y][x] != 0) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
            }
        }
        return bottom < 0 ? new int[] {0, 0} : new int[] {bottom - top + 1, right - left + 1};
    }

    /**
     * What {@code summary.json} holds.
     *
     * @param outputPosition         the output position whose input gradient was taken (row, column)
     * @param gradientExtent         rows and columns of the box where that gradient is non-zero
     * @param analyticReceptiveField the receptive field by the layer-by-layer formula
     */
    public record Summary(int[] outputPosition, int[] gradientExtent, int analyticReceptiveField, boolean agree) {
    }

    @Override
    public ExperimentResult run(ExperimentContext<CommonSettings> ctx) {
        long seed = ctx.common().seed();
        ComputationGraph graph = stack(ctx.engine(), seed);
        Nd4j.getRandom().setSeed(seed);
        INDArray input = Nd4j.randn(DataType.FLOAT, 1, 3, SIZE, SIZE);
        INDArray out = graph.outputSingle(input);
        int row = (int) out.size(2) / 2;
        int col = (int) out.size(3) / 2;
        double[][] gradient = inputGradient(graph, input, row, col);
        int[] measured = extent(gradient);
        int[] fields = ConvolutionArithmetic.receptiveFields(LAYERS);
        int analytic = fields[fields.length - 1];
        boolean agree = measured[0] == analytic && measured[1] == analytic;
        ctx.console().println(String.format(Locale.ROOT, "Gradient extent %dx%d, analytic receptive field %d: %s",
                measured[0], measured[1], analytic, agree ? "they agree" : "THEY DISAGREE"));

        ctx.run().picture("receptive-field.png", heatMap(gradient, row, col, out.size(2)));
        MarkdownTable table = new MarkdownTable("Output position", "Gradient extent (rows x columns)",
                "Analytic receptive field", "Agree");
        table.row("(" + row + ", " + col + ") of " + out.size(2) + "x" + out.size(3), measured[0] + " x " + measured[1],
                analytic + " x " + analytic, agree ? "yes" : "**NO**");
        MarkdownTable layers = new MarkdownTable("Layer", "Kernel", "Stride", "Receptive field after it");
        for (int i = 0; i < LAYERS.size(); i++) {
            layers.row(LAYERS.get(i).name(), LAYERS.get(i).kernel(), LAYERS.get(i).stride(), fields[i]);
        }
        String text = "# Receptive field by gradients (seed 002 Exercise 2)\n\n"
                + "|d output / d input| for the centre output position of seed 002's stack (conv 3→64, ReLU, conv 64→64, "
                + "ReLU, max pool 2, conv 64→128, ReLU; 3x3, padding 1) on a random 3x32x32 input, summed over input "
                + "channels: `receptive-field.png`.\n\n" + table + "\nThe analytic receptive field, layer by layer "
                + "(seed 002 `calculate_receptive_field`):\n\n" + layers;
        ctx.run().table(text);
        return new ExperimentResult(new Summary(new int[] {row, col}, measured, analytic, agree), text);
    }

    private static BufferedImage heatMap(double[][] gradient, int row, int col, long outSize) {
        double max = 0;
        for (double[] r : gradient) {
            for (double v : r) {
                max = Math.max(max, v);
            }
        }
        List<Integer> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            xs.add(i);
            ys.add(i);
        }
        List<Number[]> cells = new ArrayList<>();
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                // XChart's y axis points up; put input row 0 at the top, as imshow does
                cells.add(new Number[] {x, SIZE - 1 - y, max > 0 ? gradient[y][x] / max : 0});
            }
        }
        List<Integer> yLabels = new ArrayList<>();
        for (int i = SIZE - 1; i >= 0; i--) {
            yLabels.add(i);
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(640).height(600)
                .title("Receptive field: output position (" + row + ", " + col + ") of " + outSize + "x" + outSize)
                .xAxisTitle("input column").yAxisTitle("input row").build();
        chart.getStyler().setRangeColors(Viridis.colors(256));
        chart.getStyler().setMin(0);
        chart.getStyler().setMax(1);
        chart.getStyler().setShowValue(false);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.addSeries("|gradient| (normalised)", xs, yLabels, cells);
        return BitmapEncoder.getBufferedImage(chart);
    }
}
