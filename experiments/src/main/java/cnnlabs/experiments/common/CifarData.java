package cnnlabs.experiments.common;

import cnnlabs.datasets.Batches;
import cnnlabs.datasets.Cifar10;
import cnnlabs.datasets.DataException;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.datasets.ImageBatchIterator;
import cnnlabs.datasets.augment.Augmentation;
import cnnlabs.datasets.augment.Augmentations;
import cnnlabs.settings.ConfigException;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.settings.Training;
import cnnlabs.datasets.augment.ChannelNormalization;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongFunction;
import cnnlabs.datasets.DataLocations;

/**
 * CIFAR-10 as the CIFAR labs train on it: the training images (the first {@code subset} when set), the split each epoch
 * is evaluated on, the test set; every split normalised per channel as the lab's {@link Pipeline} says, the training
 * images optionally augmented by it (seed 002: random crop 32 with 4-pixel padding and horizontal flip, CIFAR-10's
 * statistics; seed 001: flip, rotation, colour jitter and translation, ImageNet's statistics). With {@code validation.split=0} (the seeds' way) each epoch is evaluated on the test set;
 * with a fraction, on the last fraction of the training images, and the test set only at the end.
 *
 * <p>A declared synthetic fixture ({@link cnnlabs.datasets.CifarFixture}) loads like CIFAR-10, and {@link #banner()}
 * then heads every table with a warning that it is not CIFAR-10.
 *
 * @param dataset   "CIFAR-10" or the fixture's name
 * @param synthetic whether the images are a generated fixture
 * @param train     the images trained on
 * @param eval      the images each epoch is evaluated on (the test set, or the held-out validation split)
 * @param evalName  "test" or "validation"
 * @param test      the test set
 * @param pipeline  the lab's augmentation and normalisation
 */
public record CifarData(String dataset, boolean synthetic, ImageDataset train, ImageDataset eval, String evalName,
                        ImageDataset test, Pipeline pipeline) {

    /** A lab's training augmentation (seeded) and the normalisation of every split. */
    public record Pipeline(LongFunction<Augmentation> augmentation, ChannelNormalization normalization) {
    }

    /** Seed 002 §4.1: random crop + flip, CIFAR-10's per-channel statistics. */
    public static final Pipeline SEED_002 = new Pipeline(Augmentations::cifarCropFlip, Augmentations.CIFAR_NORMALIZATION);
    /** Seed 001: flip, rotation, colour jitter, translation; ImageNet's per-channel statistics. */
    public static final Pipeline SEED_001 = new Pipeline(Augmentations::seed001, Augmentations.IMAGENET_NORMALIZATION);

    /** Checks the user's CIFAR-10 folder ({@code -Ddata.cifar10}), if given, before a run folder exists: a folder that lacks a batch is named. */
    public static void check(DataLocations data) {
        if (data.cifar10() != null) {
            try {
                Cifar10.fromUserDirectory(data.cifar10());
            } catch (DataException e) {
                throw new ConfigException(e.getMessage());
            }
        }
    }

    /**
     * CIFAR-10 for a run: loaded and split as its training settings say ({@link #load(DataLocations, Training, Pipeline)}), its
     * splits printed, and its curves told which split the epochs are evaluated on.
     */
    public static CifarData forRun(ExperimentContext<?> ctx, Pipeline pipeline) {
        CifarData data = load(ctx.data(), ctx.training(), pipeline);
        ctx.console().println(data.describe());
        ctx.run().evaluatedOn(data.evalName());
        return data;
    }

    /** CIFAR-10 (downloaded on first use, or from {@code -Ddata.cifar10}), split as {@code training} says. */
    public static CifarData load(DataLocations data, Training training, Pipeline pipeline) {
        Cifar10 cifar = Cifar10.locate(data);
        ImageDataset train = cifar.loadTrain();
        if (training.subset() > 0) {
            train = train.head(training.subset());
        }
        ImageDataset test = cifar.loadTest();
        if (training.validationSplit() > 0) {
            ImageDataset.Split split = train.splitValidation(training.validationSplit());
            return new CifarData(cifar.name(), cifar.synthetic(), split.train(), split.validation(), "validation", test,
                    pipeline);
        }
        return new CifarData(cifar.name(), cifar.synthetic(), train, test, "test", test, pipeline);
    }

    /** Shuffled, normalised training batches; augmented (prepared ahead on a thread) when asked. */
    public Batches trainBatches(int batchSize, long seed, boolean augment) {
        ImageBatchIterator batches = augment ? train.batches(batchSize, true, seed, pipeline.augmentation().apply(seed))
                : train.batches(batchSize, true, seed);
        batches.setPreProcessor(pipeline.normalization());
        return augment ? batches.prefetch(2) : batches;
    }

    /** Normalised batches of {@code images} in order (evaluation). */
    public Batches batches(ImageDataset images, int batchSize, long seed) {
        ImageBatchIterator batches = images.batches(batchSize, false, seed);
        batches.setPreProcessor(pipeline.normalization());
        return batches;
    }

    /** One line on the console and in tables: how many images each split has. */
    public String describe() {
        return String.format(Locale.ROOT, "%s: %,d training images, %,d %s images%s", dataset, train.size(), eval.size(),
                evalName, eval == test ? " (each epoch, as the seed evaluates)" : String.format(Locale.ROOT,
                        ", %,d test images", test.size()));
    }

    /** A loud warning for the head of a table when the data is a synthetic fixture; else nothing. */
    public String banner() {
        return synthetic ? "> **SYNTHETIC FIXTURE, NOT CIFAR-10.** This run trained and evaluated on generated images in "
                + "CIFAR-10's file format (a test fixture). Its numbers say nothing about CIFAR-10.\n\n" : "";
    }
}
