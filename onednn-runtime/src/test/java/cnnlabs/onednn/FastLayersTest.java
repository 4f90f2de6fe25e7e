package cnnlabs.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The runtime's layers give DL4J's own answers: a small residual graph's configuration, made a graph once by DL4J
 * and once by the runtime (same parameters), has the same loss, the same gradient for every parameter, the same batch-norm moving
 * statistics and the same parameters after a few SGD steps (Adam would turn the float
 * rounding noise of a gradient that is zero in exact arithmetic, a convolution bias before batch norm, into full-size
 * steps); and the faster paths are really taken.
 */
class FastLayersTest {

    /** A 3x3 Same-mode convolution. */
    private static Layer conv(int filters, Activation activation) {
        return new ConvolutionLayer.Builder(3, 3).nOut(filters).convolutionMode(ConvolutionMode.Same)
                .activation(activation).build();
    }

    private static Layer bn(boolean logStd) {
        return new BatchNormalization.Builder().decay(0.9).eps(1e-3).useLogStd(logStd).build();
    }

    private static Layer activation(Activation activation) {
        return new ActivationLayer.Builder().activation(activation).build();
    }

    /**
     * conv(relu) -> conv(identity) -> bn -> add(conv1) -> relu -> conv(tanh) -> bn(log std) -> tanh -> avg -> softmax.
     */
    static ComputationGraphConfiguration residualConf() {
        return residualConf(new Sgd(0.05));
    }

    /** {@link #residualConf()} trained by {@code updater}. */
    static ComputationGraphConfiguration residualConf(org.nd4j.linalg.learning.config.IUpdater updater) {
        return new NeuralNetConfiguration.Builder().seed(7).updater(updater)
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(10, 10, 3))
                .addLayer("c1", conv(8, Activation.RELU), "in")
                .addLayer("c2", conv(8, Activation.IDENTITY), "c1")
                .addLayer("bn1", bn(false), "c2")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "bn1", "c1")
                .addLayer("relu", activation(Activation.RELU), "add")
                .addLayer("c3", conv(6, Activation.TANH), "relu")
                .addLayer("bn2", bn(true), "c3")
                .addLayer("tanh", activation(Activation.TANH), "bn2")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "tanh")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
    }

    /** DL4J's own graph for {@code conf}, as plain DL4J builds it. */
    static ComputationGraph plain(ComputationGraphConfiguration conf) {
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    /** The runtime's graph for {@code conf} and DL4J's own, with the same parameters: {fast, plain}. */
    private static ComputationGraph[] fastAndPlain(ComputationGraphConfiguration conf) {
        ComputationGraph dl4j = plain(conf.clone());
        ComputationGraph fast = OneDnnRuntime.graph(conf);
        fast.setParams(dl4j.params().dup());
        return new ComputationGraph[] {fast, dl4j};
    }

    static DataSet batch(long seed) {
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
    static void assertSameScoreAndGradients(ComputationGraph dl4j, ComputationGraph fast, DataSet data) {
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
            if (expected.get(name).amaxNumber().doubleValue() < 1e-5) {
                // zero in exact arithmetic (a convolution's bias before batch norm): both are rounding noise
                assertTrue(actual.get(name).amaxNumber().doubleValue() < 1e-5, "gradient of " + name + " is "
                        + actual.get(name) + ", DL4J's " + expected.get(name));
                continue;
            }
            assertClose(expected.get(name), actual.get(name), 1e-3, "gradient of " + name);
        }
    }

    /**
     * Five SGD steps on batches {@code firstSeed..+4}, the random generator seeded alike before each side's step (the
     * same dropout masks): the listed layers' parameters equal DL4J's afterwards, and so does the inference output on
     * batch {@code checkSeed}.
     */
    private static void assertSameTraining(ComputationGraph dl4j, ComputationGraph fast, long firstSeed, long checkSeed,
                                           String... layers) {
        for (int step = 0; step < 5; step++) {
            DataSet d = batch(firstSeed + step);
            Nd4j.getRandom().setSeed(500 + step);
            dl4j.fit(d);
            Nd4j.getRandom().setSeed(500 + step);
            fast.fit(d);
        }
        for (String layer : layers) {
            for (var e : dl4j.getLayer(layer).paramTable().entrySet()) {
                assertClose(e.getValue(), fast.getLayer(layer).getParam(e.getKey()), 1e-3, layer + "." + e.getKey()
                        + " after 5 steps");
            }
        }
        INDArray x = batch(checkSeed).getFeatures();
        assertClose(dl4j.outputSingle(x), fast.outputSingle(x), 1e-3, "inference output after training");
    }

    @Test
    void sameLossGradientsStatisticsAndTrainingAsDl4jsLayers() {
        ComputationGraph[] graphs = fastAndPlain(residualConf());
        ComputationGraph fast = graphs[0];
        ComputationGraph dl4j = graphs[1];
        assertSameScoreAndGradients(dl4j, fast, batch(1));

        assertSameTraining(dl4j, fast, 10, 99, "c1", "c2", "c3", "bn1", "bn2");
    }

    @Test
    void theFastPathsAreTaken() {
        org.junit.jupiter.api.Assumptions.assumeTrue(OneDnnRuntime.available(), "oneDNN helpers not attached");
        ComputationGraph fast = OneDnnRuntime.graph(residualConf());
        fast.fit(batch(1));
        fast.fit(batch(2));
        var bn = (org.deeplearning4j.nn.layers.normalization.BatchNormalization) fast.getLayer("bn1");
        FastBatchNormHelper helper = assertInstanceOf(FastBatchNormHelper.class, bn.getHelper());
        assertInstanceOf(MKLDNNBatchNormHelper.class, helper.fallback());
        assertEquals(2, ((FastConvolutionLayer) fast.getLayer("c1")).reusedForwardPasses(), "relu conv");
        assertEquals(2, ((FastConvolutionLayer) fast.getLayer("c2")).reusedForwardPasses(), "identity conv");
        assertEquals(2, ((FastConvolutionLayer) fast.getLayer("c3")).reusedForwardPasses(), "tanh conv");
        assertEquals(2, ((FastActivationLayer) fast.getLayer("relu")).reusedForwardOutputs(), "relu layer");
        assertEquals(2, ((FastActivationLayer) fast.getLayer("relu")).dnnlPasses()[1], "relu layer's derivative");
        assertEquals(2, ((FastActivationLayer) fast.getLayer("relu")).dnnlPasses()[0], "relu layer, channels-last");
        assertEquals(2, ((FastConvolutionLayer) fast.getLayer("c1")).oneDnnDerivatives(), "relu conv's derivative");
        assertEquals(0, ((FastConvolutionLayer) fast.getLayer("c2")).oneDnnDerivatives(), "identity: none to take");
        assertEquals(2, ((FastConvolutionLayer) fast.getLayer("c3")).oneDnnDerivatives(), "tanh conv's derivative");
        assertFalse(fast.getLayer("tanh") instanceof FastActivationLayer, "a tanh layer is DL4J's own");
    }

    /**
     * conv(relu) -> depthwise 3x3 Same (identity, no bias) -> bn -> relu6 -> zero padding (bottom and right, Keras'
     * {@code correct_pad}) -> depthwise 3x3 stride 2, multiplier 2 (tanh, bias) -> conv 1x1 -> avg -> softmax:
     * MobileNetV2's pattern, and a multiplier above one.
     */
    static ComputationGraphConfiguration depthwiseConf() {
        return new NeuralNetConfiguration.Builder().seed(11).updater(new Sgd(0.05))
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(10, 10, 3))
                .addLayer("c1", conv(8, Activation.RELU), "in")
                .addLayer("dw1", new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(1).hasBias(false)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), "c1")
                .addLayer("bn", bn(false), "dw1")
                .addLayer("relu6", activation(Activation.RELU6), "bn")
                .addLayer("pad", new ZeroPaddingLayer.Builder(0, 1, 0, 1).build(), "relu6")
                .addLayer("dw2", new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(2).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.TANH).build(), "pad")
                .addLayer("c2", new ConvolutionLayer.Builder(1, 1).nOut(6).activation(Activation.IDENTITY).build(),
                        "dw2")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "c2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
    }

    @Test
    void depthwiseConvolutionsAndRelu6GiveDl4jsAnswersThroughOneDnn() {
        ComputationGraph[] graphs = fastAndPlain(depthwiseConf());
        ComputationGraph fast = graphs[0];
        ComputationGraph dl4j = graphs[1];
        assertInstanceOf(FastDepthwiseConvolutionLayer.class, fast.getLayer("dw1"));
        assertSameScoreAndGradients(dl4j, fast, batch(3));
        assertSameTraining(dl4j, fast, 20, 98, "dw1", "dw2", "c2");
        if (OneDnnRuntime.available()) {
            for (String layer : new String[] {"dw1", "dw2"}) {
                FastDepthwiseConvolutionLayer dw = (FastDepthwiseConvolutionLayer) fast.getLayer(layer);
                assertTrue(dw.dnnlPasses()[0] >= 6 && dw.dnnlPasses()[1] >= 6, layer + " ran on oneDNN: "
                        + java.util.Arrays.toString(dw.dnnlPasses()) + " " + dw.implementations());
            }
            long[] relu6 = ((FastActivationLayer) fast.getLayer("relu6")).dnnlPasses();
            assertTrue(relu6[0] >= 6 && relu6[1] >= 6, "relu6 ran on oneDNN: " + java.util.Arrays.toString(relu6));
            Map<String, INDArray> acts = fast.feedForward(batch(5).getFeatures(), false);
            assertTrue(ChannelsLast.is(acts.get("relu6")) && ChannelsLast.is(acts.get("pad")),
                    "bn, relu6 and the padding hand channels-last on to the depthwise convolution that reads it");
            assertTrue(((FastZeroPaddingLayer) fast.getLayer("pad")).channelsLastPasses() >= 12,
                    "the padding ran channels-last, forward and backward");
        }
    }

    /**
     * conv(tanh) -> avg pool -> dense(tanh) -> dense(relu) -> dense(identity, no bias) -> softmax: LeNet-5's pattern
     * with each activation the fast dense layer takes.
     */
    static ComputationGraphConfiguration denseConf() {
        return new NeuralNetConfiguration.Builder().seed(13).updater(new Sgd(0.05))
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(10, 10, 3))
                .addLayer("c1", conv(6, Activation.TANH), "in")
                .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG, new int[] {2, 2}, new int[] {2, 2})
                        .build(), "c1")
                .addLayer("d1", new DenseLayer.Builder().nOut(20).activation(Activation.TANH).build(), "pool")
                .addLayer("d2", new DenseLayer.Builder().nOut(12).activation(Activation.RELU).build(), "d1")
                .addLayer("d3", new DenseLayer.Builder().nOut(8).hasBias(false).activation(Activation.IDENTITY)
                        .build(), "d2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "d3")
                .setOutputs("out").build();
    }

    @Test
    void denseLayersGiveDl4jsAnswersThroughOneDnn() {
        ComputationGraph[] graphs = fastAndPlain(denseConf());
        ComputationGraph fast = graphs[0];
        ComputationGraph dl4j = graphs[1];
        for (String layer : new String[] {"d1", "d2", "d3"}) {
            assertInstanceOf(FastDenseLayer.class, fast.getLayer(layer), layer);
        }
        assertSameScoreAndGradients(dl4j, fast, batch(4));
        assertSameTraining(dl4j, fast, 30, 97, "c1", "d1", "d2", "d3", "out");
        if (OneDnnRuntime.available()) {
            for (String layer : new String[] {"d1", "d2", "d3"}) {
                FastDenseLayer d = (FastDenseLayer) fast.getLayer(layer);
                assertTrue(d.dnnlPasses()[0] >= 6 && d.dnnlPasses()[1] >= 6, layer + " ran on oneDNN: "
                        + java.util.Arrays.toString(d.dnnlPasses()) + " " + d.implementations());
            }
        }
    }

    /**
     * One-channel first layers of several shapes in a {@link FastGraph}: a training step's weight and bias gradients
     * equal DL4J's, computed by oneDNN ({@link DnnlConvolution}) without the input gradient; the layer used on its
     * own still returns its input gradient.
     */
    @Test
    void firstLayerGradientsWithoutTheInputGradientEqualDl4js() {
        org.junit.jupiter.api.Assumptions.assumeTrue(OneDnnRuntime.available(), "oneDNN helpers not attached");
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
                ComputationGraph[] graphs = fastAndPlain(firstLayerConf(b.build()));
                ComputationGraph fast = graphs[0];
                ComputationGraph dl4j = graphs[1];
                assertInstanceOf(FastGraph.class, fast);
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
                FastConvolutionLayer conv = (FastConvolutionLayer) fast.getLayer("c");
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

    /**
     * One channel in, conv(relu, 10x10) -> conv(relu, Same, no bias) -> max pool 2/2 (5x5) -> conv(tanh, Same) ->
     * avg pool 3/1 Same -> conv(identity, 4x4) -> dense, and again with a max pool 2/1 before the dense layer and the
     * average pool's divisor counting the padding (which makes it DL4J's own layer: {@link RuntimePlan}): with the
     * fast layers every convolution read by a fast pool or convolution writes channels-last and the pools read and
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
        GraphBuilder b = new NeuralNetConfiguration.Builder().seed(9).updater(new Sgd(0.05))
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(12, 12, 1))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.RELU).build(), "in")
                .addLayer("c1b", new ConvolutionLayer.Builder(3, 3).nOut(5).hasBias(false)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(), "c1")
                .addLayer("p1", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build(), "c1b")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(6).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build(), "p1")
                .addLayer("p2", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(3, 3)
                        .stride(1, 1).convolutionMode(ConvolutionMode.Same).avgPoolIncludePadInDivisor(poolAtEnd)
                        .build(), "c2")
                .addLayer("c3", new ConvolutionLayer.Builder(2, 2).nOut(4).activation(Activation.IDENTITY).build(),
                        "p2");
        if (poolAtEnd) {
            b.addLayer("p3", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                    .stride(1, 1).build(), "c3");
        }
        b.addLayer("dense", new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build(),
                        poolAtEnd ? "p3" : "c3")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out");
        ComputationGraph[] graphs = fastAndPlain(b.build());
        ComputationGraph fast = graphs[0];
        ComputationGraph dl4j = graphs[1];
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

        if (OneDnnRuntime.available()) {
            assertEquals(poolAtEnd, !(fast.getLayer("p2") instanceof FastSubsamplingLayer),
                    "average pooling counting padding is DL4J's own");
            for (String name : new String[] {"c1", "c1b", "p1"}) {
                assertTrue(ChannelsLast.is(acts.get(name)), name + " channels-last");
            }
            for (String name : new String[] {"c2", "p2"}) {
                assertEquals(!poolAtEnd, ChannelsLast.is(acts.get(name)), name + " channels-last where a fast pool reads");
            }
            assertEquals(poolAtEnd, ChannelsLast.is(acts.get("c3")), "c3 channels-last where a pool reads it");
            // 4 training passes (forward and backward), 2 inference passes (output, feedForward)
            assertEquals(6, ((FastConvolutionLayer) fast.getLayer("c1")).channelsLastForwards());
            assertEquals(poolAtEnd ? 0 : 6, ((FastConvolutionLayer) fast.getLayer("c2")).channelsLastForwards());
            assertEquals(poolAtEnd ? 6 : 0, ((FastConvolutionLayer) fast.getLayer("c3")).channelsLastForwards());
            assertEquals(4, ((FastConvolutionLayer) fast.getLayer("c1")).skippedInputGradients());
            // every forward pass ran through oneDNN itself, channels-last output or not, and every backward pass of a
            // channels-last input (c3's comes NCHW from DL4J's own pooling where the padding counts)
            for (String name : new String[] {"c1", "c1b", "c2", "c3"}) {
                FastConvolutionLayer conv = (FastConvolutionLayer) fast.getLayer(name);
                assertArrayEquals(new long[] {6, name.equals("c3") && poolAtEnd ? 0 : 4}, conv.dnnlPasses(), name);
            }
            assertEquals(10, ((FastSubsamplingLayer) fast.getLayer("p1")).channelsLastPasses());
            // max pooling through oneDNN itself, each backward pass from its forward pass's record of the maxima
            assertEquals(10, ((FastSubsamplingLayer) fast.getLayer("p1")).dnnlPasses());
            if (!poolAtEnd) {
                // average pooling too, its padded windows divided by their part inside the input, as DL4J's
                assertEquals(10, ((FastSubsamplingLayer) fast.getLayer("p2")).channelsLastPasses());
                assertEquals(10, ((FastSubsamplingLayer) fast.getLayer("p2")).dnnlPasses(), "average: oneDNN");
            }
        }
    }

    private static DataSet batch12(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.FLOAT, 16, 1, 12, 12);
        return new DataSet(x, batch(seed).getLabels());
    }

    /**
     * A small residual network (stem conv-BN-ReLU, an identity block, a projection block with stride 2, a last conv,
     * global pooling), as DL4J's own graph and through the runtime (its layers and {@link FastAddVertex}): the same loss and gradients for every parameter, after two more training steps the same
     * parameters and inference outputs; in training and at inference the fast graph's convolutions, batch norms,
     * ReLUs and additions up to the last convolution ran channels-last.
     */
    @Test
    void channelsLastResidualNetworkGivesDl4jsAnswers() {
        GraphBuilder b = new NeuralNetConfiguration.Builder().seed(13).updater(new Sgd(0.05))
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(10, 10, 3));
        b.addLayer("c0", conv(8, Activation.IDENTITY), "in").addLayer("bn0", bn(false), "c0")
                .addLayer("relu0", activation(Activation.RELU), "bn0");
        b.addLayer("c1", conv(8, Activation.IDENTITY), "relu0").addLayer("bn1", bn(false), "c1")
                .addLayer("relu1", activation(Activation.RELU), "bn1")
                .addLayer("c2", conv(8, Activation.IDENTITY), "relu1").addLayer("bn2", bn(false), "c2")
                .addVertex("add1", new ElementWiseVertex(ElementWiseVertex.Op.Add),
                        "bn2", "relu0")
                .addLayer("relu2", activation(Activation.RELU), "add1");
        ConvolutionLayer.Builder c3 = new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(12)
                .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY);
        ConvolutionLayer.Builder sc = new ConvolutionLayer.Builder(1, 1).stride(2, 2).nOut(12)
                .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY);
        b.addLayer("c3", c3.build(), "relu2")
                .addLayer("bn3", bn(false), "c3").addLayer("relu3", activation(Activation.RELU), "bn3")
                .addLayer("c4", conv(12, Activation.IDENTITY), "relu3").addLayer("bn4", bn(false), "c4")
                .addLayer("sc", sc.build(), "relu2")
                .addLayer("bnsc", bn(false), "sc")
                .addVertex("add2", new ElementWiseVertex(ElementWiseVertex.Op.Add),
                        "bn4", "bnsc")
                .addLayer("relu4", activation(Activation.RELU), "add2")
                // global pooling reads channels-last outputs: a ReLU convolution's and a ReLU layer's
                .addLayer("c5", conv(4, Activation.RELU), "relu4")
                .addLayer("pool5", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "c5")
                .addLayer("c6", conv(4, Activation.IDENTITY), "relu4")
                .addLayer("relu6", activation(Activation.RELU), "c6")
                .addLayer("pool6", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "relu6")
                .addVertex("pooled", new MergeVertex(), "pool5", "pool6")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "pooled")
                .setOutputs("out");
        ComputationGraph[] graphs = fastAndPlain(b.build());
        ComputationGraph fast = graphs[0];
        ComputationGraph dl4j = graphs[1];
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

        if (OneDnnRuntime.available()) {
            Map<String, INDArray> training = fast.feedForward(x, true);
            for (String name : new String[] {"c0", "bn0", "relu0", "c2", "bn2", "add1", "relu2", "sc", "bnsc", "add2",
                    "relu4"}) {
                assertTrue(ChannelsLast.is(acts.get(name)), name + " channels-last at inference");
                assertTrue(ChannelsLast.is(training.get(name)), name + " channels-last in training");
            }
            assertTrue(ChannelsLast.is(acts.get("c5")) && ChannelsLast.is(acts.get("relu6")),
                    "global pooling reads channels-last");
            // 3 training passes (gradient, 2 steps) and feedForward(x, true); output and feedForward(x, false)
            assertEquals(6, ((FastAddVertex) fast.getVertex("add2")).channelsLastSums());
            var bn = (org.deeplearning4j.nn.layers.normalization.BatchNormalization) fast.getLayer("bn4");
            // feedForward(x, false) (output folded bn4 into c4: BatchNormFold)
            assertEquals(1, ((FastBatchNormHelper) bn.getHelper()).channelsLastInferences());
            assertTrue(((FastGraph) fast).folds().stream().allMatch(f -> f.passes() == 1), "each fold ran in output");
            assertEquals(3, ((FastBatchNormHelper) bn.getHelper()).channelsLastBackwardPasses());
            // its training passes (and feedForward(x, true)'s forward pass) ran through oneDNN itself
            assertArrayEquals(new long[] {4, 3}, ((FastBatchNormHelper) bn.getHelper()).dnnlPasses());
            assertEquals(6, ((FastConvolutionLayer) fast.getLayer("c1")).channelsLastForwards());
        }
    }

    /**
     * Batch statistics of activations far from zero (mean 30 standard deviations): no loss to cancellation, with the
     * batch norm reading its NCHW input and (behind a 1x1 identity convolution, read by a convolution) channels-last.
     */
    @Test
    void batchNormStatisticsHoldForActivationsFarFromZero() {
        for (boolean channelsLast : new boolean[] {false, true}) {
            GraphBuilder b = new NeuralNetConfiguration.Builder().seed(5).updater(new Sgd(0.0))
                    .dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                    .setInputTypes(InputType.convolutional(12, 12, 4));
            if (channelsLast) {
                b.addLayer("c", new ConvolutionLayer.Builder(1, 1).nOut(4).activation(Activation.IDENTITY).build(), "in")
                        .addLayer("bn", bn(false), "c")
                        .addLayer("c2", conv(4, Activation.IDENTITY), "bn");
            } else {
                b.addLayer("bn", bn(false), "in");
            }
            b.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), channelsLast ? "c2" : "bn")
                    .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                            .activation(Activation.SOFTMAX).build(), "pool")
                    .setOutputs("out");
            ComputationGraphConfiguration conf = b.build();
            ComputationGraph[] fastAndPlain = fastAndPlain(conf);
            ComputationGraph[] graphs = {fastAndPlain[1], fastAndPlain[0]};
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
            if (channelsLast && OneDnnRuntime.available()) {
                var bn = (org.deeplearning4j.nn.layers.normalization.BatchNormalization) graphs[1].getLayer("bn");
                assertEquals(1, ((FastBatchNormHelper) bn.getHelper()).channelsLastBackwardPasses());
            }
        }
    }

    @Test
    void outputsAreNotKeptWhereAConsumerMayChangeThemInPlace() {
        org.junit.jupiter.api.Assumptions.assumeTrue(OneDnnRuntime.available(), "oneDNN helpers not attached");
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).updater(new Sgd(0.05))
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(10, 10, 3))
                .addLayer("c1", conv(8, Activation.RELU), "in")
                .addLayer("noise", new DropoutLayer.Builder(new GaussianNoise(0.5)).build(), "c1")
                .addLayer("relu", activation(Activation.RELU), "noise")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(4).dropOut(0.8)
                        .activation(Activation.RELU).build(), "relu")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "c2")
                .addLayer("d1", new DenseLayer.Builder().nOut(6).activation(Activation.TANH).build(), "pool")
                .addLayer("d2", new DenseLayer.Builder().nOut(6).dropOut(0.7).activation(Activation.TANH).build(),
                        "d1")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "d2")
                .setOutputs("out").build();
        ComputationGraph graph = OneDnnRuntime.graph(conf);
        assertFalse(keeps(graph, "c1"), "c1 feeds a Gaussian-noise layer");
        assertFalse(keeps(graph, "d1"), "d1 feeds a dense layer with dropout");
        assertTrue(keeps(graph, "d2"), "d2 feeds the output layer");
        assertTrue(keeps(graph, "relu"), "relu feeds a convolution with standard dropout, which keeps signs");
        assertTrue(keeps(graph, "c2"), "c2 feeds a pooling layer");
        graph.fit(batch(1));
        graph.fit(batch(2));
        assertEquals(0, ((FastConvolutionLayer) graph.getLayer("c1")).reusedForwardPasses());
        assertEquals(2, ((FastActivationLayer) graph.getLayer("relu")).reusedForwardOutputs());
        assertEquals(2, ((FastConvolutionLayer) graph.getLayer("c2")).reusedForwardPasses());
        assertEquals(2, ((FastDenseLayer) graph.getLayer("d1")).dnnlPasses()[0]);
        assertEquals(0, ((FastDenseLayer) graph.getLayer("d1")).dnnlPasses()[1], "d1 did not keep its output");
        assertEquals(2, ((FastDenseLayer) graph.getLayer("d2")).dnnlPasses()[1], "d2 did, its input after dropout");
    }

    /**
     * Layers whose ReLU (or identity) output a standard dropout reads, which DL4J applies in place there (each
     * dropout layer is its input's only reader), keep that output, and five training steps with the same dropout
     * masks on both sides (the random generator seeded alike before each step) leave every parameter as DL4J's own
     * layers do.
     */
    @Test
    void standardDropoutInPlaceOnAKeptReluOutputTrainsAsDl4j() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(11).updater(new Sgd(0.05))
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(10, 10, 3))
                .addLayer("c1", conv(8, Activation.IDENTITY), "in")
                .addLayer("relu", activation(Activation.RELU), "c1")
                .addLayer("drop1", new DropoutLayer.Builder(0.6).build(), "relu")
                .addLayer("c2", conv(6, Activation.RELU), "drop1")
                .addLayer("drop2", new DropoutLayer.Builder(0.7).build(), "c2")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "drop2")
                .addLayer("d1", new DenseLayer.Builder().nOut(12).activation(Activation.RELU).build(), "pool")
                .addLayer("drop3", new DropoutLayer.Builder(0.5).build(), "d1")
                .addLayer("d2", new DenseLayer.Builder().nOut(8).activation(Activation.IDENTITY).build(), "drop3")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4).dropOut(0.8)
                        .activation(Activation.SOFTMAX).build(), "d2")
                .setOutputs("out").build();
        ComputationGraph[] graphs = fastAndPlain(conf);
        ComputationGraph fast = graphs[0];
        ComputationGraph dl4j = graphs[1];
        for (String layer : new String[] {"relu", "c2", "d1", "d2"}) {
            assertTrue(keeps(fast, layer), layer + " keeps its output");
        }
        assertSameTraining(dl4j, fast, 60, 97, "c1", "c2", "d1", "d2", "out");
        if (OneDnnRuntime.available()) {
            assertEquals(5, ((FastActivationLayer) fast.getLayer("relu")).reusedForwardOutputs());
            assertEquals(5, ((FastConvolutionLayer) fast.getLayer("c2")).reusedForwardPasses());
            assertEquals(5, ((FastDenseLayer) fast.getLayer("d1")).dnnlPasses()[1], "d1's backward pass on oneDNN");
            assertEquals(5, ((FastDenseLayer) fast.getLayer("d2")).dnnlPasses()[1], "d2's backward pass on oneDNN");
        }
    }

    private static boolean keeps(ComputationGraph graph, String layer) {
        return graph.getLayer(layer) instanceof FastConvolutionLayer conv ? conv.keepsOutput()
                : graph.getLayer(layer) instanceof FastDenseLayer dense ? dense.keepsOutput()
                : ((FastActivationLayer) graph.getLayer(layer)).keepsOutput();
    }

    @Test
    void theConfigurationStaysDl4jsOwn() {
        ComputationGraphConfiguration conf = residualConf();
        ComputationGraph fast = OneDnnRuntime.graph(conf);
        ComputationGraph dl4j = plain(residualConf());
        assertSame(conf, fast.getConfiguration());
        fast.fit(batch(1));
        dl4j.fit(batch(1));
        assertEquals(dl4j.getConfiguration().toJson(), fast.getConfiguration().toJson(),
                "the fast graph's configuration is what DL4J's own graph's is");
        assertFalse(fast.getConfiguration().toJson().contains("cnnlabs"));
        assertEquals(fast.getConfiguration(), ComputationGraphConfiguration.fromJson(fast.getConfiguration().toJson()));
        assertInstanceOf(FastConvolutionLayer.class, fast.getLayer("c1"), "and yet the layers are the runtime's");
        assertInstanceOf(ConvolutionLayer.class, fast.getLayer("c1").conf().getLayer());
    }
}
