package cnnlabs.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every registered block, alone in a graph: builds, runs forward to the seed's output shape, and has the seed's
 * parameter count (experiments/reference/seed_param_counts.py prints the PyTorch side).
 */
class BlocksTest {

    /** name -> {PyTorch parameter count, batch-norm moving statistics, output C, H, W}. */
    private static final Map<String, long[]> EXPECTED = Map.of(
            "basic-block", new long[] {73_984, 256, 64, 32, 32},
            "basic-block-down", new long[] {230_144, 768, 128, 16, 16},
            "bottleneck", new long[] {75_008, 1_280, 256, 32, 32},
            "channel-mixer", new long[] {16_448, 0, 64, 32, 32},
            "conv3x3", new long[] {73_856, 0, 128, 32, 32},
            "depthwise-separable", new long[] {9_152, 384, 128, 32, 32},
            "se-block", new long[] {512, 0, 64, 32, 32},
            "se-basic-block", new long[] {74_496, 256, 64, 32, 32},
            "mbconv", new long[] {18_112, 576, 32, 16, 16},
            "dense-block", new long[] {206_720, 1_920, 192, 16, 16});

    static Stream<Block> blocks() {
        return BlockCatalog.all().stream();
    }

    @Test
    void everyBlockHasAnExpectation() {
        assertEquals(EXPECTED.keySet(), Set.copyOf(BlockCatalog.names()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocks")
    void parameterCountsEqualTheSeeds(Block block) {
        ModelSummary summary = block.summary(BuildOptions.defaults());
        long[] expected = EXPECTED.get(block.name());

        assertEquals(expected[0], summary.pytorchParams(), "PyTorch count");
        assertEquals(expected[1], summary.bnStatistics(), "batch-norm moving statistics");
        assertEquals(expected[0], summary.trainableParams());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocks")
    void forwardGivesTheSeedsOutputShape(Block block) {
        ComputationGraph graph = block.build(BuildOptions.defaults());
        long[] expected = EXPECTED.get(block.name());

        INDArray out = graph.outputSingle(Nd4j.randn(block.inputShape().batchShape(2)));

        assertArrayEquals(new long[] {2, expected[2], expected[3], expected[4]}, out.shape());
        assertFalse(out.isNaN().any() || out.isInfinite().any());
    }

    @Test
    void depthwiseSeparableNeedsAboutAnEighthOfTheParameters() {
        long standard = BlockCatalog.get("conv3x3").summary(BuildOptions.defaults()).pytorchParams();
        long separable = BlockCatalog.get("depthwise-separable").summary(BuildOptions.defaults()).pytorchParams();
        assertEquals(8.07, (double) standard / separable, 0.01);
    }

    @Test
    void denseBlockPassesItsInputThroughUnchangedAsTheFirstChannels() {
        ComputationGraph graph = BlockCatalog.get("dense-block").build(BuildOptions.defaults());
        INDArray input = Nd4j.randn(BlockCatalog.get("dense-block").inputShape().batchShape(2));

        INDArray out = graph.outputSingle(input);

        assertEquals(input, out.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 64)));
    }

    @Test
    void seBlockOutputIsItsInputScaledPerChannelByASigmoid() {
        ComputationGraph graph = BlockCatalog.get("se-block").build(BuildOptions.defaults());
        INDArray input = Nd4j.randn(BlockCatalog.get("se-block").inputShape().batchShape(2));

        INDArray out = graph.outputSingle(input);
        INDArray scales = graph.feedForward(input, false).get("se.sigmoid");

        assertArrayEquals(new long[] {2, 64}, scales.shape());
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 64; c += 9) {
                double s = scales.getDouble(n, c);
                assertTrue(s > 0 && s < 1);
                for (int y = 0; y < 32; y += 7) {
                    assertEquals(input.getDouble(n, c, y, 5) * s, out.getDouble(n, c, y, 5), 1e-5);
                }
            }
        }
    }

    @Test
    void unknownBlockListsTheNames() {
        UnknownNameException e = assertThrows(UnknownNameException.class, () -> BlockCatalog.get("inception"));
        assertTrue(e.getMessage().contains("mbconv") && e.getMessage().contains("dense-block"), e.getMessage());
    }
}
