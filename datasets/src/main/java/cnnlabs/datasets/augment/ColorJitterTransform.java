package cnnlabs.datasets.augment;

import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * torchvision's {@code ColorJitter(brightness=b, contrast=c)} with OpenCV's saturating {@code convertTo}:
 * brightness multiplies every pixel by a factor uniform in [1 - b, 1 + b]; contrast blends the image with its
 * mean grey level, {@code mean + f x (pixel - mean)}, f uniform in [1 - c, 1 + c]. Brightness first, then
 * contrast (torchvision draws the order at random; the seed's use of both at 0.2 is close to symmetric).
 */
public class ColorJitterTransform extends MatTransform {

    private final double brightness;
    private final double contrast;

    public ColorJitterTransform(Random random, double brightness, double contrast) {
        super(random);
        if (brightness < 0 || brightness >= 1 || contrast < 0 || contrast >= 1) {
            throw new IllegalArgumentException("brightness and contrast jitter must be in [0, 1)");
        }
        this.brightness = brightness;
        this.contrast = contrast;
    }

    @Override
    protected Mat apply(Mat mat, Random random) {
        double b = 1 + (random == null ? 0 : brightness * (2 * random.nextDouble() - 1));
        double c = 1 + (random == null ? 0 : contrast * (2 * random.nextDouble() - 1));
        Mat bright = new Mat();
        mat.convertTo(bright, -1, b, 0);
        Mat grey = bright;
        if (bright.channels() == 3) {
            grey = new Mat();
            cvtColor(bright, grey, COLOR_BGR2GRAY);
        }
        double meanGrey = mean(grey).get(0);
        Mat result = new Mat();
        bright.convertTo(result, -1, c, (1 - c) * meanGrey);
        return result;
    }
}
