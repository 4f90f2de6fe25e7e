package cnnlabs.architectures.layers;

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
    void sumsAndSumsOfProductsPerSampleAndChannel() {
        Nd4j.getRandom().setSeed(7);
        long n = 3;
        long c = 5;
        INDArray x = Nd4j.rand(DataType.FLOAT, n, c, 6, 7).subi(0.3);
        INDArray y = Nd4j.rand(DataType.FLOAT, n, c, 6, 7).muli(4);
        INDArray scratch = Nd4j.createUninitialized(DataType.FLOAT, x.shape());

        INDArray sums = RowSums.of(x, n, c, NONE, ArrayType.BP_WORKING_MEM);
        INDArray products = RowSums.ofProduct(x, y, scratch, n, c, NONE, ArrayType.BP_WORKING_MEM);

        assertArrayEquals(new long[] {n, c}, sums.shape());
        assertArrayEquals(new long[] {n, c}, products.shape());
        float[] xs = x.dup('c').data().asFloat();
        float[] ys = y.dup('c').data().asFloat();
        int plane = 6 * 7;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                double sum = 0;
                double product = 0;
                for (int k = 0; k < plane; k++) {
                    int at = (int) ((i * c + j) * plane + k);
                    sum += xs[at];
                    product += (double) xs[at] * ys[at];
                }
                assertClose(sum, sums.getDouble(i, j), "sum at " + i + "," + j);
                assertClose(product, products.getDouble(i, j), "product sum at " + i + "," + j);
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
        INDArray y = Nd4j.rand(DataType.FLOAT, 2, 3, 4, 4);
        INDArray xBefore = x.dup();
        INDArray yBefore = y.dup();
        RowSums.ofProduct(x, y, Nd4j.createUninitialized(DataType.FLOAT, x.shape()), 2, 3, NONE,
                ArrayType.BP_WORKING_MEM);
        RowSums.of(x, 2, 3, NONE, ArrayType.BP_WORKING_MEM);
        assertTrue(x.equals(xBefore) && y.equals(yBefore), "RowSums changed its inputs");
    }

    private static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= 1e-5 * Math.max(1, Math.abs(expected)),
                what + ": expected " + expected + ", got " + actual);
    }
}
