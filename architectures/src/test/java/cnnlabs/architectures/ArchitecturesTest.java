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

/** Every registered architecture builds, runs forward, trains, and has exactly Keras' parameter counts. */
class ArchitecturesTest {

    /** name -> {total, trainable} as Keras' model.summary() reports them for the lab's models. */
    private static final Map<String, long[]> KERAS_COUNTS = Map.of(
            "simple-cnn", new long[] {93_322, 93_322},
            "lenet5", new long[] {44_426, 44_426},
            "vgg-style", new long[] {1_867_466, 1_867_466},
            "resnet-style", new long[] {1_230_474, 1_227_786});

    static Stream<Architecture> registered() {
        return Architectures.all().stream();
    }

    @Test
    void everyRegisteredArchitectureHasAnExpectedCount() {
        assertEquals(KERAS_COUNTS.keySet(), java.util.Set.copyOf(Architectures.names()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registered")
    void parameterCountsEqualKeras(Architecture architecture) {
        ModelSummary summary = architecture.summary(BuildOptions.defaults());
        long[] expected = KERAS_COUNTS.get(architecture.name());

        assertEquals(expected[0], summary.totalParams(), "total");
        assertEquals(expected[1], summary.trainableParams(), "trainable");
        assertEquals(summary.totalParams(), architecture.build(BuildOptions.defaults()).numParams());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registered")
    void forwardPassGivesAProbabilityPerClass(Architecture architecture) {
        ComputationGraph graph = architecture.build(BuildOptions.defaults());
        INDArray input = Nd4j.rand(architecture.inputShape().batchShape(5));

        INDArray out = graph.outputSingle(input);

        assertArrayEquals(new long[] {5, architecture.numClasses()}, out.shape());
        assertFalse(out.isNaN().any() || out.isInfinite().any());
        INDArray rowSums = out.sum(1);
        for (int i = 0; i < 5; i++) {
            assertEquals(1.0, rowSums.getDouble(i), 1e-4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registered")
    void fittingOneBatchLowersItsLoss(Architecture architecture) {
        ComputationGraph graph = architecture.build(BuildOptions.defaults());
        // 32 images: one fixed random prototype per class plus a little noise, so there is something to learn.
        Nd4j.getRandom().setSeed(7);
        int classes = architecture.numClasses();
        INDArray prototypes = Nd4j.rand(architecture.inputShape().batchShape(classes));
        INDArray features = Nd4j.rand(architecture.inputShape().batchShape(32)).muli(0.1);
        INDArray labels = Nd4j.zeros(32, classes);
        for (int i = 0; i < 32; i++) {
            features.get(NDArrayIndex.point(i)).addi(prototypes.get(
                    NDArrayIndex.point(i % classes)));
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
}
