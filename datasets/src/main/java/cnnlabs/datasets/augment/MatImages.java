package cnnlabs.datasets.augment;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC;

import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.datavec.image.data.ImageWritable;

/**
 * Between cnnlabs' images (unsigned bytes, channels first: C, H, W) and the OpenCV matrices DataVec's image
 * transforms work on (8-bit, channels interleaved: H, W, C), wrapped as DataVec {@link ImageWritable}s.
 */
public final class MatImages {

    private MatImages() {
    }

    /** A C x H x W byte image as an 8-bit H x W matrix with C interleaved channels. */
    public static Mat toMat(byte[] chw, int channels, int height, int width) {
        byte[] hwc = new byte[chw.length];
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < plane; p++) {
                hwc[p * channels + c] = chw[c * plane + p];
            }
        }
        Mat mat = new Mat(height, width, CV_8UC(channels));
        mat.data().put(hwc);
        return mat;
    }

    /** The matrix's pixels as C x H x W bytes. */
    public static byte[] toChw(Mat mat) {
        Mat continuous = mat.isContinuous() ? mat : mat.clone();
        int channels = continuous.channels();
        int plane = continuous.rows() * continuous.cols();
        byte[] hwc = new byte[plane * channels];
        continuous.data().get(hwc);
        byte[] chw = new byte[hwc.length];
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < plane; p++) {
                chw[c * plane + p] = hwc[p * channels + c];
            }
        }
        return chw;
    }

    public static ImageWritable toWritable(Mat mat, OpenCVFrameConverter.ToMat converter) {
        return new ImageWritable(converter.convert(mat));
    }

    public static Mat toMat(ImageWritable image, OpenCVFrameConverter.ToMat converter) {
        return converter.convert(image.getFrame());
    }
}
