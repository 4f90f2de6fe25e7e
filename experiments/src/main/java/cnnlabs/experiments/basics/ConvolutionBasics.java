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
import cnnlabs.run.settings.CommonSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Convolution basics: a convolution by hand next to DL4J's, output sizes, parameters, receptive fields.
 *
 * <p><b>Reproduces:</b> seed 002 §1 ("Understanding Convolutions": {@code manual_conv2d} against the library on
 * the 5x5 example and the Sobel-like kernel, {@code calc_output_size} with padding, stride and dilation, the
 * multi-channel {@code Conv2d(3, 16, 3, padding=1)}, {@code calculate_receptive_field} on the VGG-like and dilated
 * stacks), seed 001's hand convolution of the 4x4 image, and seed 004's {@code conv_out} and {@code nn.Conv2d}
 * shape examples.
 *
 * <p><b>Description:</b> computes each convolution twice, in plain Java loops and with a DL4J convolution layer
 * whose kernel is set to the example's, and checks that they are exactly equal (both compute
 * cross-correlation, the kernel is not flipped); compares the output-size formula with the shapes DL4J's
 * layers actually produce; lists weight and bias shapes and parameter counts; and grows the receptive field
 * layer by layer. Writes the tables to {@code table.md}.
 *
 * <p><b>Expected runtime:</b> a few seconds. <b>Expected result:</b> every manual/DL4J pair equal, every formula
 * size equal to DL4J's shape, receptive fields 16 (VGG-like) and 15 (dilated), as the seed prints.
 */
@AutoService(Experiment.class)
public final class ConvolutionBasics implements Experiment<CommonSettings> {

    /** Seed 002's 5x5 example image. */
    static final float[][] SEED002_IMAGE = {
            {1, 2, 3, 0, 1}, {0, 1, 2, 3, 1}, {1, 2, 1, 0, 0}, {2, 1, 0, 1, 1}, {1, 0, 1, 2, 1}};
    /** Seed 001's (and seed 002 §2's) 4x4 example, 1..16. */
    /** The Sobel-like vertical-edge kernel both seeds use. */
    static final float[][] SOBEL_X = {{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}};

    /** One convolution setting of the seeds' output-size examples. */
    record ConvSetting(String source, int input, int kernel, int padding, int stride, int dilation) {

        /** The seeds' formula: floor((in + 2 pad - dilation (k - 1) - 1) / stride) + 1. */
        int formula() {
            return Math.floorDiv(input + 2 * padding - dilation * (kernel - 1) - 1, stride) + 1;
        }
    }

    static final List<ConvSetting> SIZE_SETTINGS = List.of(
            new ConvSetting("seed 002 calc_output_size", 32, 3, 0, 1, 1),
            new ConvSetting("seed 002 calc_output_size (same padding)", 32, 3, 1, 1, 1),
            new ConvSetting("seed 002 calc_output_size (downsampling)", 32, 3, 1, 2, 1),
            new ConvSetting("seed 002 calc_output_size (dilated)", 32, 3, 2, 1, 2),
            new ConvSetting("seed 002 visualize_conv_params", 8, 3, 0, 1, 1),
            new ConvSetting("seed 002 visualize_conv_params", 8, 3, 1, 1, 1),
            new ConvSetting("seed 002 visualize_conv_params", 8, 3, 1, 2, 1),
            new ConvSetting("seed 002 visualize_conv_params", 8, 3, 2, 1, 2),
            new ConvSetting("seed 004 conv_out(32, 3, 2, 1)", 32, 3, 1, 2, 1),
            new ConvSetting("seed 004 Conv2d(3, 16, 3, padding=1)", 64, 3, 1, 1, 1),
            new ConvSetting("seed 004 Conv2d(3, 32, 5, stride=2, padding=2)", 64, 5, 2, 2, 1),
            new ConvSetting("seed 004 Conv2d(3, 8, kernel_size=1)", 64, 1, 0, 1, 1),
            new ConvSetting("seed 001 4x4 image, 3x3 kernel", 4, 3, 0, 1, 1));

    /** A multi-channel convolution of the seeds: channels in and out, kernel, stride, padding, bias. */
    record MultiChannel(String source, int in, int out, int kernel, int stride, int padding, boolean bias, int size) {
    }

    static final List<MultiChannel> MULTI_CHANNEL = List.of(
            new MultiChannel("seed 002 Conv2d(3, 16, 3, padding=1)", 3, 16, 3, 1, 1, true, 32),
            new MultiChannel("seed 004 Conv2d(3, 16, 3, padding=1, bias=False)", 3, 16, 3, 1, 1, false, 64),
            new MultiChannel("seed 004 Conv2d(3, 32, 5, stride=2, padding=2)", 3, 32, 5, 2, 2, true, 64),
            new MultiChannel("seed 004 Conv2d(3, 8, kernel_size=1)", 3, 8, 1, 1, 0, true, 64));

    static final List<RfLayer> VGG_LIKE = List.of(new RfLayer("conv 3x3", 3, 1, 1), new RfLayer("conv 3x3", 3, 1, 1),
            new RfLayer("pool 2x2/2", 2, 2, 1), new RfLayer("conv 3x3", 3, 1, 1), new RfLayer("conv 3x3", 3, 1, 1),
            new RfLayer("pool 2x2/2", 2, 2, 1));
    static final List<RfLayer> DILATED = List.of(new RfLayer("conv 3x3, dilation 1", 3, 1, 1),
            new RfLayer("conv 3x3, dilation 2", 3, 1, 2), new RfLayer("conv 3x3, dilation 4", 3, 1, 4));

    @Override
    public String name() {
        return "ConvolutionBasics";
    }

    @Override
    public String description() {
        return "Seeds 001/002/004: convolution by hand vs DL4J, output sizes, parameters, receptive fields";
    }


    @Override
    public CommonSettings defaults() {
        return CommonSettings.DEFAULTS;
    }

    /**
     * Seed 002 {@code manual_conv2d}: no padding, stride 1, each output the sum of the patch times the kernel
     * (cross-correlation: the kernel is not flipped, as every deep-learning library computes it).
     */
    static float[][] manualConv2d(float[][] image, float[][] kernel) {
        int outH = image.length - kernel.length + 1;
        int outW = image[0].length - kernel[0].length + 1;
        float[][] out = new float[outH][outW];
        for (int i = 0; i < outH; i++) {
            for (int j = 0; j < outW; j++) {
                float sum = 0;
                for (int u = 0; u < kernel.length; u++) {
                    for (int v = 0; v < kernel[0].length; v++) {
                        sum += image[i + u][j + v] * kernel[u][v];
                    }
                }
                out[i][j] = sum;
            }
        }
        return out;
    }

    /** The same convolution through a DL4J convolution layer (one filter, no bias) whose weights are the kernel. */
    static float[][] dl4jConv2d(Engine engine, float[][] image, float[][] kernel) {
        GraphBlocks g = GraphBlocks.pytorch(BuildOptions.defaults(), new InputShape(1, image.length, image[0].length));
        ComputationGraph graph = engine.init("conv", g.build(g.conv2d("conv", GraphBlocks.INPUT, 1, kernel.length, 1, 0,
                false)));
        graph.getLayer("conv").setParam("W", Nd4j.create(kernel).reshape(1, 1, kernel.length, kernel[0].length));
        INDArray out = graph.outputSingle(Nd4j.create(image).reshape(1, 1, image.length, image[0].length));
        return out.reshape(out.size(2), out.size(3)).toFloatMatrix();
    }

    /** The output size DL4J's convolution layer produces for {@code s}, measured by running it. */
    static int dl4jOutputSize(Engine engine, ConvSetting s) {
        GraphBlocks g = GraphBlocks.pytorch(BuildOptions.defaults(), new InputShape(1, s.input(), s.input()));
        ComputationGraph graph = engine.init("conv " + s, g.build(
                g.conv2d("conv", GraphBlocks.INPUT, 1, s.kernel(), s.stride(), s.padding(), s.dilation(), true)));
        long[] shape = graph.outputSingle(Nd4j.zeros(DataType.FLOAT, 1, 1, s.input(), s.input())).shape();
        if (shape[2] != shape[3]) {
            throw new IllegalStateException("square input gave a non-square output " + Arrays.toString(shape));
        }
        return (int) shape[2];
    }

    /**
     * What {@code summary.json} holds.
     *
     * @param manualEqualsDl4j the hand-written convolution equals DL4J's on every example
     * @param outputSizesMatch the output-size formula matches DL4J's shapes for every setting
     */
    public record Summary(boolean manualEqualsDl4j, boolean outputSizesMatch, List<ChannelRow> multiChannel,
                          int vggLikeReceptiveField, int dilatedReceptiveField) {
    }

    /** One multi-channel layer: its parameters and its output shape for a batch of 4. */
    public record ChannelRow(String layer, long params, long[] outputShape) {
    }

    @Override
    public ExperimentResult run(ExperimentContext<CommonSettings> ctx) {
        StringBuilder md = new StringBuilder("# Convolution basics (seeds 001, 002, 004)\n\n");

        md.append("## A convolution by hand and with DL4J\n\n")
                .append("Valid convolution (no padding, stride 1) with the Sobel-like kernel ")
                .append(ConvolutionArithmetic.matrix(SOBEL_X)).append(". Manual: seed 002's `manual_conv2d` in plain Java loops. DL4J: a ")
                .append("convolution layer with that kernel as its weights. Both compute cross-correlation.\n\n");
        MarkdownTable conv = new MarkdownTable("Input", "Manual output", "DL4J output", "Exactly equal");
        boolean allEqual = true;
        for (Object[] example : new Object[][] {{"seed 002 5x5 " + ConvolutionArithmetic.matrix(SEED002_IMAGE), SEED002_IMAGE},
                {"seed 001 4x4 " + ConvolutionArithmetic.matrix(ConvolutionArithmetic.COUNTING_4X4), ConvolutionArithmetic.COUNTING_4X4}}) {
            float[][] image = (float[][]) example[1];
            float[][] manual = manualConv2d(image, SOBEL_X);
            float[][] dl4j = dl4jConv2d(ctx.engine(), image, SOBEL_X);
            boolean equal = Arrays.deepEquals(manual, dl4j);
            allEqual &= equal;
            conv.row(example[0], ConvolutionArithmetic.matrix(manual), ConvolutionArithmetic.matrix(dl4j), equal ? "yes" : "**NO**");
        }
        md.append(conv).append('\n');
        ctx.console().println("Manual convolution equals DL4J's: " + allEqual);

        md.append("## Output size: the formula against DL4J's shapes\n\n")
                .append("out = floor((in + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1, against the size DL4J's ")
                .append("convolution layer (explicit padding, dilation) produces on a square input.\n\n");
        MarkdownTable sizes = new MarkdownTable("Setting", "In", "Kernel", "Padding", "Stride", "Dilation", "Formula",
                "DL4J", "Match");
        boolean sizesMatch = true;
        for (ConvSetting s : SIZE_SETTINGS) {
            int measured = dl4jOutputSize(ctx.engine(), s);
            boolean match = measured == s.formula();
            sizesMatch &= match;
            sizes.row(s.source(), s.input(), s.kernel(), s.padding(), s.stride(), s.dilation(), s.formula(), measured,
                    match ? "yes" : "**NO**");
        }
        md.append(sizes).append('\n');
        ctx.console().println("Output-size formula matches DL4J's shapes: " + sizesMatch);

        md.append("## Multi-channel convolutions: weights, biases, parameters\n\n")
                .append("Each output channel has one kernel per input channel plus one bias: params = out · (in · k · k + 1) ")
                .append("(without the +1 when there is no bias). Shapes as DL4J stores them: weights (out, in, kH, kW), ")
                .append("as PyTorch's `conv.weight`.\n\n");
        MarkdownTable channels = new MarkdownTable("Layer", "Weight shape", "Bias shape", "Parameters", "Arithmetic",
                "Output for a batch of 4");
        List<ChannelRow> channelRows = new ArrayList<>();
        for (MultiChannel m : MULTI_CHANNEL) {
            GraphBlocks g = GraphBlocks.pytorch(BuildOptions.defaults(), new InputShape(m.in(), m.size(), m.size()));
            ComputationGraph graph = ctx.engine().init("conv " + m, g.build(
                    g.conv2d("conv", GraphBlocks.INPUT, m.out(), m.kernel(), m.stride(), m.padding(), m.bias())));
            Map<String, INDArray> params = graph.getLayer("conv").paramTable();
            long[] out = graph.outputSingle(Nd4j.rand(DataType.FLOAT, 4, m.in(), m.size(), m.size())).shape();
            String arithmetic = m.out() + " · (" + m.in() + " · " + m.kernel() + " · " + m.kernel() + (m.bias() ? " + 1" : "")
                    + ") = " + (long) m.out() * (m.in() * m.kernel() * m.kernel() + (m.bias() ? 1 : 0));
            channels.row(m.source(), Arrays.toString(params.get("W").shape()),
                    m.bias() ? Arrays.toString(params.get("b").shape()) : "none", MarkdownTable.count(graph.numParams()),
                    arithmetic, Arrays.toString(out));
            channelRows.add(new ChannelRow(m.source(), graph.numParams(), out));
        }
        md.append(channels).append('\n');

        md.append("## Receptive field\n\n")
                .append("rf grows by dilation·(kernel − 1) times the product of the strides before the layer ")
                .append("(seed 002 `calculate_receptive_field`).\n\n");
        List<Integer> totals = new ArrayList<>();
        for (Object[] stack : new Object[][] {{"VGG-like stack", VGG_LIKE}, {"Dilated stack", DILATED}}) {
            @SuppressWarnings("unchecked")
            List<RfLayer> layers = (List<RfLayer>) stack[1];
            int[] fields = ConvolutionArithmetic.receptiveFields(layers);
            MarkdownTable rf = new MarkdownTable("Layer", "Kernel", "Stride", "Dilation", "Receptive field after it");
            for (int i = 0; i < layers.size(); i++) {
                RfLayer l = layers.get(i);
                rf.row(l.name(), l.kernel(), l.stride(), l.dilation(), fields[i]);
            }
            int total = fields[fields.length - 1];
            md.append("**").append(stack[0]).append("**: receptive field ").append(total).append("\n\n").append(rf).append('\n');
            totals.add(total);
            ctx.console().println(stack[0] + " receptive field: " + total);
        }
        String table = md.toString();
        ctx.run().table(table);
        return new ExperimentResult(new Summary(allEqual, sizesMatch, channelRows, totals.get(0), totals.get(1)), table);
    }

}
