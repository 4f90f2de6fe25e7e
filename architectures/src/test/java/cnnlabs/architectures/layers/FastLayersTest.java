package cnnlabs.architectures.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.architectures.NativeHelpers;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.GaussianNoise;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The drop-in layers give DL4J's own answers: a small residual graph built once from DL4J's layers and once from
 * cnnlabs' (same parameters) has the same loss, the same gradient for every parameter, the same batch-norm moving
 * statistics and the same parameters after a few SGD steps (Adam would turn the float
 * rounding noise of a gradient that is zero in exact arithmetic, a convolution bias before batch norm, into full-size
 * steps); and the faster paths are really taken.
 */
class FastLayersTest {

    @BeforeAll
    static void helpersOn() {
        NativeHelpers.enable();
    }

    private interface Layers {
        Layer conv(int filters, Activation activation);

        Layer bn(boolean logStd);

        Layer activation(Activation activation);
    }

    private static final Layers DL4J = new Layers() {
        public Layer conv(int filters, Activation activation) {
            return new ConvolutionLayer.Builder(3, 3).nOut(filters).convolutionMode(ConvolutionMode.Same)
                    .activation(activation).build();
        }

        public Layer bn(boolean logStd) {
            return new BatchNormalization.Builder().decay(0.9).eps(1e-3).useLogStd(logStd).build();
        }

        public Layer activation(Activation activation) {
            return new ActivationLayer.Builder().activation(activation).build();
        }
    };

    private static final Layers FAST = new Layers() {
        public Layer conv(int filters, Activation activation) {
            return new FastConvolutionLayer(new ConvolutionLayer.Builder(3, 3).nOut(filters)
                    .convolutionMode(ConvolutionMode.Same).activation(activation));
        }

        public Layer bn(boolean logStd) {
            FastBatchNormalization bn = new FastBatchNormalization(0.9, 1e-3);
            bn.setUseLogStd(logStd);
            return bn;
        }

        public Layer activation(Activation activation) {
            return new FastActivationLayer(activation);
        }
    };

    /**
     * conv(relu) -> conv(identity) -> bn -> add(conv1) -> relu -> conv(tanh) -> bn(log std) -> tanh -> avg -> softmax.
     */
    private static ComputationGraph graph(Layers layers) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).updater(new Sgd(0.05))
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(10, 10, 3))
                .addLayer("c1", layers.conv(8, Activation.RELU), "in")
                .addLayer("c2", layers.conv(8, Activation.IDENTITY), "c1")
                .addLayer("bn1", layers.bn(false), "c2")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "bn1", "c1")
                .addLayer("relu", layers.activation(Activation.RELU), "add")
                .addLayer("c3", layers.conv(6, Activation.TANH), "relu")
                .addLayer("bn2", layers.bn(true), "c3")
                .addLayer("tanh", layers.activation(Activation.TANH), "bn2")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "tanh")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
        return NativeHelpers.init(conf);
    }

    private static DataSet batch(long seed) {
        return batch(seed, 3);
    }

    private static DataSet batch(long seed, int channels) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.FLOAT, 16, channels, 10, 10);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 4);
        for (int i = 0; i < 16; i++) {
            y.putScalar(i, (i * 7) % 4, 1.0);
        }
        return new DataSet(x, y);
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= tolerance * scale, what + ": max difference " + diff + " (scale " + scale + ")");
    }

    /** One training step's loss and every parameter's gradient on {@code data}: the fast graph's equal DL4J's. */
    private static void assertSameScoreAndGradients(ComputationGraph dl4j, ComputationGraph fast, DataSet data) {
        for (ComputationGraph g : new ComputationGraph[] {dl4j, fast}) {
            g.setInputs(data.getFeatures());
            g.setLabels(data.getLabels());
            g.computeGradientAndScore();
        }
        assertEquals(dl4j.score(), fast.score(), 1e-5);
        Map<String, INDArray> expected = dl4j.gradient().gradientForVariable();
        Map<String, INDArray> actual = fast.gradient().gradientForVariable();
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            assertClose(expected.get(name), actual.get(name), 1e-3, "gradient of " + name);
        }
    }

    @Test
    void sameLossGradientsStatisticsAndTrainingAsDl4jsLayers() {
        ComputationGraph dl4j = graph(DL4J);
        ComputationGraph fast = graph(FAST);
        fast.setParams(dl4j.params().dup());
        assertSameScoreAndGradients(dl4j, fast, batch(1));

        for (int step = 0; step < 5; step++) {
            DataSet d = batch(10 + step);
            dl4j.fit(d);
            fast.fit(d);
        }
        for (String layer : new String[] {"c1", "c2", "c3", "bn1", "bn2"}) {
            for (var e : dl4j.getLayer(layer).paramTable().entrySet()) {
                assertClose(e.getValue(), fast.getLayer(layer).getParam(e.getKey()), 1e-3, layer + "." + e.getKey()
                        + " after 5 steps");
            }
        }
        INDArray x = batch(99).getFeatures();
        assertClose(dl4j.outputSingle(x), fast.outputSingle(x), 1e-3, "inference output after training");
    }

    @Test
    void theFastPathsAreTaken() {
        org.junit.jupiter.api.Assumptions.assumeTrue(NativeHelpers.oneDnnAttached(), "oneDNN helpers not attached");
        ComputationGraph fast = graph(FAST);
        fast.fit(batch(1));
        fast.fit(batch(2));
        var bn = (org.deeplearning4j.nn.layers.normalization.BatchNormalization) fast.getLayer("bn1");
        FastBatchNormHelper helper = assertInstanceOf(FastBatchNormHelper.class, bn.getHelper());
        assertInstanceOf(MKLDNNBatchNormHelper.class, helper.fallback());
        assertEquals(2, ((FastConvolutionLayer.Impl) fast.getLayer("c1")).reusedForwardPasses(), "relu conv");
        assertEquals(2, ((FastConvolutionLayer.Impl) fast.getLayer("c2")).reusedForwardPasses(), "identity conv");
        assertEquals(2, ((FastConvolutionLayer.Impl) fast.getLayer("c3")).reusedForwardPasses(), "tanh conv");
        assertEquals(2, ((FastActivationLayer.Impl) fast.getLayer("relu")).reusedForwardOutputs(), "relu layer");
        assertEquals(0, ((FastActivationLayer.Impl) fast.getLayer("tanh")).reusedForwardOutputs(), "tanh layer");
    }

    /**
     * One-channel first layers of several shapes in a {@link FastGraph}: a training step's weight and bias gradients
     * equal DL4J's, computed by oneDNN ({@link DnnlConvolution}) without the input gradient; the layer used on its
     * own still returns its input gradient.
     */
    @Test
    void firstLayerGradientsWithoutTheInputGradientEqualDl4js() {
        org.junit.jupiter.api.Assumptions.assumeTrue(NativeHelpers.oneDnnAttached(), "oneDNN helpers not attached");
        // kernel, stride, padding (-1: Same mode); 4x4 Same pads one row more below than above
        int[][] shapes = {{5, 1, 0}, {3, 1, 1}, {3, 1, -1}, {4, 1, -1}, {1, 1, 0}, {3, 2, 1}, {3, 2, -1}};
        for (int[] sh : shapes) {
            for (boolean bias : new boolean[] {true, false}) {
                ConvolutionLayer.Builder b = new ConvolutionLayer.Builder(sh[0], sh[0]).stride(sh[1], sh[1]).nOut(5)
                        .hasBias(bias).activation(Activation.RELU);
                if (sh[2] < 0) {
                    b.convolutionMode(ConvolutionMode.Same);
                } else {
                    b.padding(sh[2], sh[2]).convolutionMode(ConvolutionMode.Truncate);
                }
                ComputationGraph dl4j = firstLayerGraph(b.build());
                ComputationGraph fast = NativeHelpers.init(firstLayerConf(new FastConvolutionLayer(b)));
                assertInstanceOf(FastGraph.class, fast);
                fast.setParams(dl4j.params().dup());
                DataSet data = batch(3, 1);
                for (ComputationGraph g : new ComputationGraph[] {dl4j, fast}) {
                    g.setInputs(data.getFeatures());
                    g.setLabels(data.getLabels());
                    g.computeGradientAndScore();
                }
                String what = java.util.Arrays.toString(sh) + (bias ? " with bias" : " without bias");
                assertEquals(dl4j.score(), fast.score(), 1e-5, what);
                Map<String, INDArray> expected = dl4j.gradient().gradientForVariable();
                assertEquals(expected.keySet(), fast.gradient().gradientForVariable().keySet(), what);
                for (String name : expected.keySet()) {
                    assertClose(expected.get(name), fast.gradient().getGradientFor(name), 1e-4, what + ": " + name);
                }
                FastConvolutionLayer.Impl conv = (FastConvolutionLayer.Impl) fast.getLayer("c");
                assertEquals(1, conv.skippedInputGradients(), what);
                assertEquals(1, conv.dnnlPasses()[1], what + ": backward passes through oneDNN");

                // outside a training step the layer hands back its input gradient, as DL4J's does
                LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
                var dl4jConv = dl4j.getLayer("c");
                INDArray eps = Nd4j.rand(DataType.FLOAT, dl4jConv.activate(data.getFeatures(), true, none).shape());
                INDArray expectedInput = dl4jConv.backpropGradient(eps, none).getSecond();
                conv.activate(data.getFeatures(), true, none);
                INDArray actualInput = conv.backpropGradient(eps, none).getSecond();
                assertClose(expectedInput, actualInput, 1e-4, what + ": input gradient");
                assertEquals(1, conv.skippedInputGradients(), what);
            }
        }
    }

    private static ComputationGraphConfiguration firstLayerConf(Layer conv) {
        return new NeuralNetConfiguration.Builder().seed(3).updater(new Sgd(0.05)).dataType(DataType.FLOAT)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(10, 10, 1))
                .addLayer("c", conv, "in")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "c")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
    }

    private static ComputationGraph firstLayerGraph(Layer conv) {
        ComputationGraph g = new ComputationGraph(firstLayerConf(conv));
        g.init();
        return g;
    }

    /**
     * One channel in, conv(relu, 10x10) -> conv(relu, Same, no bias) -> max pool 2/2 (5x5) -> conv(tanh, Same) ->
     * avg pool 3/1 Same -> conv(identity, 4x4) -> dense, and again with a max pool 2/1 before the dense layer (and the
     * average pool's divisor counting the padding): with
     * the fast layers every convolution read by a pool or convolution writes channels-last and the pools read and
     * write it, the output gradients arrive channels-last or (from the dense layer) NCHW, and the loss, every
     * gradient (the first layer's from a channels-last output gradient, without its input gradient), the parameters
     * after a few steps and the inference output are DL4J's own.
     */
    @Test
    void channelsLastConvolutionsAndPoolingGiveDl4jsAnswers() {
        channelsLastGivesDl4jsAnswers(false);
        channelsLastGivesDl4jsAnswers(true);
    }

    /** With {@code poolAtEnd}, a max pool 2/1 between the last convolution and the dense layer. */
    private static void channelsLastGivesDl4jsAnswers(boolean poolAtEnd) {
        ComputationGraph[] graphs = new ComputationGraph[2];
        for (int i = 0; i < 2; i++) {
            boolean fast = i == 1;
            ConvolutionLayer.Builder c1 = new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.RELU);
            ConvolutionLayer.Builder c1b = new ConvolutionLayer.Builder(3, 3).nOut(5).hasBias(false)
                    .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU);
            ConvolutionLayer.Builder c2 = new ConvolutionLayer.Builder(3, 3).nOut(6).convolutionMode(ConvolutionMode.Same)
                    .activation(Activation.TANH);
            ConvolutionLayer.Builder c3 = new ConvolutionLayer.Builder(2, 2).nOut(4).activation(Activation.IDENTITY);
            SubsamplingLayer.Builder p1 = new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                    .stride(2, 2);
            SubsamplingLayer.Builder p2 = new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(3, 3)
                    .stride(1, 1).convolutionMode(ConvolutionMode.Same).avgPoolIncludePadInDivisor(poolAtEnd);
            SubsamplingLayer.Builder p3 = new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                    .stride(1, 1);
            GraphBuilder b = new NeuralNetConfiguration.Builder().seed(9).updater(new Sgd(0.05))
                    .dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                    .setInputTypes(InputType.convolutional(12, 12, 1))
                    .addLayer("c1", fast ? new FastConvolutionLayer(c1) : c1.build(), "in")
                    .addLayer("c1b", fast ? new FastConvolutionLayer(c1b) : c1b.build(), "c1")
                    .addLayer("p1", fast ? new FastSubsamplingLayer(p1) : p1.build(), "c1b")
                    .addLayer("c2", fast ? new FastConvolutionLayer(c2) : c2.build(), "p1")
                    .addLayer("p2", fast ? new FastSubsamplingLayer(p2) : p2.build(), "c2")
                    .addLayer("c3", fast ? new FastConvolutionLayer(c3) : c3.build(), "p2");
            if (poolAtEnd) {
                b.addLayer("p3", fast ? new FastSubsamplingLayer(p3) : p3.build(), "c3");
            }
            b.addLayer("dense", new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build(),
                            poolAtEnd ? "p3" : "c3")
                    .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                            .activation(Activation.SOFTMAX).build(), "dense")
                    .setOutputs("out");
            graphs[i] = NativeHelpers.init(b.build());
        }
        ComputationGraph dl4j = graphs[0];
        ComputationGraph fast = graphs[1];
        fast.setParams(dl4j.params().dup());
        assertSameScoreAndGradients(dl4j, fast, batch12(1));
        for (int step = 0; step < 3; step++) {
            DataSet d = batch12(20 + step);
            dl4j.fit(d);
            fast.fit(d);
        }
        assertClose(dl4j.params(), fast.params(), 1e-3, "parameters after 3 steps");
        INDArray x = batch12(99).getFeatures();
        assertClose(dl4j.outputSingle(x), fast.outputSingle(x), 1e-3, "inference output");
        Map<String, INDArray> acts = fast.feedForward(x, false);
        assertClose(dl4j.feedForward(x, false).get("p2"), acts.get("p2"), 1e-3, "pooled activations");

        if (NativeHelpers.oneDnnAttached()) {
            for (String name : new String[] {"c1", "c1b", "p1", "c2", "p2"}) {
                assertTrue(ChannelsLast.is(acts.get(name)), name + " channels-last");
            }
            assertEquals(poolAtEnd, ChannelsLast.is(acts.get("c3")), "c3 channels-last where a pool reads it");
            // 4 training passes (forward and backward), 2 inference passes (output, feedForward)
            assertEquals(6, ((FastConvolutionLayer.Impl) fast.getLayer("c1")).channelsLastForwards());
            assertEquals(6, ((FastConvolutionLayer.Impl) fast.getLayer("c2")).channelsLastForwards());
            assertEquals(poolAtEnd ? 6 : 0, ((FastConvolutionLayer.Impl) fast.getLayer("c3")).channelsLastForwards());
            assertEquals(4, ((FastConvolutionLayer.Impl) fast.getLayer("c1")).skippedInputGradients());
            // every forward and backward pass ran through oneDNN itself, channels-last output or not
            for (String name : new String[] {"c1", "c1b", "c2", "c3"}) {
                FastConvolutionLayer.Impl conv = (FastConvolutionLayer.Impl) fast.getLayer(name);
                assertArrayEquals(new long[] {6, 4}, conv.dnnlPasses(), name);
            }
            assertEquals(10, ((FastSubsamplingLayer.Impl) fast.getLayer("p1")).channelsLastPasses());
            assertEquals(10, ((FastSubsamplingLayer.Impl) fast.getLayer("p2")).channelsLastPasses());
            // max pooling through oneDNN itself, each backward pass from its forward pass's record of the maxima
            assertEquals(10, ((FastSubsamplingLayer.Impl) fast.getLayer("p1")).dnnlPasses());
            assertEquals(0, ((FastSubsamplingLayer.Impl) fast.getLayer("p2")).dnnlPasses(), "average: libnd4j");
        }
    }

    private static DataSet batch12(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.FLOAT, 16, 1, 12, 12);
        return new DataSet(x, batch(seed).getLabels());
    }

    /**
     * A small residual network (stem conv-BN-ReLU, an identity block, a projection block with stride 2, a last conv,
     * global pooling), from DL4J's layers and {@code ElementWiseVertex} and from the fast ones and
     * {@link FastAddVertex}: the same loss and gradients for every parameter, after two more training steps the same
     * parameters and inference outputs; in training and at inference the fast graph's convolutions, batch norms,
     * ReLUs and additions up to the last convolution ran channels-last.
     */
    @Test
    void channelsLastResidualNetworkGivesDl4jsAnswers() {
        ComputationGraph[] graphs = new ComputationGraph[2];
        for (int i = 0; i < 2; i++) {
            boolean fast = i == 1;
            Layers l = fast ? FAST : DL4J;
            GraphBuilder b = new NeuralNetConfiguration.Builder().seed(13).updater(new Sgd(0.05))
                    .dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                    .setInputTypes(InputType.convolutional(10, 10, 3));
            b.addLayer("c0", l.conv(8, Activation.IDENTITY), "in").addLayer("bn0", l.bn(false), "c0")
                    .addLayer("relu0", l.activation(Activation.RELU), "bn0");
            b.addLayer("c1", l.conv(8, Activation.IDENTITY), "relu0").addLayer("bn1", l.bn(false), "c1")
                    .addLayer("relu1", l.activation(Activation.RELU), "bn1")
                    .addLayer("c2", l.conv(8, Activation.IDENTITY), "relu1").addLayer("bn2", l.bn(false), "c2")
                    .addVertex("add1", fast ? new FastAddVertex() : new ElementWiseVertex(ElementWiseVertex.Op.Add),
                            "bn2", "relu0")
                    .addLayer("relu2", l.activation(Activation.RELU), "add1");
            ConvolutionLayer.Builder c3 = new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(12)
                    .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY);
            ConvolutionLayer.Builder sc = new ConvolutionLayer.Builder(1, 1).stride(2, 2).nOut(12)
                    .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY);
            b.addLayer("c3", fast ? new FastConvolutionLayer(c3) : c3.build(), "relu2")
                    .addLayer("bn3", l.bn(false), "c3").addLayer("relu3", l.activation(Activation.RELU), "bn3")
                    .addLayer("c4", l.conv(12, Activation.IDENTITY), "relu3").addLayer("bn4", l.bn(false), "c4")
                    .addLayer("sc", fast ? new FastConvolutionLayer(sc) : sc.build(), "relu2")
                    .addLayer("bnsc", l.bn(false), "sc")
                    .addVertex("add2", fast ? new FastAddVertex() : new ElementWiseVertex(ElementWiseVertex.Op.Add),
                            "bn4", "bnsc")
                    .addLayer("relu4", l.activation(Activation.RELU), "add2")
                    // global pooling reads channels-last outputs: a ReLU convolution's and a ReLU layer's
                    .addLayer("c5", l.conv(4, Activation.RELU), "relu4")
                    .addLayer("pool5", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "c5")
                    .addLayer("c6", l.conv(4, Activation.IDENTITY), "relu4")
                    .addLayer("relu6", l.activation(Activation.RELU), "c6")
                    .addLayer("pool6", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "relu6")
                    .addVertex("pooled", new MergeVertex(), "pool5", "pool6")
                    .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                            .activation(Activation.SOFTMAX).build(), "pooled")
                    .setOutputs("out");
            graphs[i] = NativeHelpers.init(b.build());
        }
        ComputationGraph dl4j = graphs[0];
        ComputationGraph fast = graphs[1];
        fast.setParams(dl4j.params().dup());
        assertSameScoreAndGradients(dl4j, fast, batch(29));
        for (int step = 0; step < 2; step++) {
            DataSet d = batch(30 + step);
            dl4j.fit(d);
            fast.fit(d);
        }
        assertClose(dl4j.params(), fast.params(), 1e-3, "parameters after 2 steps");
        for (String layer : new String[] {"bn0", "bn2", "bn4", "bnsc"}) {
            for (var e : dl4j.getLayer(layer).paramTable().entrySet()) {
                assertClose(e.getValue(), fast.getLayer(layer).getParam(e.getKey()), 1e-3, layer + "." + e.getKey()
                        + " after 2 steps");
            }
        }
        INDArray x = batch(98).getFeatures();
        assertClose(dl4j.outputSingle(x), fast.outputSingle(x), 1e-3, "inference output");
        Map<String, INDArray> expected = dl4j.feedForward(x, false);
        Map<String, INDArray> acts = fast.feedForward(x, false);
        // (not the batch norms' and additions' outputs: at inference DL4J's activation layer applies its ReLU in
        // place to its input, so DL4J's own feedForward shows them after the ReLU)
        for (String name : new String[] {"c0", "relu0", "c1", "relu2", "c3", "sc", "relu4", "c5", "relu6"}) {
            assertClose(expected.get(name), acts.get(name), 1e-3, name + " at inference");
        }

        if (NativeHelpers.oneDnnAttached()) {
            Map<String, INDArray> training = fast.feedForward(x, true);
            for (String name : new String[] {"c0", "bn0", "relu0", "c2", "bn2", "add1", "relu2", "sc", "bnsc", "add2",
                    "relu4"}) {
                assertTrue(ChannelsLast.is(acts.get(name)), name + " channels-last at inference");
                assertTrue(ChannelsLast.is(training.get(name)), name + " channels-last in training");
            }
            assertTrue(ChannelsLast.is(acts.get("c5")) && ChannelsLast.is(acts.get("relu6")),
                    "global pooling reads channels-last");
            // 3 training passes (gradient, 2 steps) and feedForward(x, true); output and feedForward(x, false)
            assertEquals(6, ((FastAddVertex.Impl) fast.getVertex("add2")).channelsLastSums());
            var bn = (org.deeplearning4j.nn.layers.normalization.BatchNormalization) fast.getLayer("bn4");
            assertEquals(2, ((FastBatchNormHelper) bn.getHelper()).channelsLastInferences());
            assertEquals(3, ((FastBatchNormHelper) bn.getHelper()).channelsLastBackwardPasses());
            // its training passes (and feedForward(x, true)'s forward pass) ran through oneDNN itself
            assertArrayEquals(new long[] {4, 3}, ((FastBatchNormHelper) bn.getHelper()).dnnlPasses());
            assertEquals(6, ((FastConvolutionLayer.Impl) fast.getLayer("c1")).channelsLastForwards());
        }
    }

    /**
     * Batch statistics of activations far from zero (mean 30 standard deviations): no loss to cancellation, with the
     * batch norm reading its NCHW input and (behind a 1x1 identity convolution, read by a convolution) channels-last.
     */
    @Test
    void batchNormStatisticsHoldForActivationsFarFromZero() {
        for (boolean channelsLast : new boolean[] {false, true}) {
            ComputationGraph[] graphs = new ComputationGraph[2];
            Layers[] kinds = {DL4J, FAST};
            for (int i = 0; i < 2; i++) {
                GraphBuilder b = new NeuralNetConfiguration.Builder().seed(5).updater(new Sgd(0.0))
                        .dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                        .setInputTypes(InputType.convolutional(12, 12, 4));
                if (channelsLast) {
                    ConvolutionLayer.Builder identity = new ConvolutionLayer.Builder(1, 1).nOut(4)
                            .activation(Activation.IDENTITY);
                    b.addLayer("c", i == 1 ? new FastConvolutionLayer(identity) : identity.build(), "in")
                            .addLayer("bn", kinds[i].bn(false), "c")
                            .addLayer("c2", kinds[i].conv(4, Activation.IDENTITY), "bn");
                } else {
                    b.addLayer("bn", kinds[i].bn(false), "in");
                }
                b.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), channelsLast ? "c2" : "bn")
                        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                                .activation(Activation.SOFTMAX).build(), "pool")
                        .setOutputs("out");
                graphs[i] = NativeHelpers.init(b.build());
            }
            graphs[1].setParams(graphs[0].params().dup());
            if (channelsLast) {
                for (ComputationGraph g : graphs) {
                    g.getLayer("c").setParam("W", Nd4j.eye(4).castTo(DataType.FLOAT).reshape(4, 4, 1, 1));
                    g.getLayer("c").setParam("b", Nd4j.zeros(DataType.FLOAT, 1, 4));
                }
            }
            Nd4j.getRandom().setSeed(11);
            INDArray x = Nd4j.randn(DataType.FLOAT, 64, 4, 12, 12).muli(0.5).addi(15);
            DataSet data = new DataSet(x, batch(1).getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 16))
                    .repeat(0, 4));
            for (ComputationGraph g : graphs) {
                g.fit(data);
            }
            for (String p : new String[] {"mean", "var"}) {
                INDArray expected = graphs[0].getLayer("bn").getParam(p);
                INDArray actual = graphs[1].getLayer("bn").getParam(p);
                assertClose(expected, actual, 1e-4, "moving " + p + (channelsLast ? ", channels-last" : ""));
            }
            if (channelsLast && NativeHelpers.oneDnnAttached()) {
                var bn = (org.deeplearning4j.nn.layers.normalization.BatchNormalization) graphs[1].getLayer("bn");
                assertEquals(1, ((FastBatchNormHelper) bn.getHelper()).channelsLastBackwardPasses());
            }
        }
    }

    @Test
    void outputsAreNotKeptWhereAConsumerMayChangeThemInPlace() {
        org.junit.jupiter.api.Assumptions.assumeTrue(NativeHelpers.oneDnnAttached(), "oneDNN helpers not attached");
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).updater(new Sgd(0.05))
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(10, 10, 3))
                .addLayer("c1", FAST.conv(8, Activation.RELU), "in")
                .addLayer("noise", new DropoutLayer.Builder(new GaussianNoise(0.5)).build(), "c1")
                .addLayer("relu", FAST.activation(Activation.RELU), "noise")
                .addLayer("c2", new FastConvolutionLayer(new ConvolutionLayer.Builder(3, 3).nOut(4).dropOut(0.8)
                        .activation(Activation.RELU)), "relu")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "c2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
        ComputationGraph graph = NativeHelpers.init(conf);
        assertFalse(keeps(graph, "c1"), "c1 feeds a Gaussian-noise layer");
        assertFalse(keeps(graph, "relu"), "relu feeds a convolution with dropout");
        assertTrue(keeps(graph, "c2"), "c2 feeds a pooling layer");
        graph.fit(batch(1));
        graph.fit(batch(2));
        assertEquals(0, ((FastConvolutionLayer.Impl) graph.getLayer("c1")).reusedForwardPasses());
        assertEquals(0, ((FastActivationLayer.Impl) graph.getLayer("relu")).reusedForwardOutputs());
        assertEquals(2, ((FastConvolutionLayer.Impl) graph.getLayer("c2")).reusedForwardPasses());
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(graph.getConfiguration().toJson());
        assertEquals(graph.getConfiguration(), back);
        assertFalse(((KeptOutput) ((LayerVertex) back.getVertices().get("c1")).getLayerConf().getLayer()).isKeepOutput());
    }

    private static boolean keeps(ComputationGraph graph, String layer) {
        return ((KeptOutput) graph.getLayer(layer).conf().getLayer()).isKeepOutput();
    }

    @Test
    void configurationsRoundTripThroughJsonAndValidate() {
        ComputationGraph fast = graph(FAST);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(fast.getConfiguration().toJson());
        assertEquals(fast.getConfiguration(), back);
        assertInstanceOf(FastConvolutionLayer.class,
                ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("c1")).getLayerConf().getLayer());
        assertThrows(IllegalArgumentException.class, () -> new FastBatchNormalization(1.0, 1e-3));
        assertThrows(IllegalArgumentException.class, () -> new FastBatchNormalization(0.9, 0));
        assertThrows(IllegalStateException.class, () -> new FastConvolutionLayer(
                new ConvolutionLayer.Builder(3, 3).stride(0, 1).nOut(2)));
    }
}
