package cnnlabs.datasets.augment;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT;

import java.util.List;
import org.datavec.image.transform.FlipImageTransform;
import org.datavec.image.transform.RotateImageTransform;

/**
 * The labs' augmentation pipelines, each built from DataVec image transforms (OpenCV underneath, bilinear
 * resampling) and seeded. Normalisation is not augmentation: it belongs to every split and is
 * {@link ChannelNormalization}'s job.
 */
public final class Augmentations {

    /** CIFAR-10's per-channel mean and standard deviation, as seed 002 normalises with them. */
    public static final ChannelNormalization CIFAR_NORMALIZATION = new ChannelNormalization(
            new double[] {0.4914, 0.4822, 0.4465}, new double[] {0.2470, 0.2435, 0.2616});
    /** ImageNet's per-channel mean and standard deviation, as seed 001 normalises with them. */
    public static final ChannelNormalization IMAGENET_NORMALIZATION = new ChannelNormalization(
            new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});

    private Augmentations() {
    }

    /**
     * Lab 3 Part 4's Keras pipeline: {@code RandomRotation(0.1)} (uniform in +-0.1 of a full turn, +-36 degrees),
     * {@code RandomTranslation(0.1, 0.1)} (+-10% of height and width) and {@code RandomZoom(0.1)} (zoom factor in
     * [0.9, 1.1], both axes). Fill mode: reflection ({@code BORDER_REFLECT}, "d c b a | a b c d"), Keras' default
     * for all three layers, so the pixels a rotation or shift brings in continue the image rather than add a
     * hard black frame; on MNIST's black borders the difference is small. Rotation is DataVec's
     * {@code RotateImageTransform}; translation and zoom are one {@link RandomAffineTransform}.
     */
    public static Augmentation kerasMnist(long seed) {
        return kerasMnist(seed, 0.1);
    }

    /**
     * {@link #kerasMnist(long)} with every factor at {@code factor} instead of the lab's 0.1: {@code RandomRotation(f)}
     * (+-f of a full turn), {@code RandomTranslation(f, f)}, {@code RandomZoom(f)}. The augmentation strength a sweep
     * can vary.
     */
    public static Augmentation kerasMnist(long seed, double factor) {
        if (!(factor >= 0 && factor < 1)) {
            throw new IllegalArgumentException("augmentation factor must be in [0, 1), got " + factor);
        }
        String f = String.valueOf(factor);
        RotateImageTransform rotate = new RotateImageTransform(null, 0, 0, (float) (360 * factor), 0);
        rotate.borderMode(BORDER_REFLECT);
        return new Augmentation(factor == 0.1 ? "keras-mnist" : "keras-mnist-" + f, seed, List.of(
                new Augmentation.Step("RandomRotation(" + f + ")", rotate, 1, true),
                new Augmentation.Step("RandomTranslation(" + f + ", " + f + ") + RandomZoom(" + f + ")",
                        new RandomAffineTransform(null, factor, factor, factor, BORDER_REFLECT), 1, true)));
    }

    /**
     * Seed 002's CIFAR-10 pipeline: {@code RandomCrop(32, padding=4)} and {@code RandomHorizontalFlip()}
     * (p = 0.5); then {@link #CIFAR_NORMALIZATION} on every split.
     */
    public static Augmentation cifarCropFlip(long seed) {
        return new Augmentation("cifar-crop-flip", seed, List.of(
                new Augmentation.Step("RandomCrop(32, padding=4)", new PadCropTransform(null, 32, 4), 1, true),
                new Augmentation.Step("RandomHorizontalFlip()", new FlipImageTransform(1), 0.5, false)));
    }

    /**
     * Seed 001's pipeline: {@code RandomHorizontalFlip(p=0.5)}, {@code RandomRotation(10)} (+-10 degrees, black
     * fill as torchvision's), {@code ColorJitter(brightness=0.2, contrast=0.2)}, {@code RandomAffine(degrees=0,
     * translate=(0.1, 0.1))} (black fill); then {@link #IMAGENET_NORMALIZATION} on every split.
     */
    public static Augmentation seed001(long seed) {
        RotateImageTransform rotate = new RotateImageTransform(null, 0, 0, 10f, 0);
        rotate.borderMode(BORDER_CONSTANT);
        return new Augmentation("seed001", seed, List.of(
                new Augmentation.Step("RandomHorizontalFlip(p=0.5)", new FlipImageTransform(1), 0.5, false),
                new Augmentation.Step("RandomRotation(10)", rotate, 1, true),
                new Augmentation.Step("ColorJitter(brightness=0.2, contrast=0.2)", new ColorJitterTransform(null, 0.2, 0.2), 1, true),
                new Augmentation.Step("RandomAffine(translate=(0.1, 0.1))",
                        new RandomAffineTransform(null, 0.1, 0.1, 0, BORDER_CONSTANT), 1, true)));
    }
}
