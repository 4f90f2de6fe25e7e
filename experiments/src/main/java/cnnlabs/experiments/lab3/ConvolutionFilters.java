package cnnlabs.experiments.lab3;

import com.google.auto.service.AutoService;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.GraphBlocks;
import cnnlabs.architectures.InputShape;
import cnnlabs.datasets.Datasets;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.run.Engine;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.experiments.common.ConvolutionArithmetic;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.run.plots.ImageGrid;
import cnnlabs.run.settings.CommonSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.Pad;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Classic convolution filters on an MNIST digit, and one input under four convolution settings.
 *
 * <p><b>Reproduces:</b> Lab 3 (seed 003) Part 1 "Understanding Convolutions": the vertical-edge, horizontal-edge,
 * blur and sharpen kernels applied to the first MNIST training digit with
 * {@code scipy.signal.convolve2d(image, kernel, mode='same', boundary='symm')}, in the lab's 2x3 grid; and seed
 * 002 §1.2's {@code visualize_conv_params} panel (k3 p0 s1; k3 p1 s1; k3 p1 s2; k3 p2 s1 d2 on an 8x8 input,
 * output sizes in the titles).
 *
 * <p><b>Description:</b> runs each filter through a DL4J convolution layer: the digit is padded by one pixel
 * with ND4J's symmetric padding (scipy's {@code 'symm'}: the edge row or column repeated), and the layer's weights
 * are the kernel rotated by 180 degrees, because {@code convolve2d} computes a true convolution while DL4J, like
 * every deep-learning library, computes cross-correlation. Writes {@code filters.png},
 * {@code conv-settings.png} and the table of output ranges and sizes.
 *
 * <p><b>Expected runtime:</b> a few seconds (MNIST is fetched on first use). <b>Expected result:</b> the lab's
 * figure: edges where the stroke starts and ends, a blurred and a sharpened digit; output sizes 6, 8, 4, 8.
 */
@AutoService(Experiment.class)
public final class ConvolutionFilters implements Experiment<CommonSettings> {

    /** The lab's four filters, as written in the lab ({@code convolve2d} orientation). */
    static final Map<String, double[][]> FILTERS = filters();

    private static Map<String, double[][]> filters() {
        Map<String, double[][]> f = new LinkedHashMap<>();
        f.put("Vertical Edge", new double[][] {{-1, 0, 1}, {-1, 0, 1}, {-1, 0, 1}});
        f.put("Horizontal Edge", new double[][] {{-1, -1, -1}, {0, 0, 0}, {1, 1, 1}});
        double ninth = 1.0 / 9;
        f.put("Blur", new double[][] {{ninth, ninth, ninth}, {ninth, ninth, ninth}, {ninth, ninth, ninth}});
        f.put("Sharpen", new double[][] {{0, -1, 0}, {-1, 5, -1}, {0, -1, 0}});
        return java.util.Collections.unmodifiableMap(f);
    }

    /** Seed 002's four settings: kernel, padding, stride, dilation. */
    static final int[][] SETTINGS = {{3, 0, 1, 1}, {3, 1, 1, 1}, {3, 1, 2, 1}, {3, 2, 1, 2}};

    @Override
    public String name() {
        return "ConvolutionFilters";
    }

    @Override
    public String description() {
        return "Lab 3 Part 1: edge, blur and sharpen filters on an MNIST digit; seed 002's conv-settings panel";
    }


    @Override
    public CommonSettings defaults() {
        return CommonSettings.DEFAULTS;
    }

    /**
     * {@code convolve2d(image, kernel, mode='same', boundary='symm')} through DL4J: symmetric padding by
     * kernel/2, then a valid cross-correlation with the kernel rotated by 180 degrees (a true convolution).
     */
    static double[][] convolveSameSymmetric(Engine engine, double[][] image, double[][] kernel) {
        int k = kernel.length;
        int pad = k / 2;
        INDArray input = Nd4j.create(image).castTo(DataType.FLOAT).reshape(1, 1, image.length, image[0].length);
        INDArray padded = Nd4j.pad(input, new int[][] {{0, 0}, {0, 0}, {pad, pad}, {pad, pad}}, Pad.Mode.SYMMETRIC, 0);
        GraphBlocks g = GraphBlocks.pytorch(BuildOptions.defaults(), new InputShape(1, (int) padded.size(2), (int) padded.size(3)));
        ComputationGraph graph = engine.init("filter", g.build(g.conv2d("conv", GraphBlocks.INPUT, 1, k, 1, 0, false)));
        double[][] flipped = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                flipped[i][j] = kernel[k - 1 - i][k - 1 - j];
            }
        }
        graph.getLayer("conv").setParam("W", Nd4j.create(flipped).castTo(DataType.FLOAT).reshape(1, 1, k, k));
        INDArray out = graph.outputSingle(padded);
        return out.reshape(out.size(2), out.size(3)).castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    /** Image {@code index} of {@code data}'s first channel, scaled to [0, 1] ({@code X_train[0] / 255.0}). */
    static double[][] image(ImageDataset data, int index) {
        double[][] out = new double[data.height()][data.width()];
        for (int y = 0; y < data.height(); y++) {
            for (int x = 0; x < data.width(); x++) {
                out[y][x] = data.pixel(index, 0, y, x) / 255.0;
            }
        }
        return out;
    }

    /**
     * What {@code summary.json} holds.
     *
     * @param outputRanges            each filter's output (min, max) on the digit, by filter
     * @param convSettingsOutputSizes the output size of the 8x8 input under each of the four settings
     */
    public record Summary(Map<String, double[]> outputRanges, List<Integer> convSettingsOutputSizes) {
    }

    @Override
    public ExperimentResult run(ExperimentContext<CommonSettings> ctx) {
        ImageDataset train = Datasets.MNIST.loadTrain(ctx.dataDir());
        double[][] digit = image(train, 0);
        List<ImageGrid.Panel> panels = new ArrayList<>();
        panels.add(new ImageGrid.Panel("Original Image", digit));
        MarkdownTable table = new MarkdownTable("Filter", "Kernel (as in the lab)", "Output min", "Output max");
        Map<String, double[]> ranges = new LinkedHashMap<>();
        for (Map.Entry<String, double[][]> f : FILTERS.entrySet()) {
            double[][] filtered = convolveSameSymmetric(ctx.engine(), digit, f.getValue());
            panels.add(new ImageGrid.Panel(f.getKey() + " Detection", filtered));
            double[] range = ImageGrid.range(filtered);
            table.row(f.getKey(), kernelText(f.getValue()), MarkdownTable.f4(range[0]), MarkdownTable.f4(range[1]));
            ranges.put(f.getKey(), range);
        }
        panels.add(new ImageGrid.Panel("", null));
        ctx.run().picture("filters.png", ImageGrid.render("Convolution filters on the first MNIST training digit (label "
                + train.label(0) + ")", panels, 3, 224, ImageGrid.ColorMap.GRAY));

        Nd4j.getRandom().setSeed(ctx.common().seed());
        INDArray x = Nd4j.randn(DataType.FLOAT, 1, 1, 8, 8);
        List<ImageGrid.Panel> settings = new ArrayList<>();
        settings.add(new ImageGrid.Panel("Input (8, 8)", x.reshape(8, 8).castTo(DataType.DOUBLE).toDoubleMatrix()));
        MarkdownTable sizes = new MarkdownTable("Kernel", "Padding", "Stride", "Dilation", "Output size");
        List<Integer> outSizes = new ArrayList<>();
        for (int[] s : SETTINGS) {
            GraphBlocks g = GraphBlocks.pytorch(BuildOptions.defaults().withSeed(ctx.common().seed()), new InputShape(1, 8, 8));
            ComputationGraph graph = ctx.engine().init("conv " + Arrays.toString(s),
                    g.build(g.conv2d("conv", GraphBlocks.INPUT, 1, s[0], s[2], s[1], s[3], true)));
            INDArray out = graph.outputSingle(x);
            int h = (int) out.size(2);
            int w = (int) out.size(3);
            outSizes.add(h);
            settings.add(new ImageGrid.Panel(String.format(Locale.ROOT, "k=%d p=%d s=%d d=%d (%d, %d)", s[0], s[1], s[2], s[3], h, w),
                    out.reshape(h, w).castTo(DataType.DOUBLE).toDoubleMatrix()));
            sizes.row(s[0], s[1], s[2], s[3], h + "x" + w);
        }
        ctx.run().picture("conv-settings.png", ImageGrid.render("One input under four convolution settings (seed 002 §1.2)",
                settings, 5, 192, ImageGrid.ColorMap.VIRIDIS));

        String text = "# Convolution filters (Lab 3 Part 1, seed 002 §1.2)\n\n"
                + "The lab's filters on the first MNIST training digit, through a DL4J convolution layer with "
                + "`convolve2d(..., mode='same', boundary='symm')` semantics (symmetric padding, kernel rotated by 180° "
                + "because DL4J computes cross-correlation): `filters.png`.\n\n" + table
                + "\nSeed 002's panel, a random 8x8 input under four settings (random weights, seed "
                + ctx.common().seed() + "): `conv-settings.png`.\n\n" + sizes;
        ctx.run().table(text);
        return new ExperimentResult(new Summary(ranges, outSizes), text);
    }


    private static String kernelText(double[][] k) {
        float[][] f = new float[k.length][k[0].length];
        for (int i = 0; i < k.length; i++) {
            for (int j = 0; j < k[0].length; j++) {
                f[i][j] = (float) k[i][j];
            }
        }
        return k[0][0] == 1.0 / 9 ? "ones(3, 3) / 9" : ConvolutionArithmetic.matrix(f);
    }

}
