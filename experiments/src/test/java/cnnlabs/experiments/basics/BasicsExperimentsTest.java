package cnnlabs.experiments.basics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnlabs.run.Engine;
import cnnlabs.experiments.common.ConvolutionArithmetic;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fundamentals experiments' pieces against the values the seeds print (and PyTorch 1.13 computes), through the
 * oneDNN runtime and through plain DL4J alike.
 */
class BasicsExperimentsTest {

    private static final List<Engine> ENGINES = List.of(Engine.fast(), Engine.plain());

    @Test
    void manualConvolutionEqualsDl4jExactlyAndPyTorchsValues() {
        float[][] manual = ConvolutionBasics.manualConv2d(ConvolutionBasics.SEED002_IMAGE, ConvolutionBasics.SOBEL_X);
        // F.conv2d(image, kernel) in PyTorch 1.13
        float[][] pytorch = {{6, 0, -5}, {0, -2, -2}, {-4, 0, 1}};
        assertArrayEquals(pytorch, manual);
        for (Engine engine : ENGINES) {
            assertArrayEquals(manual, ConvolutionBasics.dl4jConv2d(engine, ConvolutionBasics.SEED002_IMAGE,
                    ConvolutionBasics.SOBEL_X));
            assertArrayEquals(new float[][] {{8, 8}, {8, 8}},
                    ConvolutionBasics.dl4jConv2d(engine, ConvolutionArithmetic.COUNTING_4X4, ConvolutionBasics.SOBEL_X));
        }
    }

    @Test
    void manualConvolutionIsCrossCorrelationNotFlipped() {
        // a single bright pixel in the middle of a 3x3 image, an asymmetric kernel: the output is the kernel's centre
        // weight for valid 3x3, so use a 5x5 image and read the 3x3 output, which is the kernel rotated by 180 degrees
        float[][] image = new float[5][5];
        image[2][2] = 1;
        float[][] kernel = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
        float[][] out = ConvolutionBasics.manualConv2d(image, kernel);
        assertArrayEquals(new float[][] {{9, 8, 7}, {6, 5, 4}, {3, 2, 1}}, out);
        for (Engine engine : ENGINES) {
            assertArrayEquals(out, ConvolutionBasics.dl4jConv2d(engine, image, kernel));
        }
    }

    @Test
    void everyOutputSizeSettingMatchesDl4j() {
        for (ConvolutionBasics.ConvSetting s : ConvolutionBasics.SIZE_SETTINGS) {
            for (Engine engine : ENGINES) {
                assertEquals(s.formula(), ConvolutionBasics.dl4jOutputSize(engine, s), s.toString());
            }
        }
        assertEquals(16, new ConvolutionBasics.ConvSetting("x", 32, 3, 1, 2, 1).formula());
    }

    @Test
    void receptiveFieldsAreTheSeeds() {
        int[] vgg = ConvolutionArithmetic.receptiveFields(ConvolutionBasics.VGG_LIKE);
        int[] dilated = ConvolutionArithmetic.receptiveFields(ConvolutionBasics.DILATED);
        assertArrayEquals(new int[] {3, 5, 6, 10, 14, 16}, vgg);
        assertArrayEquals(new int[] {3, 7, 15}, dilated);
    }

    @Test
    void maxPoolIndicesAndUnpoolingArePyTorchs() {
        for (Engine engine : ENGINES) {
            maxPoolIndicesAndUnpoolingArePyTorchs(engine);
        }
    }

    private static void maxPoolIndicesAndUnpoolingArePyTorchs(Engine engine) {
        INDArray[] pooled = PoolingBasics.maxPoolWithIndices(engine, PoolingBasics.example(), 2);
        assertArrayEquals(new double[] {6, 8, 14, 16}, pooled[0].reshape(4).toDoubleVector());
        assertArrayEquals(new long[] {5, 7, 13, 15}, pooled[1].reshape(4).toLongVector());

        INDArray unpooled = PoolingBasics.unpool(pooled[0], pooled[1], 4, 4);
        assertArrayEquals(new double[] {0, 0, 0, 0, 0, 6, 0, 8, 0, 0, 0, 0, 0, 14, 0, 16},
                unpooled.reshape(16).toDoubleVector());
        assertEquals(unpooled, PoolingBasics.unpoolByBackprop(engine, PoolingBasics.example(), pooled[0], 2));
    }

    @Test
    void indicesCountWithinEachChannelPlane() {
        // two channels: the second is the first plus 100, so its maxima sit at the same plane positions
        INDArray x = Nd4j.concat(1, PoolingBasics.example(), PoolingBasics.example().add(100));
        INDArray[] pooled = PoolingBasics.maxPoolWithIndices(Engine.fast(), x, 2);
        assertEquals(List.of(5L, 7L, 13L, 15L, 5L, 7L, 13L, 15L),
                java.util.Arrays.stream(pooled[1].reshape(8).toLongVector()).boxed().toList());
        INDArray unpooled = PoolingBasics.unpool(pooled[0], pooled[1], 4, 4);
        assertEquals(116.0, unpooled.getDouble(0, 1, 3, 3));
        assertEquals(0.0, unpooled.getDouble(0, 1, 0, 0));
    }

    @Test
    void adaptivePoolingOfTheCountingPlaneMatchesPyTorch() {
        // F.adaptive_avg_pool2d(arange(37*41).reshape(1,1,37,41), 7)[0,0,:2,:3] in PyTorch 1.13
        INDArray x = Nd4j.arange(37 * 41).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).reshape(1, 1, 37, 41);
        INDArray out = PoolingBasics.pool(Engine.fast(), x, (g, in) -> g.adaptiveAvgPool("pool", in, 7, 7));
        double[][] expected = {{105.0, 110.5, 116.5}, {310.0, 315.5, 321.5}};
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(expected[i][j], out.getDouble(0, 0, i, j), 1e-3);
            }
        }
        double[][] byHand = PoolingBasics.adaptiveAverageByHand(x.slice(0).slice(0), 7, 7);
        assertEquals(expected[1][2], byHand[1][2], 1e-9);
    }
}
