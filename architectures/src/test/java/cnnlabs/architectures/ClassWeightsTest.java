package cnnlabs.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Class weights in the classifier's loss: Keras' class_weight, as DL4J's weighted cross-entropy computes it. */
class ClassWeightsTest {

    @Test
    void theWeightedLossIsEachImagesLossTimesItsClassWeightAveragedOverTheBatch() {
        double[] weights = {1, 2, 0.5, 1, 1, 1, 1, 1, 1, 4};
        ComputationGraph weighted = Architectures.create("lenet5", BuildOptions.defaults().withClassWeights(weights));
        Nd4j.getRandom().setSeed(3);
        int n = 12;
        INDArray x = Nd4j.rand(n, 1, 28, 28);
        INDArray y = Nd4j.zeros(n, 10);
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            classes[i] = (i * 7) % 10;
            y.putScalar(i, classes[i], 1);
        }
        INDArray p = weighted.outputSingle(false, x);
        double expected = 0;
        for (int i = 0; i < n; i++) {
            expected -= weights[classes[i]] * Math.log(p.getDouble(i, classes[i]));
        }
        expected /= n;
        assertEquals(expected, weighted.score(new DataSet(x, y), false), 1e-4 * expected);

        ComputationGraph plain = Architectures.create("lenet5", BuildOptions.defaults());
        plain.setParams(weighted.params());
        assertTrue(Math.abs(plain.score(new DataSet(x, y), false) - expected) > 1e-3, "the weights change the loss");
        assertTrue(weighted.getConfiguration().toJson().contains("LossMCXENT"), "still DL4J's own loss class");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Architectures.create("lenet5",
                BuildOptions.defaults().withClassWeights(new double[] {1, 2})));
        assertTrue(e.getMessage().contains("2 class weights for a classifier of 10 classes"), e.getMessage());
    }
}
