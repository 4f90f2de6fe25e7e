package cnnlabs.experiments.common;

import cnnlabs.run.plots.ImageGrid;
import cnnlabs.run.plots.Viridis;
import java.awt.image.BufferedImage;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** What the visualising experiments draw from images, activations and weights, as {@link ImageGrid} panels and maps. */
public final class Pictures {

    private Pictures() {
    }

    /**
     * An image stored channels-first as bytes ({@code chw}, 1 or 3 channels of {@code size} x {@code size}) as a panel:
     * grey images on a fixed 0..255 scale (true intensities), colour images as they are.
     */
    public static ImageGrid.Panel image(String title, byte[] chw, int channels, int size) {
        if (channels == 1) {
            double[][] v = new double[size][size];
            for (int i = 0; i < size * size; i++) {
                v[i / size][i % size] = chw[i] & 0xFF;
            }
            return ImageGrid.Panel.of(title, ImageGrid.tile(v, ImageGrid.ColorMap.GRAY, 0, 255));
        }
        BufferedImage rgb = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int plane = size * size;
        for (int i = 0; i < plane; i++) {
            int r = chw[i] & 0xFF;
            int g = chw[plane + i] & 0xFF;
            int b = chw[2 * plane + i] & 0xFF;
            rgb.setRGB(i % size, i / size, (r << 16) | (g << 8) | b);
        }
        return ImageGrid.Panel.of(title, rgb);
    }

    /** Channel {@code c} of the first image of an (N, C, H, W) batch. */
    public static double[][] channel(INDArray batch, int c) {
        return batch.get(NDArrayIndex.point(0), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all())
                .castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    /** The mean over channels of the first image of an (N, C, H, W) batch (seed 002's {@code act.mean(dim=0)}). */
    public static double[][] channelMean(INDArray batch) {
        INDArray first = batch.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        return first.mean(0).castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    /** Filter {@code o}'s kernel for input channel 0, from conv weights (out, in, kH, kW). */
    public static double[][] filter(INDArray weights, int o) {
        long kh = weights.size(2);
        long kw = weights.size(3);
        double[] all = weights.dup('c').reshape(weights.size(0), weights.size(1) * kh * kw).getRow(o).toDoubleVector();
        double[][] out = new double[(int) kh][(int) kw];
        for (int y = 0; y < kh; y++) {
            System.arraycopy(all, (int) (y * kw), out[y], 0, (int) kw);
        }
        return out;
    }

    /**
     * Filter {@code o} of conv weights with three input channels (out, 3, kH, kW) as an RGB tile, every filter on one
     * scale: seed 002's {@code visualize_filters}, {@code (w - w.min()) / (w - w.min()).max()} over all filters.
     */
    public static BufferedImage rgbFilter(INDArray weights, int o) {
        if (weights.rank() != 4 || weights.size(1) != 3) {
            throw new IllegalArgumentException("RGB filters need weights (out, 3, kH, kW), got " + weights.shapeInfoToString());
        }
        double min = weights.minNumber().doubleValue();
        double range = Math.max(weights.maxNumber().doubleValue() - min, 1e-12);
        int kh = (int) weights.size(2);
        int kw = (int) weights.size(3);
        BufferedImage tile = new BufferedImage(kw, kh, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    double v = (weights.getDouble(o, c, y, x) - min) / range;
                    rgb = (rgb << 8) | (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
                }
                tile.setRGB(x, y, rgb);
            }
        }
        return tile;
    }

    /**
     * An image ({@code chw} bytes, 1 or 3 channels of {@code size} x {@code size}) {@code scale} times larger, with
     * {@code heat} (values in [0, 1], {@code size} x {@code size}) laid over it in viridis at half opacity: a
     * class activation map over its image.
     */
    public static BufferedImage heatOverlay(byte[] chw, int channels, int size, double[][] heat, int scale) {
        int out = size * scale;
        double[][] smooth = ClassActivationMaps.bilinear(heat, out, out);
        BufferedImage image = new BufferedImage(out, out, BufferedImage.TYPE_INT_RGB);
        int plane = size * size;
        for (int y = 0; y < out; y++) {
            for (int x = 0; x < out; x++) {
                int p = (y / scale) * size + x / scale;
                int r = chw[p] & 0xFF;
                int g = channels == 3 ? chw[plane + p] & 0xFF : r;
                int b = channels == 3 ? chw[2 * plane + p] & 0xFF : r;
                int v = Viridis.rgb(smooth[y][x]);
                int rr = (r + ((v >> 16) & 0xFF)) / 2;
                int gg = (g + ((v >> 8) & 0xFF)) / 2;
                int bb = (b + (v & 0xFF)) / 2;
                image.setRGB(x, y, (rr << 16) | (gg << 8) | bb);
            }
        }
        return image;
    }
}
