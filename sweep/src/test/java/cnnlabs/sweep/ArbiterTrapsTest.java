package cnnlabs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cnnlabs.training.optim.Optimizer;
import cnnlabs.training.optim.Optimizers;
import org.deeplearning4j.arbiter.conf.updater.AdamSpace;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import java.util.Properties;
import org.deeplearning4j.arbiter.DL4JConfiguration;
import org.deeplearning4j.arbiter.MultiLayerSpace;
import org.deeplearning4j.arbiter.layers.DenseLayerSpace;
import org.deeplearning4j.arbiter.layers.OutputLayerSpace;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxCandidatesCondition;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.LocalOptimizationRunner;
import org.deeplearning4j.arbiter.saver.local.FileModelSaver;
import org.deeplearning4j.arbiter.scoring.impl.TestSetLossScoreFunction;
import org.deeplearning4j.arbiter.task.MultiLayerNetworkTaskCreator;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

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

    /** A space without input types: the generated layers keep nIn = 0. */
    private static MultiLayerSpace spaceWithoutInputTypes() {
        return new MultiLayerSpace.Builder()
                .addLayer(new DenseLayerSpace.Builder().nOut(new org.deeplearning4j.arbiter.optimize.parameter.integer
                        .IntegerParameterSpace(4, 8)).activation(Activation.RELU).build())
                .addLayer(new OutputLayerSpace.Builder().nOut(3).activation(Activation.SOFTMAX)
                        .lossFunction(LossFunctions.LossFunction.MCXENT).build())
                .build();
    }

    @Test
    void aSpaceWithoutInputTypesBuildsLayersWithNInZeroAndTheRunnerRecordsFailuresInsteadOfThrowing(@TempDir java.nio.file.Path dir)
            throws Exception {
        RandomSearchGenerator generator = new RandomSearchGenerator(spaceWithoutInputTypes(), null);
        Candidate<?> candidate = generator.getCandidate();
        DL4JConfiguration conf = (DL4JConfiguration) candidate.getValue();
        DenseLayer first = (DenseLayer) conf.getMultiLayerConfiguration().getConf(0).getLayer();
        assertEquals(0, first.getNIn(), "Arbiter's trap: without input types, nIn stays 0");

        OptimizationConfiguration configuration = new OptimizationConfiguration.Builder()
                .candidateGenerator(new RandomSearchGenerator(spaceWithoutInputTypes(), null))
                .dataSource(TinyData.class, new Properties())
                .modelSaver(new FileModelSaver(dir.toString()))
                .scoreFunction(new TestSetLossScoreFunction(true))
                .terminationConditions(new MaxCandidatesCondition(2))
                .build();
        IOptimizationRunner runner = new LocalOptimizationRunner(configuration, new MultiLayerNetworkTaskCreator());
        runner.execute(); // does not throw: the broken candidates are only logged

        assertEquals(2, runner.numCandidatesFailed(), "both candidates fail (nIn = 0), recorded, not thrown");
        assertEquals(0, runner.numCandidatesCompleted());
    }

    /** Six random 5-feature rows of three classes, for Arbiter's runner (it instantiates a data source by class). */
    public static final class TinyData implements DataSource {
        @Override
        public void configure(Properties properties) {
        }

        private static Object data() {
            Nd4j.getRandom().setSeed(1);
            return new SingletonDataSetIterator(new DataSet(Nd4j.rand(6, 5), Nd4j.eye(3).repeat(0, 2)));
        }

        @Override
        public Object trainData() {
            return data();
        }

        @Override
        public Object testData() {
            return data();
        }

        @Override
        public Class<?> getDataType() {
            return org.nd4j.linalg.dataset.api.iterator.DataSetIterator.class;
        }
    }
}
