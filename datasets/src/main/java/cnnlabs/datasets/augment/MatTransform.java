package cnnlabs.datasets.augment;

import java.util.Random;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.datavec.image.data.ImageWritable;
import org.datavec.image.transform.BaseImageTransform;

/**
 * A DataVec image transform that works on the OpenCV {@link Mat}: the frame conversion in and out (and DataVec's
 * null image) handled here, the transform itself in {@link #apply}.
 */
abstract class MatTransform extends BaseImageTransform<Mat> {

    protected MatTransform(Random random) {
        super(random);
        this.converter = new OpenCVFrameConverter.ToMat();
    }

    /** The transformed image. {@code random} is null when DataVec calls without one: then the neutral setting. */
    protected abstract Mat apply(Mat image, Random random);

    @Override
    protected final ImageWritable doTransform(ImageWritable image, Random random) {
        if (image == null) {
            return null;
        }
        return new ImageWritable(converter.convert(apply(converter.convert(image.getFrame()), random)));
    }
}
