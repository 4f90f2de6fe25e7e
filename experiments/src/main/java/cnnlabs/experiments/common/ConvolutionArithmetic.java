package cnnlabs.experiments.common;

import java.util.List;

/** Convolution arithmetic the seeds teach, shared by the basics experiments: receptive fields, an example input. */
public final class ConvolutionArithmetic {

    private ConvolutionArithmetic() {
    }

    /** The 4x4 plane 1..16 that seeds 001 and 002 convolve and pool by hand. */
    public static final float[][] COUNTING_4X4 = {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}, {13, 14, 15, 16}};

    /** A layer of a receptive-field stack. */
    public record RfLayer(String name, int kernel, int stride, int dilation) {
    }

    /** Seed 002 {@code calculate_receptive_field}, layer by layer: the receptive field after each layer. */
    public static int[] receptiveFields(List<RfLayer> layers) {
        int[] fields = new int[layers.size()];
        int rf = 1;
        int jump = 1;
        for (int i = 0; i < layers.size(); i++) {
            RfLayer l = layers.get(i);
            rf += (l.dilation() * (l.kernel() - 1)) * jump;
            jump *= l.stride();
            fields[i] = rf;
        }
        return fields;
    }

    /** A small matrix as {@code [[1, 2], [3, 4]]}, integers without a decimal point. */
    public static String matrix(float[][] m) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < m.length; i++) {
            out.append(i == 0 ? "[" : ", [");
            for (int j = 0; j < m[i].length; j++) {
                float v = m[i][j];
                out.append(j == 0 ? "" : ", ").append(v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v));
            }
            out.append(']');
        }
        return out.append(']').toString();
    }
}
