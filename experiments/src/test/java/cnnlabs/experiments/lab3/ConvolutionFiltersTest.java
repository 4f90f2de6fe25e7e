package cnnlabs.experiments.lab3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnlabs.run.Engine;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pixel-level checks with known answers for {@link ConvolutionFilters}: the lab's filters against scipy's convolution. */
class ConvolutionFiltersTest {

    /** scipy.signal.convolve2d(image, kernel, mode='same', boundary='symm'), written out: the reference. */
    static double[][] scipyConvolveSameSymm(double[][] image, double[][] kernel) {
        int h = image.length;
        int w = image[0].length;
        int k = kernel.length;
        int c = k / 2;
        double[][] out = new double[h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double sum = 0;
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        // true convolution: out[y][x] = sum image[y - (i - c)][x - (j - c)] * kernel[i][j]
                        sum += image[symm(y - (i - c), h)][symm(x - (j - c), w)] * kernel[i][j];
                    }
                }
                out[y][x] = sum;
            }
        }
        return out;
    }

    /** scipy's 'symm' boundary: reflect including the edge (-1 -> 0, n -> n - 1). */
    private static int symm(int i, int n) {
        if (i < 0) {
            return -i - 1;
        }
        return i >= n ? 2 * n - i - 1 : i;
    }

    @Test
    void verticalEdgeKernelOnAVerticalStepRespondsOnlyAtTheStep() {
        double[][] step = new double[8][8];
        for (double[] row : step) {
            java.util.Arrays.fill(row, 4, 8, 1.0);
        }
        double[][] out = ConvolutionFilters.convolveSameSymmetric(Engine.fast(), step, ConvolutionFilters.FILTERS.get("Vertical Edge"));
        // convolve2d flips the kernel: out[x] = 3 * (img[x - 1] - img[x + 1]), -3 on both sides of the step
        double[] expected = {0, 0, 0, -3, -3, 0, 0, 0};
        for (double[] row : out) {
            assertArrayEquals(expected, row, 1e-6);
        }
    }

    @Test
    void deltaInputGivesTheKernelBack() {
        // a true convolution of a unit impulse is the kernel itself; DL4J's cross-correlation layer gets the
        // rotated kernel, so this checks the rotation too
        double[][] delta = new double[5][5];
        delta[2][2] = 1;
        double[][] sharpen = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
        double[][] out = ConvolutionFilters.convolveSameSymmetric(Engine.fast(), delta, sharpen);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(sharpen[i][j], out[1 + i][1 + j], 1e-6);
            }
        }
        assertEquals(0, out[0][0], 1e-6);
    }

    @Test
    void everyLabFilterMatchesScipyOnARealisticImage() {
        java.util.Random random = new java.util.Random(3);
        double[][] image = new double[28][28];
        for (int y = 4; y < 24; y++) {
            for (int x = 6; x < 20; x++) {
                image[y][x] = random.nextDouble();
            }
        }
        image[0][0] = 1;   // something at the border, where the symmetric boundary matters
        image[27][13] = 0.5;
        for (Map.Entry<String, double[][]> f : ConvolutionFilters.FILTERS.entrySet()) {
            double[][] expected = scipyConvolveSameSymm(image, f.getValue());
            double[][] actual = ConvolutionFilters.convolveSameSymmetric(Engine.fast(), image, f.getValue());
            for (int y = 0; y < 28; y++) {
                assertArrayEquals(expected[y], actual[y], 1e-5, f.getKey() + " row " + y);
            }
        }
    }
}
