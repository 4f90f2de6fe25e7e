package cnnlabs.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.junit.jupiter.api.Test;

/** MobileNetV2 against the numbers Keras prints for {@code keras.applications.MobileNetV2} and Lab 3 Part 5. */
class MobileNetV2Test {

    private static final MobileNetV2.Spec NO_TOP = MobileNetV2.Spec.lab(10).withTop(MobileNetV2.Top.NONE, 0);

    private static ComputationGraph build(MobileNetV2.Spec spec) {
        ComputationGraph g = new ComputationGraph(MobileNetV2.configure(BuildOptions.defaults(), spec));
        g.init();
        return g;
    }

    @Test
    void baseWithoutTopHasKerasCounts() {
        ModelSummary s = ModelSummary.of(build(NO_TOP), MobileNetV2.CIFAR);
        assertEquals(2_257_984, s.totalParams());
        assertEquals(2_223_872, s.trainableParams());
        assertEquals(34_112, s.nonTrainableParams());
    }

    @Test
    void labModelCountsAtEachStage() {
        MobileNetV2.Spec spec = MobileNetV2.Spec.lab(10);
        ComputationGraph model = build(spec);
        assertEquals(2_270_794, ModelSummary.of(model, spec.input()).totalParams());

        ComputationGraph frozen = new TransferLearning.GraphBuilder(model).setFeatureExtractor(MobileNetV2.BASE_OUTPUT)
                .build();
        ModelSummary featureExtraction = ModelSummary.of(frozen, spec.input());
        assertEquals(2_270_794, featureExtraction.totalParams());
        assertEquals(12_810, featureExtraction.trainableParams());

        ComputationGraph fineTune = new TransferLearning.GraphBuilder(build(spec))
                .setFeatureExtractor(MobileNetV2.freezeBoundary(spec, 20)).build();
        ModelSummary fineTuning = ModelSummary.of(fineTune, spec.input());
        assertEquals(2_270_794, fineTuning.totalParams());
        assertEquals(1_218_890, fineTuning.trainableParams());
    }

    @Test
    void theLastTwentyKerasLayersAreExactlyTheUnfrozenOnes() {
        MobileNetV2.Spec spec = MobileNetV2.Spec.lab(10);
        List<String> layers = MobileNetV2.baseLayers(spec);
        // Keras' base_model.layers has 154 entries: the input layer and these 153.
        assertEquals(153, layers.size());
        List<String> last20 = layers.subList(layers.size() - 20, layers.size());
        assertEquals("block_15_expand", last20.get(0));
        assertEquals("out_relu", last20.get(19));
        assertEquals("block_14_add", MobileNetV2.freezeBoundary(spec, 20));

        ComputationGraph fineTune = new TransferLearning.GraphBuilder(build(spec))
                .setFeatureExtractor(MobileNetV2.freezeBoundary(spec, 20)).build();
        Set<String> frozen = ModelSummary.frozenLayers(fineTune);
        Set<String> earlierLayers = layers.subList(0, layers.size() - 20).stream()
                .filter(n -> fineTune.getVertex(n).hasLayer()).collect(Collectors.toSet());
        assertEquals(earlierLayers, frozen);
    }

    @Test
    void shapesAndNamesFollowKerasAt224() {
        MobileNetV2.Spec spec = new MobileNetV2.Spec(1.0, new InputShape(3, 224, 224), MobileNetV2.Top.KERAS, 1000);
        ModelSummary s = ModelSummary.of(build(spec), spec.input());
        Map<String, ModelSummary.Row> rows = s.rows().stream()
                .collect(Collectors.toMap(ModelSummary.Row::name, Function.identity()));
        // keras.applications.MobileNetV2().summary(), channels moved first
        assertEquals("(None, 32, 112, 112)", rows.get("Conv1").outputShape());
        assertEquals(864, rows.get("Conv1").params());
        assertEquals("(None, 96, 113, 113)", rows.get("block_1_pad").outputShape());
        assertEquals("(None, 96, 56, 56)", rows.get("block_1_depthwise").outputShape());
        assertEquals(864, rows.get("block_1_depthwise").params());
        assertEquals("(None, 24, 56, 56)", rows.get("block_2_add").outputShape());
        assertEquals("(None, 1280, 7, 7)", rows.get("out_relu").outputShape());
        assertEquals(1_281_000, rows.get("predictions").params());
        assertEquals(3_538_984, s.totalParams());
        assertEquals(3_504_872, s.trainableParams());
    }

    @Test
    void widthMultiplierFollowsKerasRounding() {
        assertEquals(8, MobileNetV2.makeDivisible(0.35 * 16, 8));
        assertEquals(16, MobileNetV2.makeDivisible(11, 8));
        assertEquals(48, MobileNetV2.makeDivisible(32 * 1.4, 8));
        MobileNetV2.Spec narrow = new MobileNetV2.Spec(0.35, MobileNetV2.CIFAR, MobileNetV2.Top.NONE, 0);
        // keras.applications.MobileNetV2(alpha=0.35, include_top=False): 410,208 parameters, 1280 channels out
        assertEquals(410_208, ModelSummary.of(build(narrow), narrow.input()).totalParams());
    }

    @Test
    void invalidSpecsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MobileNetV2.Spec(0, MobileNetV2.CIFAR, MobileNetV2.Top.NONE, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new MobileNetV2.Spec(1, new InputShape(1, 32, 32), MobileNetV2.Top.NONE, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new MobileNetV2.Spec(1, new InputShape(3, 16, 16), MobileNetV2.Top.NONE, 0));
        assertThrows(IllegalArgumentException.class, () -> new MobileNetV2.Spec(1, MobileNetV2.CIFAR, MobileNetV2.Top.LAB, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MobileNetV2.freezeBoundary(MobileNetV2.Spec.lab(10), 153));
        assertTrue(e.getMessage().contains("153"), e.getMessage());
    }
}
