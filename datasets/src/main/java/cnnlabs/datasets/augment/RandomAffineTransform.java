package cnnlabs.datasets.augment;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.getRotationMatrix2D;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Random translation and zoom in one OpenCV affine warp (bilinear), as a DataVec image transform: Keras'
 * {@code RandomTranslation(h, w)} with {@code RandomZoom(z)}, torchvision's {@code RandomAffine(translate=...)}.
 * DataVec has rotation ({@code RotateImageTransform}) but no translation or in-place zoom.
 *
 * <p>Each call draws a horizontal shift uniform in +-{@code translateX} x width, a vertical one in
 * +-{@code translateY} x height, and, as Keras' {@code RandomZoom}, a zoom factor z uniform in [1 - zoom, 1 + zoom]
 * applied to both axes, z > 1 zooming out (the content shrinks by 1/z about the centre).
 */
public class RandomAffineTransform extends MatTransform {

    private final double translateX;
    private final double translateY;
    private final double zoom;
    private final int borderMode;

    /** @param borderMode OpenCV's border mode for the pixels the warp brings in (e.g. {@code BORDER_REFLECT}) */
    public RandomAffineTransform(Random random, double translateX, double translateY, double zoom, int borderMode) {
        super(random);
        if (translateX < 0 || translateX >= 1 || translateY < 0 || translateY >= 1 || zoom < 0 || zoom >= 1) {
            throw new IllegalArgumentException("translation fractions and zoom must be in [0, 1)");
        }
        this.translateX = translateX;
        this.translateY = translateY;
        this.zoom = zoom;
        this.borderMode = borderMode;
    }

    @Override
    protected Mat apply(Mat mat, Random random) {
        double dx = uniform(random, translateX) * mat.cols();
        double dy = uniform(random, translateY) * mat.rows();
        double z = 1 + uniform(random, zoom);
        // scale 1/z about the centre, then shift; OpenCV's pixel centres sit at integer coordinates
        Mat m = getRotationMatrix2D(new Point2f((mat.cols() - 1) / 2f, (mat.rows() - 1) / 2f), 0, 1 / z);
        var idx = m.<org.bytedeco.javacpp.indexer.DoubleIndexer>createIndexer();
        idx.put(0, 2, idx.get(0, 2) + dx);
        idx.put(1, 2, idx.get(1, 2) + dy);
        idx.release();
        Mat result = new Mat();
        warpAffine(mat, result, m, mat.size(), INTER_LINEAR, borderMode, Scalar.ZERO);
        return result;
    }

    /** Uniform in [-range, range]; 0 without a random source (the identity, for deterministic use). */
    private static double uniform(Random random, double range) {
        return random == null || range == 0 ? 0 : range * (2 * random.nextDouble() - 1);
    }
}
