package cnnlabs.experiments.basics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cnnlabs.run.Engine;
import cnnlabs.experiments.common.ConvolutionArithmetic;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

/** {@link ReceptiveField}'s input gradients against the analytic receptive field, with known answers. */
class ReceptiveFieldTest {

    @Test
    void gradientOfOneConvLayerCoversItsKernel() {
        // one 3x3 conv: output (r, c) depends on input rows r-1..r+1, columns c-1..c+1
        double[][] map = new double[9][9];
        for (int y = 3; y <= 5; y++) {
            for (int x = 3; x <= 5; x++) {
                map[y][x] = 1;
            }
        }
        assertArrayEquals(new int[] {3, 3}, ReceptiveField.extent(map));
        assertArrayEquals(new int[] {0, 0}, ReceptiveField.extent(new double[4][4]));
    }

    @Test
    void seedStacksGradientExtentIsItsAnalyticReceptiveField() {
        ComputationGraph graph = ReceptiveField.stack(Engine.fast(), 42);
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(42);
        var input = org.nd4j.linalg.factory.Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, 32, 32);
        int[] fields = ConvolutionArithmetic.receptiveFields(ReceptiveField.LAYERS);

        int[] extent = ReceptiveField.extent(ReceptiveField.inputGradient(graph, input, 8, 8));

        assertEquals(10, fields[fields.length - 1]);
        assertArrayEquals(new int[] {10, 10}, extent);
        // a corner output position sees less of the input: padding cuts its field
        assertArrayEquals(new int[] {6, 6}, ReceptiveField.extent(ReceptiveField.inputGradient(graph, input, 0, 0)));
    }

    @Test
    void aGraphThatIsNotAChainIsRefused() {
        ComputationGraph residual = cnnlabs.architectures.BlockCatalog.get("basic-block")
                .build(cnnlabs.architectures.BuildOptions.defaults());
        assertThrows(IllegalArgumentException.class, () -> ReceptiveField.chain(residual));
    }
}
