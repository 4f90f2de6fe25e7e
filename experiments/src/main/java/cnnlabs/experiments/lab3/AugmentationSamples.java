package cnnlabs.experiments.lab3;

import com.google.auto.service.AutoService;
import cnnlabs.datasets.Cifar10;
import cnnlabs.datasets.Datasets;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.datasets.augment.Augmentation;
import cnnlabs.datasets.augment.Augmentations;
import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.experiments.common.Pictures;
import cnnlabs.run.plots.ImageGrid;
import cnnlabs.run.settings.CommonSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Augmentation samples: one image and nine random augmentations of it, for each of the labs' pipelines.
 *
 * <p><b>Reproduces:</b> Lab 3 (seed 003) Part 4's figure (the first MNIST training digit, original plus 9
 * augmented versions through {@code RandomRotation(0.1)}, {@code RandomTranslation(0.1, 0.1)},
 * {@code RandomZoom(0.1)}), and the same picture for seed 002's CIFAR-10 pipeline (random crop 32 with padding 4,
 * horizontal flip) and seed 001's (flip, rotation 10 degrees, brightness/contrast jitter 0.2, translation 10%).
 *
 * <p><b>Description:</b> runs each pipeline ({@link Augmentations}, DataVec image transforms on OpenCV) nine times
 * on one image and draws the lab's 2x5 grid; measures each pipeline's speed on one thread. The CIFAR pipelines use
 * the first CIFAR-10 training image when CIFAR-10 is on this machine ({@code -Ddata.cifar10}, or the cache); it is
 * never downloaded for this. Otherwise they run on a generated 32x32 test pattern, and the pictures and the table
 * say so in their titles.
 *
 * <p><b>Expected runtime:</b> a few seconds. <b>Expected result:</b> the lab's figure: the same digit turned,
 * shifted and scaled a little differently in every panel.
 */
@AutoService(Experiment.class)
public final class AugmentationSamples implements Experiment<CommonSettings> {

    static final int SAMPLES = 9;
    static final int TIMED_IMAGES = 2_000;

    @Override
    public String name() {
        return "AugmentationSamples";
    }

    @Override
    public String description() {
        return "Lab 3 Part 4 / seeds 001, 002: one image and 9 augmentations per pipeline, and each pipeline's speed";
    }


    @Override
    public CommonSettings defaults() {
        return CommonSettings.DEFAULTS;
    }

    @Override
    public ExperimentResult run(ExperimentContext<CommonSettings> ctx) {
        long seed = ctx.common().seed();
        ImageDataset mnist = Datasets.MNIST.loadTrain(ctx.dataDir());
        Optional<Cifar10> cifar = Cifar10.findLocal(ctx.data());
        byte[] colour;
        String colourSource;
        if (cifar.isPresent()) {
            ImageDataset train = cifar.get().loadTrain();
            colour = train.imageBytes(0);
            colourSource = "the first " + cifar.get().name() + " training image (" + train.classNames().get(train.label(0)) + ")";
        } else {
            colour = testPattern();
            colourSource = "a GENERATED 32x32 test pattern (CIFAR-10 is not on this machine; pass -Ddata.cifar10=DIR "
                    + "to use its first image)";
        }
        ctx.console().println("CIFAR pipelines run on " + colourSource);

        record Sample(String file, String title, LongFunction<Augmentation> pipeline, byte[] image, int channels, int size,
                      String source) {
        }
        List<Sample> samples = List.of(
                new Sample("mnist-keras.png", "Lab 3 Part 4: RandomRotation(0.1), RandomTranslation(0.1, 0.1), RandomZoom(0.1)",
                        Augmentations::kerasMnist, mnist.imageBytes(0), 1, 28, "the first MNIST training digit ("
                        + mnist.label(0) + ")"),
                new Sample("cifar-crop-flip.png", "Seed 002: RandomCrop(32, padding=4), RandomHorizontalFlip()",
                        Augmentations::cifarCropFlip, colour, 3, 32, colourSource),
                new Sample("seed001.png", "Seed 001: flip, rotation 10°, colour jitter 0.2, translate 10%",
                        Augmentations::seed001, colour, 3, 32, colourSource));

        MarkdownTable table = new MarkdownTable("Picture", "Pipeline", "Steps", "Image", "Augmented images/s (one thread)");
        Map<String, Double> rates = new LinkedHashMap<>();
        for (Sample s : samples) {
            Augmentation pipeline = s.pipeline().apply(seed);
            List<ImageGrid.Panel> panels = new ArrayList<>();
            panels.add(Pictures.image("Original", s.image(), s.channels(), s.size()));
            for (int i = 1; i <= SAMPLES; i++) {
                panels.add(Pictures.image("Augmented " + i, pipeline.apply(s.image(), s.channels(), s.size(), s.size()), s.channels(), s.size()));
            }
            String title = s.title() + (s.channels() == 3 && cifar.isEmpty() ? " [GENERATED test image]" : "");
            ctx.run().picture(s.file(), ImageGrid.render(title, panels, 5, 140, ImageGrid.ColorMap.GRAY));

            double rate = imagesPerSecond(s.pipeline().apply(seed + 1), s.image(), s.channels(), s.size());
            table.row("`" + s.file() + "`", pipeline.name(), pipeline.steps().stream().map(Augmentation.Step::name).toList(),
                    s.source(), String.format(Locale.ROOT, "%,.0f", rate));
            rates.put(pipeline.name(), rate);
        }
        String text = "# Augmentation samples (Lab 3 Part 4, seeds 001 and 002)\n\n"
                + "Each picture: the original and " + SAMPLES + " random augmentations (seed " + seed + "). The colour "
                + "pipelines ran on " + colourSource + ". Normalisation (CIFAR or ImageNet mean/std) is not drawn: it "
                + "is applied to every split, after augmentation.\n\n" + table
                + "\nSpeed: " + TIMED_IMAGES + " augmentations of the same image on one thread, after 100 to warm up.\n";
        ctx.run().table(text);
        return new ExperimentResult(new Summary(rates, cifar.isPresent()), text);
    }

    /**
     * What {@code summary.json} holds.
     *
     * @param imagesPerSec   augmented images per second on one thread, by pipeline
     * @param cifar10Present whether the colour pipelines ran on a CIFAR-10 image (else a generated one)
     */
    public record Summary(Map<String, Double> imagesPerSec, boolean cifar10Present) {
    }

    /** How many augmentations per second {@code pipeline} makes of {@code image} on this thread. */
    static double imagesPerSecond(Augmentation pipeline, byte[] image, int channels, int size) {
        for (int i = 0; i < 100; i++) {
            pipeline.apply(image, channels, size, size);
        }
        long start = System.nanoTime();
        for (int i = 0; i < TIMED_IMAGES; i++) {
            pipeline.apply(image, channels, size, size);
        }
        return TIMED_IMAGES / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * A generated 32x32 RGB test pattern (not a photo): a red-to-blue gradient with a green square off-centre and a
     * white diagonal, so flips, crops and rotations are easy to see.
     */
    static byte[] testPattern() {
        int size = 32;
        int plane = size * size;
        byte[] chw = new byte[3 * plane];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                int r = 255 * x / (size - 1);
                int g = (x >= 6 && x < 14 && y >= 6 && y < 14) ? 220 : 40;
                int b = 255 - r;
                if (x == y) {
                    r = 255;
                    g = 255;
                    b = 255;
                }
                chw[i] = (byte) r;
                chw[plane + i] = (byte) g;
                chw[2 * plane + i] = (byte) b;
            }
        }
        return chw;
    }
}
