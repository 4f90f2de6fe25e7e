package cnnlabs.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Batch norm folded into the convolution before it at inference ({@link BatchNormFold}) gives DL4J's answers: after a
 * few training steps (moving statistics away from 0 and 1) and with gammas large enough that ReLU6 clips, the fast
 * graph's inference output equals DL4J's own graph's and its own unfolded one's; folds that share memory across a
 * residual block do not overwrite each other; a pass asking for a member's own output, {@code feedForward} and
 * training never fold.
 */
class BatchNormFoldTest {

    /**
     * conv -> bn -> relu6 (read by the next conv and, later, by the add) -> depthwise -> bn -> relu -> conv -> bn ->
     * add -> conv(tanh) -> bn (not folded: tanh before it) -> pool -> softmax: three folds, two of them live at once.
     * The batch norms keep DL4J's default log10 standard deviation, but the first, which keeps the variance.
     */
    static ComputationGraphConfiguration foldsConf() {
        return graph(3, 0.05)
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(8).convolutionMode(ConvolutionMode.Same)
                        .hasBias(false).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn1", new BatchNormalization.Builder().decay(0.5).eps(1e-3).useLogStd(false).build(), "c1")
                .addLayer("relu6", new ActivationLayer.Builder().activation(Activation.RELU6).build(), "bn1")
                .addLayer("dw", new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(2).hasBias(true)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), "relu6")
                .addLayer("bn2", bn(), "dw")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn2")
                .addLayer("c2", new ConvolutionLayer.Builder(1, 1).nOut(8).activation(Activation.IDENTITY).build(),
                        "relu")
                .addLayer("bn3", bn(), "c2")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "bn3", "relu6")
                .addLayer("c3", new ConvolutionLayer.Builder(1, 1).nOut(6).activation(Activation.TANH).build(), "add")
                .addLayer("bn4", bn(), "c3")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "bn4")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
    }

    /** A graph builder with an input of 10x10x3 and plain SGD. */
    private static ComputationGraphConfiguration.GraphBuilder graph(long seed, double lr) {
        return new NeuralNetConfiguration.Builder().seed(seed).updater(new Sgd(lr)).dataType(DataType.FLOAT)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(10, 10, 3));
    }

    /** A 3x3 convolution, Same mode, no activation: what a fold takes. */
    private static ConvolutionLayer sameConv(int nOut) {
        return new ConvolutionLayer.Builder(3, 3).nOut(nOut).convolutionMode(ConvolutionMode.Same)
                .activation(Activation.IDENTITY).build();
    }

    private static BatchNormalization bn() {
        return new BatchNormalization.Builder().decay(0.5).eps(1e-3).build();
    }

    private static long passes(FastGraph graph) {
        return graph.folds().stream().mapToLong(BatchNormFold::passes).sum();
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-4 * scale, what + ": max difference " + diff + " (scale " + scale + ")");
    }

    @Test
    void foldedInferenceGivesDl4jsAnswers() {
        ComputationGraph dl4j = FastLayersTest.plain(foldsConf());
        FastGraph fast = OneDnnRuntime.graph(foldsConf());
        fast.setParams(dl4j.params().dup());
        assertEquals(3, fast.folds().size(), "conv-bn1-relu6, dw-bn2-relu, c2-bn3; not c3-bn4");
        for (int step = 0; step < 4; step++) {
            dl4j.fit(FastLayersTest.batch(40 + step));
            fast.fit(FastLayersTest.batch(40 + step));
        }
        assertEquals(0, passes(fast), "training never folds");
        for (ComputationGraph g : List.of(dl4j, fast)) { // large gammas: ReLU6 clips some outputs
            g.getLayer("bn1").getParam("gamma").muli(40);
        }
        INDArray x = FastLayersTest.batch(77).getFeatures();
        Map<String, INDArray> unfolded = dl4j.feedForward(x, false);
        assertTrue(unfolded.get("relu6").eq(6.0).castTo(DataType.INT).sumNumber().intValue() > 0, "some ReLU6 outputs are clipped");

        INDArray expected = dl4j.outputSingle(x);
        INDArray folded = fast.outputSingle(x);
        assertClose(expected, folded, "folded inference output");
        assertClose(expected, fast.outputSingle(x), "a second folded pass, reusing the folds' memory");
        if (OneDnnRuntime.available()) {
            assertEquals(6, passes(fast), "each of the 3 folds ran in both passes");
        }
        fast.foldBatchNorm(false);
        assertClose(fast.outputSingle(x), folded, "the same graph, unfolded");
        fast.foldBatchNorm(true);
        if (OneDnnRuntime.available()) {
            assertEquals(3, fast.folds().stream().mapToLong(BatchNormFold::reusedWeights).sum(),
                    "the second pass found the parameters unchanged and reused the folded weights");
        }

        // a pass asked for a member's own output leaves that fold off (DL4J M2.1's output(List, ...), which asks
        // for layers by name, fails in its own workspace bookkeeping for inner layers, in DL4J's graph too)
        BatchNormFold second = fast.folds().get(1);
        second.begin(new int[] {fast.getVertex("bn2").getVertexIndex(), fast.getVertex("out").getVertexIndex()});
        assertFalse(second.on(), "bn2 asked for");
        second.begin(new int[] {fast.getVertex("out").getVertexIndex()});
        assertTrue(second.on(), "only the network output asked for");
        second.end();
        assertFalse(second.on());
        Map<String, INDArray> fastActivations = fast.feedForward(x, false);
        // (not bn1 and bn2: DL4J's own activation layers after them apply their activation in place in its map)
        for (String layer : List.of("relu6", "relu", "bn3", "add")) {
            assertClose(unfolded.get(layer), fastActivations.get(layer), "feedForward's " + layer);
        }
        // parameters changed in place, behind the graph's back: the next pass folds them again
        for (ComputationGraph g : List.of(dl4j, fast)) {
            g.getLayer("c1").getParam("W").muli(-1.5);
            g.getLayer("bn2").getParam("mean").addi(0.25);
            g.getLayer("dw").getParam("b").subi(0.5);
        }
        assertClose(dl4j.outputSingle(x), fast.outputSingle(x), "after the parameters changed in place");
    }

    /**
     * Fold A's output goes through a dropout layer (which hands its input on at inference) to fold B's convolution
     * and to the addition after B: B must not write into A's memory.
     */
    @Test
    void aFoldOutputHandedOnStaysUnshared() {
        ComputationGraphConfiguration conf = graph(5, 0.05)
                .addLayer("c1", sameConv(8), "in")
                .addLayer("bn1", bn(), "c1")
                .addLayer("relu6", new ActivationLayer.Builder().activation(Activation.RELU6).build(), "bn1")
                .addLayer("drop", new DropoutLayer.Builder(0.5).build(), "relu6")
                .addLayer("c2", sameConv(8), "drop")
                .addLayer("bn2", bn(), "c2")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn2")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "relu", "drop")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "add")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
        ComputationGraph dl4j = FastLayersTest.plain(conf.clone());
        FastGraph fast = OneDnnRuntime.graph(conf);
        fast.setParams(dl4j.params().dup());
        assertEquals(2, fast.folds().size());
        INDArray x = FastLayersTest.batch(8).getFeatures();
        assertClose(dl4j.outputSingle(x), fast.outputSingle(x), "inference output");
    }

    /**
     * A validation pass after training: its last, smaller batch runs a convolution primitive of its own, last used
     * an epoch (here: a training step) earlier, whose kept weight conversion is then stale although the folded
     * weights did not change since the previous batch. Wide enough (64 channels) that oneDNN converts the weights
     * into a blocked layout, where a stale conversion shows.
     */
    @Test
    void aSmallerLastBatchAfterTrainingUsesTheNewWeights() {
        ComputationGraphConfiguration conf = graph(6, 0.2)
                .addLayer("c1", sameConv(64), "in")
                .addLayer("bn1", bn(), "c1")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn1")
                .addLayer("c2", sameConv(64), "relu")
                .addLayer("bn2", bn(), "c2")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "bn2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
        ComputationGraph dl4j = FastLayersTest.plain(conf.clone());
        FastGraph fast = OneDnnRuntime.graph(conf);
        fast.setParams(dl4j.params().dup());
        INDArray full = FastLayersTest.batch(30).getFeatures();
        INDArray last = full.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5)).dup();
        for (int epoch = 0; epoch < 3; epoch++) {
            assertClose(dl4j.outputSingle(full), fast.outputSingle(full), "epoch " + epoch + ", full batch");
            assertClose(dl4j.outputSingle(last), fast.outputSingle(last), "epoch " + epoch + ", last batch");
            for (ComputationGraph g : List.of(dl4j, fast)) {
                g.fit(FastLayersTest.batch(50 + epoch));
            }
        }
        if (OneDnnRuntime.available()) {
            assertEquals(6, passes(fast) / 2, "both folds ran in each of the 6 passes");
        }
    }

    @Test
    void theLabPatternsFoldWhereTheyMay() {
        Assumptions.assumeTrue(OneDnnRuntime.available(), "oneDNN not loaded");
        FastGraph residual = OneDnnRuntime.graph(FastLayersTest.residualConf());
        assertEquals(1, residual.folds().size(), "c2-bn1 folds; bn2 (log std, after tanh) does not");
        FastGraph depthwise = OneDnnRuntime.graph(FastLayersTest.depthwiseConf());
        assertEquals(1, depthwise.folds().size(), "dw1-bn-relu6");
        PaddingFold padding = depthwise.folds().get(0).padding();
        assertTrue(padding != null, "the zero padding after relu6 is left to dw2");
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 3, 10, 10);
        ComputationGraph plain = FastLayersTest.plain(FastLayersTest.depthwiseConf());
        depthwise.setParams(plain.params().dup());
        assertClose(plain.outputSingle(x), depthwise.outputSingle(x), "depthwise graph, folded, padding in dw2");
        assertEquals(1, padding.passes());
    }

    /** The placeholder stands for the padded array; filled, it is the padded array, in the input's layout. */
    @Test
    void aPaddingPlaceholderFillsAsThePaddingWould() {
        Nd4j.getRandom().setSeed(2);
        INDArray nchw = Nd4j.randn(DataType.FLOAT, 2, 3, 4, 5);
        INDArray channelsLast = ChannelsLast.copy(org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces(),
                org.deeplearning4j.nn.workspace.ArrayType.ACTIVATIONS, nchw);
        int[] pad = {0, 1, 2, 1}; // top, bottom, left, right
        INDArray expected = Nd4j.zeros(DataType.FLOAT, 2, 3, 5, 8);
        expected.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 7)).assign(nchw);
        for (INDArray in : List.of(nchw, channelsLast)) {
            PaddingFold fold = new PaddingFold(a -> a == in, pad);
            var none = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
            assertEquals(null, fold.placeholder(in.dup(), none), "not the source's array: the padding computes");
            INDArray placeholder = fold.placeholder(in, none);
            assertEquals(ChannelsLast.is(in), ChannelsLast.is(placeholder), "laid out as the input");
            assertTrue(fold.unpadded(placeholder) == in && fold.unpadded(in) == null);
            assertArrayEquals(new int[] {2, 3}, fold.around(new int[] {2, 1}), "top 2 + 0, left 1 + 2");
            fold.fill();
            assertEquals(expected, placeholder);
            assertEquals(null, fold.unpadded(placeholder), "filled: the convolution reads the placeholder");
        }
    }
}
