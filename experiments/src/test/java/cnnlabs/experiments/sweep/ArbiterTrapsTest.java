package cnnlabs.experiments.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cnnlabs.experiments.settings.Optimizer;
import cnnlabs.experiments.training.Optimizers;
import org.deeplearning4j.arbiter.conf.updater.AdamSpace;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Arbiter 1.0.0-beta7's traps, pinned so that a later Arbiter that fixes them is noticed, and the reason cnnlabs'
 * sweeps search experiment settings (the optimiser by name, Keras' Adam) rather than Arbiter's DL4J layer spaces.
 */
class ArbiterTrapsTest {

    @Test
    void adamSpaceWithOnlyALearningRateSamplesBetasAndEpsilonOfOneThousandth() {
        AdamSpace space = new AdamSpace(new ContinuousParameterSpace(1e-4, 1e-2));
        int i = 0;
        for (ParameterSpace<?> leaf : space.collectLeaves()) {
            leaf.setIndices(i++);
        }
        Adam adam = (Adam) space.getValue(new double[] {0.5, 0.5, 0.5, 0.5});
        assertEquals(0.001, adam.getBeta1(), 0, "Arbiter's trap: beta1 is not Adam's 0.9");
        assertEquals(0.001, adam.getBeta2(), 0, "Arbiter's trap: beta2 is not Adam's 0.999");
        assertEquals(0.001, adam.getEpsilon(), 0, "Arbiter's trap: epsilon is not 1e-8 (or Keras' 1e-7)");

        Adam ours = (Adam) Optimizers.updater(new Optimizer(Optimizer.Kind.ADAM, 0.9, 0), 0.001);
        assertEquals(0.9, ours.getBeta1(), 0);
        assertEquals(0.999, ours.getBeta2(), 0);
        assertEquals(1e-7, ours.getEpsilon(), 0);
    }

    @Test
    void aLeafReadBeforeAGeneratorSetItsIndicesThrows() {
        ContinuousParameterSpace lr = new ContinuousParameterSpace(1e-4, 1e-2);
        assertThrows(RuntimeException.class, () -> lr.getValue(new double[] {0.5}));
        lr.setIndices(0);
        assertEquals(1e-4 + 0.5 * (1e-2 - 1e-4), lr.getValue(new double[] {0.5}), 1e-12);
    }
}
