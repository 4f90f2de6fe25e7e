package cnnlabs.architectures.vertices;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.GraphBlocks;
import cnnlabs.architectures.InputShape;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The custom vertices: values against hand computation, gradients against finite differences (DL4J's
 * GradientCheckUtil, in double precision), and a save/restore round trip of a graph that uses them.
 */
class VerticesTest {

    private static DataType previous;

    @BeforeAll
    static void doublePrecision() {
        previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restorePrecision() {
        Nd4j.setDefaultDataTypes(previous, previous);
    }

    private static BuildOptions doubles() {
        return BuildOptions.defaults().withUpdater(new NoOp()).withDataType(DataType.DOUBLE);
    }

    /** input (4x6x6) -> conv 3x3 (padding 1, 5 channels) -> [SE: pool, linear 5 -> 2, ReLU, linear 2 -> 5, sigmoid, scale] -> MSE. */
    private static ComputationGraph seGraph() {
        GraphBlocks g = GraphBlocks.pytorch(doubles(), new InputShape(4, 6, 6));
        String x = g.conv2d("conv", GraphBlocks.INPUT, 5, 3, 1, 1, true);
        String s = g.globalAvgPool("squeeze", x);
        s = g.relu("relu", g.linear("fc1", s, 2, true));
        s = g.activation("sigmoid", g.linear("fc2", s, 5, true), Activation.SIGMOID);
        String scaled = g.channelScale("scale", x, s);
        g.builder().addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                .activation(Activation.IDENTITY).build(), scaled);
        ComputationGraph graph = new ComputationGraph(g.build("loss"));
        graph.init();
        return graph;
    }

    @Test
    void channelScaleGradientsMatchFiniteDifferences() {
        ComputationGraph graph = seGraph();
        Nd4j.getRandom().setSeed(12);
        assertGradientsMatchFiniteDifferences(graph, Nd4j.randn(DataType.DOUBLE, 3, 4, 6, 6),
                Nd4j.randn(DataType.DOUBLE, 3, 5, 6, 6));
    }

    private static void assertGradientsMatchFiniteDifferences(ComputationGraph graph, INDArray input, INDArray labels) {
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(graph)
                .inputs(new INDArray[] {input}).labels(new INDArray[] {labels})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).exitOnFirstError(true));
        assertTrue(ok, "analytic and numerical gradients differ");
    }

    @Test
    void adaptivePoolGradientsMatchFiniteDifferences() {
        GraphBlocks g = GraphBlocks.pytorch(doubles(), new InputShape(2, 7, 9));
        String x = g.conv2d("conv", GraphBlocks.INPUT, 3, 3, 1, 1, true);
        x = g.adaptiveAvgPool("pool", x, 3, 4);   // uneven, overlapping windows
        g.builder().addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                .activation(Activation.IDENTITY).build(), x);
        ComputationGraph graph = new ComputationGraph(g.build("loss"));
        graph.init();
        Nd4j.getRandom().setSeed(3);
        assertGradientsMatchFiniteDifferences(graph, Nd4j.randn(DataType.DOUBLE, 2, 2, 7, 9),
                Nd4j.randn(DataType.DOUBLE, 2, 3, 3, 4));
    }

    @Test
    void adaptivePoolWindowsArePyTorchs() {
        // 37 -> 7: start floor(i*37/7), end ceil((i+1)*37/7)
        int[] starts = new int[7];
        int[] ends = new int[7];
        for (int i = 0; i < 7; i++) {
            starts[i] = AdaptiveAvgPoolVertex.windowStart(i, 37, 7);
            ends[i] = AdaptiveAvgPoolVertex.windowEnd(i, 37, 7);
        }
        assertArrayEquals(new int[] {0, 5, 10, 15, 21, 26, 31}, starts);
        assertArrayEquals(new int[] {6, 11, 16, 22, 27, 32, 37}, ends);
    }

    @Test
    void adaptivePoolAveragesEachWindow() {
        GraphBlocks g = GraphBlocks.pytorch(doubles(), new InputShape(1, 5, 5));
        ComputationGraph graph = new ComputationGraph(g.build(g.adaptiveAvgPool("pool", GraphBlocks.INPUT, 2, 2)));
        graph.init();
        INDArray input = Nd4j.arange(25).castTo(DataType.DOUBLE).reshape(1, 1, 5, 5);

        INDArray out = graph.outputSingle(input);

        // windows rows/cols [0, 3) and [2, 5): e.g. the top-left mean of 0,1,2,5,6,7,10,11,12 = 6
        assertArrayEquals(new double[] {6, 8, 16, 18}, out.reshape(4).toDoubleVector(), 1e-12);
    }

    @Test
    void graphsWithCustomVerticesSaveAndRestore(@TempDir java.nio.file.Path dir) throws Exception {
        ComputationGraph graph = seGraph();
        java.io.File file = dir.resolve("se.zip").toFile();
        ModelSerializer.writeModel(graph, file, false);

        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, false);

        assertEquals(graph.getConfiguration().toJson(), restored.getConfiguration().toJson());
        INDArray input = Nd4j.randn(DataType.DOUBLE, 2, 4, 6, 6);
        assertEquals(graph.outputSingle(input), restored.outputSingle(input));
    }
}
