package cnnlabs.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** A lab's model with a classifier for a dataset of another number of classes (a folder of images). */
class ClassCountTest {

    @Test
    void withClassesChangesOnlyTheClassifiersWidth() {
        Architecture simple = Architectures.get("simple-cnn");
        assertSame(simple, simple.withClasses(10));
        Architecture three = simple.withClasses(3);
        assertEquals(3, three.numClasses());
        assertEquals(simple.inputShape(), three.inputShape());
        ComputationGraph graph = three.build(BuildOptions.defaults());
        assertEquals(3, graph.outputSingle(false, Nd4j.rand(2, 1, 28, 28)).size(1));
        // dense1 (64) to the classifier: 64 * 10 + 10 parameters become 64 * 3 + 3
        assertEquals(93_322 - (64 * 7 + 7), graph.numParams());
        ComputationGraph weighted = simple.withClasses(4).build(BuildOptions.defaults()
                .withClassWeights(new double[] {1, 2, 1, 1}));
        assertEquals(4, weighted.getOutputLayer(0).getParam("b").length());
    }

    @Test
    void aClassifierNeedsTwoClasses() {
        assertThrows(IllegalArgumentException.class, () -> BuildOptions.defaults().withClasses(1));
        assertEquals(10, BuildOptions.defaults().classesOr(10));
        assertEquals(5, BuildOptions.defaults().withClasses(5).classesOr(10));
    }
}
