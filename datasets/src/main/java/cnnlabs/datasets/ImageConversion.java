package cnnlabs.datasets;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import cnnlabs.datasets.augment.MatImages;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Images converted to another model's input through OpenCV, as an image folder is loaded ({@link ImageFolder}): RGB
 * to grey with OpenCV's luma weights (0.299 R + 0.587 G + 0.114 B, as PIL's and torchvision's {@code Grayscale}),
 * grey to RGB by copying the channel, and a bilinear resize (aspect ratio not kept).
 */
final class ImageConversion {

    private ImageConversion() {
    }

    static ImageDataset convert(ImageDataset images, int channels, int height, int width) {
        if (channels != 1 && channels != 3 || images.channels() != 1 && images.channels() != 3) {
            throw new IllegalArgumentException("converts between grey and RGB images only, not " + images.channels()
                    + " to " + channels + " channels");
        }
        int n = images.size();
        int size = channels * height * width;
        byte[] pixels = new byte[n * size];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            Mat mat = MatImages.toMat(images.imageBytes(i), images.channels(), images.height(), images.width());
            if (images.channels() != channels) {
                Mat converted = new Mat();
                cvtColor(mat, converted, channels == 1 ? COLOR_RGB2GRAY : COLOR_GRAY2RGB);
                mat = converted;
            }
            if (images.height() != height || images.width() != width) {
                Mat resized = new Mat();
                resize(mat, resized, new Size(width, height), 0, 0, INTER_LINEAR);
                mat = resized;
            }
            System.arraycopy(MatImages.toChw(mat), 0, pixels, i * size, size);
            labels[i] = images.label(i);
        }
        String shape = (channels == 1 ? "grey " : "RGB ") + height + "x" + width;
        return new ImageDataset(images.name() + " (as " + shape + ")", pixels, labels, channels, height, width,
                images.classNames());
    }
}
