package cnnlabs.datasets.augment;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;

import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * torchvision's {@code RandomCrop(size, padding=p)}: zero-pad every side by {@code padding} (OpenCV's
 * {@code copyMakeBorder}), then cut a random {@code size} x {@code size} window, every offset from 0 to
 * 2 x padding equally likely.
 */
public class PadCropTransform extends MatTransform {

    private final int padding;
    private final int size;

    public PadCropTransform(Random random, int size, int padding) {
        super(random);
        if (size < 1 || padding < 0) {
            throw new IllegalArgumentException("crop size must be positive and padding non-negative");
        }
        this.size = size;
        this.padding = padding;
    }

    @Override
    protected Mat apply(Mat mat, Random random) {
        Mat padded = new Mat();
        copyMakeBorder(mat, padded, padding, padding, padding, padding, BORDER_CONSTANT, Scalar.ZERO);
        int maxX = padded.cols() - size;
        int maxY = padded.rows() - size;
        if (maxX < 0 || maxY < 0) {
            throw new IllegalArgumentException("cannot crop " + size + "x" + size + " from a padded "
                    + padded.cols() + "x" + padded.rows() + " image");
        }
        int x = random == null ? maxX / 2 : random.nextInt(maxX + 1);
        int y = random == null ? maxY / 2 : random.nextInt(maxY + 1);
        Mat crop = new Mat(padded, new Rect(x, y, size, size)).clone();
        return crop;
    }
}
