package cnnlabs.experiments.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.MobileNetV2;
import cnnlabs.architectures.ModelSummary;
import cnnlabs.run.Engine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The transfer-learning stages on random data: what is frozen stays put, what is trained moves. */
class TransferGraphsTest {

    @TempDir
    Path dir;

    private static final MobileNetV2.Spec SPEC = MobileNetV2.Spec.lab(10);

    private static DataSet batch() {
        Nd4j.getRandom().setSeed(3);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 16, 10);
        for (int i = 0; i < 16; i++) {
            labels.putScalar(i, i % 10, 1.0);
        }
        return new DataSet(Nd4j.rand(DataType.FLOAT, 16, 3, 32, 32), labels);
    }

    /**
     * A stand-in for a pretrained base: a fresh MobileNetV2 in inference mode shrinks its activations to ~1e-12
     * (random weights, batch-norm statistics 0 and 1), so that nothing would reach the head. One training step
     * with batch-norm momentum 0 sets every moving statistic to the batch's, which keeps activations O(1).
     */
    private static ComputationGraph calibratedModel() {
        ComputationGraph model = TransferGraphs.mobileNet(Engine.fast(), BuildOptions.defaults().withBnMomentum(0.0), SPEC);
        model.fit(batch());
        return model;
    }

    private static Map<String, INDArray> snapshot(ComputationGraph g) {
        return FreezeBackbone.snapshot(g);
    }

    /** Fits {@code g} a few steps and returns the names of the parameters that changed (vertex/param). */
    private static Set<String> changedAfterFitting(ComputationGraph g) {
        Map<String, INDArray> before = snapshot(g);
        DataSet data = batch();
        for (int i = 0; i < 3; i++) {
            g.fit(data);
        }
        Map<String, INDArray> after = snapshot(g);
        Set<String> changed = new java.util.TreeSet<>();
        before.forEach((k, v) -> {
            // exact comparison: INDArray.equals tolerates differences below 1e-5
            if (!java.util.Arrays.equals(v.dup().data().asFloat(), after.get(k).dup().data().asFloat())) {
                changed.add(k);
            }
        });
        return changed;
    }

    @Test
    void featureExtractionMovesOnlyTheHead() {
        ComputationGraph model = calibratedModel();
        ComputationGraph stage1 = TransferGraphs.featureExtractor(Engine.fast(), model, 1e-3, 1);

        Set<String> changed = changedAfterFitting(stage1);

        // Only the dense head moves: every base weight and every base batch-norm statistic (mean, var) is unchanged.
        assertEquals(Set.of("dense/W", "dense/b"), changed);
    }

    @ParameterizedTest
    @ValueSource(ints = {20, 45})
    void fineTuningMovesTheLastNLayersAndTheHeadOnly(int unfrozen) {
        ComputationGraph model = calibratedModel();
        ComputationGraph stage2 = TransferGraphs.fineTuner(Engine.fast(), model, SPEC, unfrozen, 1e-4, 1);
        List<String> base = MobileNetV2.baseLayers(SPEC);
        Set<String> trainable = Set.copyOf(base.subList(base.size() - unfrozen, base.size()));

        Set<String> changed = changedAfterFitting(stage2);

        for (String key : snapshot(stage2).keySet()) {
            String layer = key.substring(0, key.indexOf('/'));
            // Keras' training=False: even the unfrozen batch norms keep their moving statistics; gamma and beta train
            boolean statistic = key.endsWith("/mean") || key.endsWith("/var");
            boolean shouldMove = (trainable.contains(layer) && !statistic) || layer.equals(MobileNetV2.HEAD_DENSE);
            assertEquals(shouldMove, changed.contains(key), key);
            assertEquals(!(trainable.contains(layer) || layer.equals(MobileNetV2.HEAD_DENSE)), ModelSummary.frozenLayers(stage2).contains(layer), layer);
        }
    }

    @Test
    void fineTuningKeepsTheWeightsItStartsFromAndUsesKerasBatchNorm() {
        ComputationGraph model = calibratedModel();
        ComputationGraph stage2 = TransferGraphs.fineTuner(Engine.fast(), model, SPEC, 20, 1e-4, 1);
        assertEquals(model.params(), stage2.params());
        INDArray x = batch().getFeatures();
        // the same outputs up to float rounding: the model's batch norms are DL4J's (the runtime's), the
        // fine-tuner's last ones Keras' inference-mode batch norm, which computes the same thing its own way
        INDArray expected = model.outputSingle(x);
        double diff = expected.sub(stage2.outputSingle(x)).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-4 * expected.amaxNumber().doubleValue(), "max output difference " + diff);
        for (String bn : MobileNetV2.batchNormsInLast(SPEC, 20)) {
            assertTrue(stage2.getLayer(bn) instanceof cnnlabs.architectures.layers.InferenceBatchNorm.Impl, bn);
        }
        assertEquals(7, MobileNetV2.batchNormsInLast(SPEC, 20).size());
    }

    @Test
    void copyLayersCarriesTheBaseAndLeavesTheNewHead() {
        ComputationGraph source = TransferGraphs.mobileNet(Engine.fast(), BuildOptions.defaults().withSeed(1), SPEC);
        ComputationGraph target = TransferGraphs.mobileNet(Engine.fast(), BuildOptions.defaults().withSeed(2), SPEC);
        INDArray head = target.getLayer(MobileNetV2.HEAD_DENSE).params().dup();

        TransferGraphs.copyLayers(source, target, TransferGraphs.baseLayersWithParameters(target));

        for (String layer : TransferGraphs.baseLayersWithParameters(target)) {
            assertEquals(source.getLayer(layer).params(), target.getLayer(layer).params(), layer);
        }
        assertEquals(head, target.getLayer(MobileNetV2.HEAD_DENSE).params());
        assertFalse(TransferGraphs.baseLayersWithParameters(target).contains(MobileNetV2.HEAD_DENSE));
    }
}
