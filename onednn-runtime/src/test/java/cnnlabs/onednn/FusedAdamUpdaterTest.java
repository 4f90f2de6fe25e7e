package cnnlabs.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The fused Adam pass against DL4J's own updater: the same parameters and updater state to the bit, on the same
 * state array (so checkpoints and saved models are DL4J's), and DL4J's path wherever the pass does not apply.
 */
class FusedAdamUpdaterTest {

    /** Five steps of a graph whose batch norms split Adam into blocks, fused and through DL4J's updater. */
    @Test
    void adamStepsAreDl4jsToTheBit() {
        IUpdater adam = Adam.builder().learningRateSchedule(new ExponentialSchedule(ScheduleType.ITERATION, 2e-3, 0.9))
                .beta1(0.9).beta2(0.999).epsilon(1e-7).build();
        FastGraph fused = OneDnnRuntime.graph(FastLayersTest.residualConf(adam));
        FastGraph dl4j = OneDnnRuntime.graph(FastLayersTest.residualConf(adam));
        dl4j.fusedUpdater(false);
        trainAlike(fused, dl4j, 5);
        FusedAdamUpdater updater = assertInstanceOf(FusedAdamUpdater.class, fused.getUpdater());
        assertTrue(updater.fused(), "the fused pass ran");
        assertFalse(dl4j.getUpdater() instanceof FusedAdamUpdater);
        assertTrue(updater.getUpdaterBlocks().size() > 2, "batch norm's statistics split the Adam blocks");
        assertBits(dl4j.params(), fused.params(), "parameters");
        assertBits(dl4j.getUpdater().getStateViewArray(), fused.getUpdater().getStateViewArray(), "updater state");
    }

    /** Frozen layers (NoOp blocks between the Adam ones) and switching the pass off and on mid-training. */
    @Test
    void frozenLayersAndSwitchingKeepDl4jsNumbers() {
        Adam adam = new Adam(1e-2);
        FastGraph fused = OneDnnRuntime.fast(new TransferLearning.GraphBuilder(
                FastLayersTest.plain(FastLayersTest.residualConf(adam))).setFeatureExtractor("bn1").build());
        FastGraph dl4j = OneDnnRuntime.fast(new TransferLearning.GraphBuilder(
                FastLayersTest.plain(FastLayersTest.residualConf(adam))).setFeatureExtractor("bn1").build());
        dl4j.fusedUpdater(false);
        trainAlike(fused, dl4j, 2);
        INDArray state = fused.getUpdater().getStateViewArray();
        fused.fusedUpdater(false);
        trainAlike(fused, dl4j, 1);
        fused.fusedUpdater(true);
        trainAlike(fused, dl4j, 2);
        assertTrue(((FusedAdamUpdater) fused.getUpdater()).fused());
        assertTrue(state == fused.getUpdater().getStateViewArray(), "one state array throughout");
        assertBits(dl4j.params(), fused.params(), "parameters");
        assertBits(dl4j.getUpdater().getStateViewArray(), fused.getUpdater().getStateViewArray(), "updater state");
    }

    /** SGD is not Adam: the whole step takes DL4J's path, with DL4J's numbers. */
    @Test
    void otherUpdatersTakeDl4jsPath() {
        FastGraph fused = OneDnnRuntime.graph(FastLayersTest.residualConf(new Sgd(0.05)));
        FastGraph dl4j = OneDnnRuntime.graph(FastLayersTest.residualConf(new Sgd(0.05)));
        dl4j.fusedUpdater(false);
        trainAlike(fused, dl4j, 2);
        assertFalse(((FusedAdamUpdater) fused.getUpdater()).fused());
        assertBits(dl4j.params(), fused.params(), "parameters");
    }

    /**
     * The pass's arithmetic against libnd4j's {@code adam_updater} op at every one of 6,000 iterations (the rate's
     * powers of beta change every step) and two sets of betas: equal to the bit.
     */
    @Test
    void elementArithmeticIsLibnd4jsAtEveryIteration() {
        for (Adam config : new Adam[] {new Adam(1e-3, 0.9, 0.999, 1e-7), new Adam(0.1, 0.5, 0.75, 1e-3)}) {
            Nd4j.getRandom().setSeed(11);
            int n = 97;
            for (int it = 0; it < 6000; it++) {
                INDArray g = Nd4j.randn(DataType.FLOAT, n);
                INDArray m = Nd4j.randn(DataType.FLOAT, n).muli(0.1);
                INDArray v = Nd4j.rand(DataType.FLOAT, n).muli(0.01);
                INDArray g2 = g.dup();
                INDArray m2 = m.dup();
                INDArray v2 = v.dup();
                Nd4j.exec(new AdamUpdater(g, v, m, config.getLearningRate(it, 0), config.getBeta1(),
                        config.getBeta2(), config.getEpsilon(), it));
                FusedAdamUpdater.step(FusedAdamUpdater.floats(g2), 0, FusedAdamUpdater.floats(m2),
                        FusedAdamUpdater.floats(v2), 0, n, 1f, (float) config.getBeta1(), (float) config.getBeta2(),
                        FusedAdamUpdater.biasCorrectedRate(config, it, 0), (float) config.getEpsilon());
                assertBits(g, g2, "update at iteration " + it);
                assertBits(m, m2, "m at iteration " + it);
                assertBits(v, v2, "v at iteration " + it);
            }
        }
    }

    /**
     * The pass over a range longer than its chunk of Java arrays, from an offset into the gradient and split in two
     * at an element inside a chunk (as two threads split it), with zero and tiny (subnormal) gradients among the
     * values: libnd4j's {@code adam_updater} on the whole arrays, to the bit.
     */
    @Test
    void chunkedRangesAreLibnd4jsToo() {
        Adam config = new Adam(1e-3, 0.9, 0.999, 1e-7);
        Nd4j.getRandom().setSeed(5);
        int n = 5003;
        int offset = 11;
        for (int it = 0; it < 20; it++) {
            INDArray g = Nd4j.randn(DataType.FLOAT, n);
            for (int i = 0; i < n; i += 7) {
                g.putScalar(i, i % 2 == 0 ? 0f : 1e-41f);
            }
            INDArray m = Nd4j.randn(DataType.FLOAT, n).muli(0.1);
            INDArray v = Nd4j.rand(DataType.FLOAT, n).muli(0.01);
            INDArray padded = Nd4j.zeros(DataType.FLOAT, n + offset);
            padded.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, n + offset)).assign(g);
            INDArray m2 = m.dup();
            INDArray v2 = v.dup();
            Nd4j.exec(new AdamUpdater(g, v, m, config.getLearningRate(it, 0), config.getBeta1(), config.getBeta2(),
                    config.getEpsilon(), it));
            float rate = FusedAdamUpdater.biasCorrectedRate(config, it, 0);
            var gb = FusedAdamUpdater.floats(padded);
            var mb = FusedAdamUpdater.floats(m2);
            var vb = FusedAdamUpdater.floats(v2);
            int split = 2500;
            FusedAdamUpdater.step(gb, offset, mb, vb, 0, split, 1f, 0.9f, 0.999f, rate, 1e-7f);
            FusedAdamUpdater.step(gb, offset, mb, vb, split, n, 1f, 0.9f, 0.999f, rate, 1e-7f);
            assertBits(g, padded.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, n + offset)).dup(),
                    "update at iteration " + it);
            assertBits(m, m2, "m at iteration " + it);
            assertBits(v, v2, "v at iteration " + it);
            assertEquals(0f, padded.getFloat(offset - 1), "the element before the offset is left alone");
        }
    }

    private static void trainAlike(ComputationGraph a, ComputationGraph b, int steps) {
        for (int i = 0; i < steps; i++) {
            long seed = a.getConfiguration().getIterationCount() + 1;
            a.fit(FastLayersTest.batch(seed));
            b.fit(FastLayersTest.batch(seed));
        }
    }

    private static void assertBits(INDArray expected, INDArray actual, String what) {
        float[] e = expected.data().asFloat();
        float[] a = actual.data().asFloat();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            if (Float.floatToIntBits(e[i]) != Float.floatToIntBits(a[i])) {
                throw new AssertionError(what + " differ first at element " + i + ": " + e[i] + " (DL4J) against "
                        + a[i]);
            }
        }
    }
}
