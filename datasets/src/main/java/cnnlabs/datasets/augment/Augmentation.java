package cnnlabs.datasets.augment;

import java.util.List;
import java.util.Random;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.datavec.image.data.ImageWritable;
import org.datavec.image.transform.ImageTransform;

/**
 * A seeded, random image augmentation pipeline made of DataVec image transforms, applied image by image.
 *
 * <p>Every random draw (which steps run, and each step's parameters) comes from one {@link Random} seeded at
 * construction, so two pipelines with the same seed fed the same images in the same order produce identical
 * outputs. (DataVec's own {@code PipelineImageTransform} draws its step probabilities from ND4J's global random
 * generator and re-seeds it, which would disturb the training run's dropout and make the result depend on which
 * thread augments; hence this small pipeline.) Not thread-safe: one pipeline per producing thread.
 */
public final class Augmentation {

    /**
     * One step: a DataVec transform, the probability that it runs, and whether it draws its parameters from the
     * pipeline's random source ({@code false} for transforms that are fixed once chosen, like a horizontal flip,
     * which DataVec would otherwise turn into a random choice among flip modes).
     */
    public record Step(String name, ImageTransform transform, double probability, boolean randomized) {

        public Step {
            if (!(probability > 0 && probability <= 1)) {
                throw new IllegalArgumentException("step probability must be in (0, 1], got " + probability);
            }
        }
    }

    private final String name;
    private final List<Step> steps;
    private final Random random;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();

    public Augmentation(String name, long seed, List<Step> steps) {
        this.name = name;
        this.steps = List.copyOf(steps);
        this.random = new Random(seed);
    }

    public String name() {
        return name;
    }

    public List<Step> steps() {
        return steps;
    }

    /** A randomly augmented copy of a C x H x W byte image (same shape). */
    public byte[] apply(byte[] chw, int channels, int height, int width) {
        ImageWritable image = MatImages.toWritable(MatImages.toMat(chw, channels, height, width), converter);
        for (Step step : steps) {
            if (step.probability() >= 1 || random.nextDouble() < step.probability()) {
                image = step.transform().transform(image, step.randomized() ? random : null);
            }
        }
        Mat out = MatImages.toMat(image, converter);
        if (out.rows() != height || out.cols() != width || out.channels() != channels) {
            throw new IllegalStateException(name + " changed the image shape to " + out.channels() + "x" + out.rows() + "x"
                    + out.cols());
        }
        return MatImages.toChw(out);
    }

    @Override
    public String toString() {
        return name + " " + steps.stream().map(s -> s.name() + (s.probability() < 1 ? " (p=" + s.probability() + ")" : ""))
                .toList();
    }
}
