package cnnlabs.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

class ModelSummaryTest {

    @Test
    void simpleCnnRowsMatchKerasLayerForLayer() {
        ModelSummary s = Architectures.get("simple-cnn").summary(BuildOptions.defaults());

        List<String> names = s.rows().stream().map(ModelSummary.Row::name).toList();
        List<Long> params = s.rows().stream().map(ModelSummary.Row::params).toList();
        List<String> shapes = s.rows().stream().map(ModelSummary.Row::outputShape).toList();

        assertEquals(List.of("input", "conv1", "pool1", "conv2", "pool2", "conv3", "flatten", "dense1", "dropout", "output"), names);
        // Keras: 320, 0, 18496, 0, 36928, 0, 36928, 0, 650
        assertEquals(List.of(0L, 320L, 0L, 18_496L, 0L, 36_928L, 0L, 36_928L, 0L, 650L), params);
        assertEquals(List.of("(None, 1, 28, 28)", "(None, 32, 26, 26)", "(None, 32, 13, 13)", "(None, 64, 11, 11)",
                "(None, 64, 5, 5)", "(None, 64, 3, 3)", "(None, 576)", "(None, 64)", "(None, 64)", "(None, 10)"), shapes);
        assertEquals("Flatten", s.rows().get(6).type());
    }

    @Test
    void resnetStyleCountsBatchNormStatisticsAsNonTrainable() {
        ModelSummary s = Architectures.get("resnet-style").summary(BuildOptions.defaults());

        ModelSummary.Row stemBn = s.rows().stream().filter(r -> r.name().equals("stem.bn")).findFirst().orElseThrow();
        assertEquals(256, stemBn.params());
        assertEquals(128, stemBn.trainable());
        assertEquals(2 * (64 + 64 + 64 + 3 * 128 + 3 * 256), s.nonTrainableParams());
        ModelSummary.Row add = s.rows().stream().filter(r -> r.name().equals("stage2.block1.add")).findFirst().orElseThrow();
        assertEquals(List.of("stage2.block1.bn2", "stage2.block1.shortcut.bn"), add.inputs());
        assertEquals("(None, 128, 14, 14)", add.outputShape());
        assertEquals("(None, 256, 7, 7)", s.rows().stream().filter(r -> r.name().equals("stage3.block1.relu"))
                .findFirst().orElseThrow().outputShape());
        // stage 1 keeps 64 channels at stride 1: identity shortcut, no projection
        assertTrue(s.rows().stream().noneMatch(r -> r.name().startsWith("stage1.block1.shortcut")));
    }

    @Test
    void textTableHasKerasTotals() {
        String text = Architectures.get("vgg-style").summary(BuildOptions.defaults()).toText("vgg-style");
        assertTrue(text.contains("Total params: 1,867,466"), text);
        assertTrue(text.contains("Trainable params: 1,867,466"), text);
        assertTrue(text.contains("Non-trainable params: 0"), text);
        assertTrue(text.contains("dense1 (DenseLayer)"), text);
    }

    @Test
    void batchNormMomentumReachesTheLayers() {
        ComputationGraph keras = Architectures.create("resnet-style",
                BuildOptions.defaults().withBnMomentum(BuildOptions.KERAS_BN_MOMENTUM));
        BatchNormalization bn = (BatchNormalization) keras.getLayer("stem.bn").conf().getLayer();
        assertEquals(0.99, bn.getDecay(), 0);
        assertEquals(1e-3, bn.getEps(), 0);
        BatchNormalization dflt = (BatchNormalization) Architectures.create("resnet-style", BuildOptions.defaults())
                .getLayer("stage3.block1.bn2").conf().getLayer();
        assertEquals(0.9, dflt.getDecay(), 0);
    }
}
