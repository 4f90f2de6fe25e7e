package cnnlabs.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.config.DL4JSystemProperties;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The runtime applied to graphs it did not build: which layers it covers (and says why not), that it attaches
 * DL4J's oneDNN helpers itself without flipping DL4J's switch, that it turns a built or loaded graph into its fast
 * form with everything carried over, and that frozen layers stay frozen. Fails on a build without oneDNN
 * ({@code -Pnd4j-plain}): the fast path is the point.
 */
class OneDnnRuntimeTest {

    /**
     * Every kind of layer the plan decides on: a 2D convolution, a dilated one, max and padded average pooling,
     * batch norm in both layouts, ReLU and sigmoid activation layers, an addition, a dense layer and a subclass of a
     * covered layer type (somebody's own layer).
     */
    private static ComputationGraphConfiguration mixedConf() {
        return new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-3)).dataType(DataType.FLOAT)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(12, 12, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build(), "in")
                .addLayer("dilated", new ConvolutionLayer.Builder(3, 3).dilation(2, 2).nOut(4)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), "conv")
                .addLayer("bn", new BatchNormalization.Builder().build(), "dilated")
                .addLayer("relu", new ActivationLayer(Activation.RELU), "bn")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "relu", "conv")
                .addLayer("max", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build(), "add")
                .addLayer("avg", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(3, 3)
                        .stride(1, 1).convolutionMode(ConvolutionMode.Same).avgPoolIncludePadInDivisor(true).build(),
                        "max")
                .addLayer("own", new OwnConvolution(new ConvolutionLayer.Builder(1, 1).nOut(4)
                        .activation(Activation.IDENTITY)), "avg")
                .addLayer("sigmoid", new ActivationLayer(Activation.SIGMOID), "own")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "sigmoid")
                .addLayer("dense", new DenseLayer.Builder().nOut(6).activation(Activation.RELU).build(), "pool")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out").build();
    }

    /** A user's own convolution layer: a subclass of DL4J's, which the runtime must leave alone. */
    public static final class OwnConvolution extends ConvolutionLayer {
        public OwnConvolution() {
            super();
        }

        OwnConvolution(ConvolutionLayer.Builder builder) {
            super(builder);
        }
    }

    @Test
    void thePlanCoversLayersByTypeAndSaysWhyNot() {
        Assumptions.assumeTrue(OneDnnRuntime.available(), OneDnnRuntime.unavailableReason());
        RuntimePlan plan = OneDnnRuntime.plan(mixedConf());
        for (String fast : new String[] {"conv", "bn", "relu", "add", "max", "dense"}) {
            assertTrue(plan.isFast(fast), fast + ": " + plan);
        }
        Map<String, String> plain = plan.plainReasons();
        assertEquals(java.util.Set.of("dilated", "avg", "own", "sigmoid", "pool", "out"), plain.keySet());
        assertTrue(plain.get("dilated").contains("dilated"), plain.toString());
        assertTrue(plain.get("avg").contains("padding"), plain.toString());
        assertTrue(plain.get("own").contains("OwnConvolution"), plain.toString());
        assertTrue(plain.get("sigmoid").contains("sigmoid"), plain.toString());
        assertEquals(6, plan.fastCount());
        assertEquals(6, plan.plainCount());
        assertEquals("6 fast, 6 plain (DL4J's own) of 12 layers", plan.summary());

        ComputationGraphConfiguration dense = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.feedForward(8))
                .addLayer("sigmoid", new DenseLayer.Builder().nOut(4).activation(Activation.SIGMOID).build(), "in")
                .addLayer("norm", new DenseLayer.Builder().nOut(4).hasLayerNorm(true).build(), "sigmoid")
                .addLayer("out", new OutputLayer.Builder().nOut(2).build(), "norm").setOutputs("out").build();
        Map<String, String> plainDense = OneDnnRuntime.plan(dense).plainReasons();
        assertTrue(plainDense.get("sigmoid").contains("sigmoid"), plainDense.toString());
        assertTrue(plainDense.get("norm").contains("layer normalisation"), plainDense.toString());

        ComputationGraphConfiguration nhwc = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(8, 8, 3, CNN2DFormat.NHWC))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(2).dataFormat(CNN2DFormat.NHWC).build(), "in")
                .addLayer("out", new OutputLayer.Builder().nOut(2).build(), "conv").setOutputs("out").build();
        assertFalse(OneDnnRuntime.plan(nhwc).isFast("conv"), "NHWC configurations stay DL4J's");
        ComputationGraphConfiguration doubles = mixedConf();
        doubles.setDataType(DataType.DOUBLE);
        assertEquals(0, OneDnnRuntime.plan(doubles).fastCount(), "double-precision graphs stay DL4J's");
    }

    @Test
    void theLayersItCoversGetItsLayersAndTheOthersDl4jsAsDl4jBuildsThem() {
        Assumptions.assumeTrue(OneDnnRuntime.available(), OneDnnRuntime.unavailableReason());
        assertNull(System.getProperty(DL4JSystemProperties.DISABLE_HELPER_PROPERTY),
                "the tests run with DL4J's helper switch untouched");
        FastGraph graph = OneDnnRuntime.graph(mixedConf());
        assertNull(System.getProperty(DL4JSystemProperties.DISABLE_HELPER_PROPERTY), "and the runtime sets none");

        FastConvolutionLayer conv = assertInstanceOf(FastConvolutionLayer.class, graph.getLayer("conv"));
        assertInstanceOf(MKLDNNConvHelper.class, conv.getHelper(), "DL4J's oneDNN helper, attached by the runtime");
        FastBatchNormHelper bn = assertInstanceOf(FastBatchNormHelper.class, graph.getLayer("bn").getHelper());
        assertInstanceOf(MKLDNNBatchNormHelper.class, bn.fallback());
        assertInstanceOf(FastActivationLayer.class, graph.getLayer("relu"));
        assertInstanceOf(FastAddVertex.class, graph.getVertex("add"));
        assertInstanceOf(MKLDNNSubsamplingHelper.class,
                assertInstanceOf(FastSubsamplingLayer.class, graph.getLayer("max")).getHelper());
        // DL4J's own layers, created as DL4J creates them (its switch is off by default: no helper)
        for (String name : new String[] {"dilated", "avg", "own", "sigmoid"}) {
            Layer layer = graph.getLayer(name);
            assertTrue(layer.getClass().getName().startsWith("org.deeplearning4j."), name + ": " + layer.getClass());
            assertNull(layer.getHelper(), name);
        }
        assertEquals(ElementWiseVertex.class, graph.getConfiguration().getVertices().get("add").getClass(),
                "the configuration keeps DL4J's vertex");

        // the same answers as DL4J's own graph
        ComputationGraph dl4j = FastLayersTest.plain(mixedConf());
        graph.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 2, 12, 12);
        assertTrue(dl4j.outputSingle(x).equalsWithEps(graph.outputSingle(x), 1e-4));
    }

    @Test
    void openBlasRunsOnOneThreadOnceAFastGraphExistsUnlessTheUserSaysOtherwise() {
        Assumptions.assumeTrue(OneDnnRuntime.available(), OneDnnRuntime.unavailableReason());
        OneDnnRuntime.graph(FastLayersTest.residualConf());
        String env = System.getenv(OneDnnRuntime.BLAS_THREADS_ENV);
        assertEquals(env == null ? 1 : Integer.parseInt(env.trim()), OneDnnRuntime.blasThreads());
    }

    /**
     * A graph built by DL4J and trained a step becomes fast with its parameters, updater state, counters and
     * listeners; both then take the same next step. The original graph is left as it was.
     */
    @Test
    void aPlainGraphBecomesFastWithItsStateAndTrainsOnAlike() {
        ComputationGraph dl4j = FastLayersTest.plain(FastLayersTest.residualConf());
        dl4j.fit(FastLayersTest.batch(1));
        dl4j.fit(FastLayersTest.batch(2));
        FastGraph fast = OneDnnRuntime.fast(dl4j);
        assertSame(fast, OneDnnRuntime.fast(fast), "a fast graph is its own fast form");
        assertEquals(dl4j.params(), fast.params());
        assertEquals(dl4j.getUpdater().getStateViewArray(), fast.getUpdater().getStateViewArray());
        assertEquals(2, fast.getConfiguration().getIterationCount());
        assertTrue(fast.params() != dl4j.params(), "parameters copied, not shared");
        assertTrue(OneDnnRuntime.available() == (fast.getLayer("c1") instanceof FastConvolutionLayer));

        DataSet next = FastLayersTest.batch(3);
        dl4j.fit(next);
        fast.fit(next);
        double scale = dl4j.params().amaxNumber().doubleValue();
        assertTrue(dl4j.params().sub(fast.params()).amaxNumber().doubleValue() < 1e-3 * scale,
                "the same third step");
        assertInstanceOf(FastGraph.class, fast.clone());
        assertEquals(fast.params(), fast.clone().params());
    }

    /** DL4J's transfer learning freezes layers by wrapping them; the runtime runs its layer inside the wrapper. */
    @Test
    void frozenLayersStayFrozenAndFast() {
        Assumptions.assumeTrue(OneDnnRuntime.available(), OneDnnRuntime.unavailableReason());
        ComputationGraph base = FastLayersTest.plain(FastLayersTest.residualConf());
        ComputationGraph frozen = new TransferLearning.GraphBuilder(base).setFeatureExtractor("bn1").build();
        FastGraph fast = OneDnnRuntime.fast(frozen);
        assertTrue(fast.plan().isFast("c1"), fast.plan().toString());
        org.deeplearning4j.nn.layers.FrozenLayer c1 =
                assertInstanceOf(org.deeplearning4j.nn.layers.FrozenLayer.class, fast.getLayer("c1"));
        assertInstanceOf(FastConvolutionLayer.class, c1.getInsideLayer());
        INDArray before = fast.getLayer("c1").params().dup();
        INDArray headBefore = fast.getLayer("c3").params().dup();
        fast.fit(FastLayersTest.batch(4));
        fast.fit(FastLayersTest.batch(5));
        assertEquals(before, fast.getLayer("c1").params(), "a frozen layer does not move");
        assertFalse(headBefore.equals(fast.getLayer("c3").params()), "the layers after it do");
        assertNotNull(fast.getConfiguration().toJson());
    }
}
