package cnnlabs.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Every registered architecture builds, runs forward, trains, and has exactly the parameter counts of the lab's
 * original: Keras' model.summary() for Lab 3's Keras models, PyTorch's sum of parameter sizes for the PyTorch
 * ones (those numbers printed by experiments/reference/seed_param_counts.py from the seeds' own modules).
 */
class ArchitecturesTest {

    /**
     * name -> {parameters as PyTorch counts them (= Keras' trainable count), batch-norm moving statistics}.
     * Keras' total is their sum.
     */
    private static final Map<String, long[]> COUNTS = Map.ofEntries(
            Map.entry("simple-cnn", new long[] {93_322, 0}),
            Map.entry("lenet5", new long[] {44_426, 0}),
            Map.entry("vgg-style", new long[] {1_867_466, 0}),
            Map.entry("resnet-style", new long[] {1_227_786, 2_688}),
            Map.entry("pytorch-simple-cnn", new long[] {93_322, 0}),
            Map.entry("small-cnn", new long[] {545_290, 192}),
            Map.entry("configurable-baseline", new long[] {20_234, 192}),
            Map.entry("configurable-deeper", new long[] {464_778, 1_216}),
            Map.entry("simple-cnn-001", new long[] {421_642, 0}),
            Map.entry("lenet-001", new long[] {61_706, 0}),
            Map.entry("cnn-bn-001", new long[] {60_554, 192}),
            Map.entry("cnn-plain-001", new long[] {60_362, 0}),
            Map.entry("simple-cnn-002", new long[] {620_362, 0}),
            Map.entry("vgg-bn", new long[] {1_806_154, 2_304}),
            Map.entry("resnet18", new long[] {11_173_962, 9_600}),
            Map.entry("resnet34", new long[] {21_282_122, 17_024}),
            Map.entry("resnet50", new long[] {23_520_842, 53_120}),
            Map.entry("tiny-cnn", new long[] {60_362, 0}),
            Map.entry("alexnet", new long[] {61_100_840, 0}),
            Map.entry("mobilenetv2", new long[] {2_236_682, 34_112}));

    static Stream<Architecture> registered() {
        return Architectures.all().stream();
    }

    @Test
    void everyRegisteredArchitectureHasAnExpectedCount() {
        assertEquals(COUNTS.keySet(), java.util.Set.copyOf(Architectures.names()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registered")
    void parameterCountsEqualTheOriginals(Architecture architecture) {
        ModelSummary summary = architecture.summary(BuildOptions.defaults());
        long[] expected = COUNTS.get(architecture.name());

        assertEquals(expected[0], summary.pytorchParams(), "PyTorch count");
        assertEquals(expected[0], summary.trainableParams(), "Keras trainable");
        assertEquals(expected[0] + expected[1], summary.totalParams(), "Keras total");
        assertEquals(expected[1], summary.bnStatistics(), "batch-norm moving statistics");
        assertEquals(summary.totalParams(), architecture.build(BuildOptions.defaults()).numParams());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registered")
    void forwardPassGivesAProbabilityPerClass(Architecture architecture) {
        ComputationGraph graph = architecture.build(BuildOptions.defaults());
        INDArray input = Nd4j.rand(architecture.inputShape().batchShape(2));

        INDArray out = graph.outputSingle(input);

        assertArrayEquals(new long[] {2, architecture.numClasses()}, out.shape());
        assertFalse(out.isNaN().any() || out.isInfinite().any());
        INDArray rowSums = out.sum(1);
        for (int i = 0; i < 2; i++) {
            assertEquals(1.0, rowSums.getDouble(i), 1e-4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registered")
    void fittingOneBatchLowersItsLoss(Architecture architecture) {
        ComputationGraph graph = architecture.build(BuildOptions.defaults());
        // A small batch of 4 classes (2 images each): one fixed random prototype per class plus a little noise,
        // so there is something to learn. Small, so that the large models (AlexNet at 224x224) stay quick.
        Nd4j.getRandom().setSeed(7);
        int batchSize = 8;
        int classes = 4;
        INDArray prototypes = Nd4j.rand(architecture.inputShape().batchShape(classes));
        INDArray features = Nd4j.rand(architecture.inputShape().batchShape(batchSize)).muli(0.1);
        INDArray labels = Nd4j.zeros(batchSize, architecture.numClasses());
        for (int i = 0; i < batchSize; i++) {
            features.get(NDArrayIndex.point(i)).addi(prototypes.get(NDArrayIndex.point(i % classes)));
            labels.putScalar(i, i % classes, 1.0);
        }
        DataSet batch = new DataSet(features, labels);

        // The training-mode loss that fit computes before each update. (Inference-mode loss is no measure
        // here: after a few steps the batch-norm moving statistics still hold mostly their initial values.)
        graph.fit(batch);
        double first = graph.score();
        for (int i = 0; i < 10; i++) {
            graph.fit(batch);
        }
        double last = graph.score();

        assertTrue(last < first - 0.05, "training loss " + first + " -> " + last);
    }

    @Test
    void sameSeedSameWeights() {
        INDArray a = Architectures.create("lenet5", BuildOptions.defaults()).params();
        INDArray b = Architectures.create("lenet5", BuildOptions.defaults()).params();
        INDArray c = Architectures.create("lenet5", BuildOptions.defaults().withSeed(7)).params();
        assertEquals(a, b);
        assertFalse(a.equals(c));
    }

    @Test
    void unknownNameListsTheValidNames() {
        UnknownNameException e = assertThrows(UnknownNameException.class, () -> Architectures.get("resnet-9000"));
        assertTrue(e.getMessage().contains("'resnet-9000'"), e.getMessage());
        for (String name : Architectures.names()) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void lookupIgnoresCase() {
        assertEquals("vgg-style", Architectures.get("VGG-Style").name());
    }

    @Test
    void aDropoutRateInTheBuildOptionsSetsEveryDropoutLayerAndZeroKeepsThemAsPassThroughs() {
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration lab = Architectures.get("vgg-bn")
                .configure(BuildOptions.defaults());
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration rate = Architectures.get("vgg-bn")
                .configure(BuildOptions.defaults().withDropout(0.3));
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration none = Architectures.get("vgg-bn")
                .configure(BuildOptions.defaults().withDropout(0));
        assertEquals(0.5, 1 - retain(lab), 1e-12, "the seed's Dropout(0.5)");
        assertEquals(0.3, 1 - retain(rate), 1e-12);
        assertEquals(null, dropoutLayer(none).getIDropout(), "rate 0: the layer passes its input through");
        assertEquals(lab.getVertices().keySet(), none.getVertices().keySet(), "vertex names stay");
        assertThrows(IllegalArgumentException.class, () -> BuildOptions.defaults().withDropout(1.0));
    }

    private static org.deeplearning4j.nn.conf.layers.Layer dropoutLayer(
            org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf) {
        return ((org.deeplearning4j.nn.conf.graph.LayerVertex) conf.getVertices().get("classifier.dropout"))
                .getLayerConf().getLayer();
    }

    private static double retain(org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf) {
        return ((org.deeplearning4j.nn.conf.dropout.Dropout) dropoutLayer(conf).getIDropout()).getP();
    }
}
