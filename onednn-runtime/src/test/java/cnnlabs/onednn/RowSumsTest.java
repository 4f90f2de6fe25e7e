package cnnlabs.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link RowSums} against sums computed one element at a time in double. */
class RowSumsTest {

    private static final LayerWorkspaceMgr NONE = LayerWorkspaceMgr.noWorkspaces();

    @Test
    void sumsPerSampleAndChannel() {
        Nd4j.getRandom().setSeed(7);
        long n = 3;
        long c = 5;
        INDArray x = Nd4j.rand(DataType.FLOAT, n, c, 6, 7).subi(0.3);

        INDArray sums = RowSums.of(x, n, c, NONE, ArrayType.BP_WORKING_MEM);

        assertArrayEquals(new long[] {n, c}, sums.shape());
        float[] xs = x.dup('c').data().asFloat();
        int plane = 6 * 7;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                double sum = 0;
                for (int k = 0; k < plane; k++) {
                    sum += xs[(int) ((i * c + j) * plane + k)];
                }
                assertClose(sum, sums.getDouble(i, j), "sum at " + i + "," + j);
            }
        }
    }

    @Test
    void columnSumsPerSample() {
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 53, 6).subi(0.2);
        INDArray sums = RowSums.ofColumnsPerSample(x, NONE, ArrayType.BP_WORKING_MEM);
        assertArrayEquals(new long[] {4, 6}, sums.shape());
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 6; j++) {
                double sum = 0;
                for (int k = 0; k < 53; k++) {
                    sum += x.getFloat(i, k, j);
                }
                assertClose(sum, sums.getDouble(i, j), "sum at " + i + "," + j);
            }
        }
    }

    @Test
    void columnSums() {
        Nd4j.getRandom().setSeed(8);
        INDArray x = Nd4j.rand(DataType.FLOAT, 301, 7).subi(0.4);
        INDArray sums = RowSums.ofColumns(x, NONE, ArrayType.BP_WORKING_MEM);
        assertArrayEquals(new long[] {7, 1}, sums.shape());
        for (int j = 0; j < 7; j++) {
            double sum = 0;
            for (int i = 0; i < 301; i++) {
                sum += x.getFloat(i, j);
            }
            assertClose(sum, sums.getDouble(j, 0), "column sum " + j);
        }
    }

    @Test
    void theInputsAreLeftAlone() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 4, 4);
        INDArray xBefore = x.dup();
        RowSums.of(x, 2, 3, NONE, ArrayType.BP_WORKING_MEM);
        RowSums.ofColumns(x.reshape(24, 4), NONE, ArrayType.BP_WORKING_MEM);
        RowSums.ofColumnsPerSample(x.reshape(2, 12, 4), NONE, ArrayType.BP_WORKING_MEM);
        assertTrue(x.equals(xBefore), "RowSums changed its input");
    }

    private static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= 1e-5 * Math.max(1, Math.abs(expected)),
                what + ": expected " + expected + ", got " + actual);
    }
}
