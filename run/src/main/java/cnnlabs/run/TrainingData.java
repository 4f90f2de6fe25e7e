package cnnlabs.run;

import cnnlabs.architectures.Architecture;
import cnnlabs.architectures.InputShape;
import cnnlabs.datasets.Cifar10;
import cnnlabs.datasets.DataException;
import cnnlabs.datasets.Datasets;
import cnnlabs.datasets.IdxDataset;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.datasets.ImageFolder;
import cnnlabs.run.settings.DatasetChoice;
import cnnlabs.run.settings.Training;
import cnnlabs.settings.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The images an experiment trains on, as its {@link DatasetChoice} says, fitted to its model's input: MNIST and
 * Fashion-MNIST as they are (28x28 grey), CIFAR-10 converted to grey (OpenCV's luma weights) and resized bilinearly
 * for a one-channel model, a folder's images read at the model's channels and size ({@link ImageFolder}). The training
 * images are the first {@code -Dsubset} ({@code X_train[:N]}; of a folder, in its seeded shuffled order), the last
 * {@code -Dvalidation.split} of them held out (Keras' {@code validation_split}). A folder has no test set: its test
 * numbers are the validation split's, and {@link #testName()} says so.
 *
 * @param name     what the images are: "MNIST", "Fashion-MNIST", "CIFAR-10" (or the synthetic fixture's name),
 *                 "images in DIR"
 * @param fitted   how they were fitted to the model's input, one sentence; empty when they already fit it
 * @param split    the training images and the validation split
 * @param test     the test set; for a folder, the validation split
 * @param testName "test", or "validation" where {@code test} is the validation split
 */
public record TrainingData(String name, String fitted, ImageDataset.Split split, ImageDataset test, String testName) {

    /** The validation split standing in for a test set. */
    public static final String VALIDATION = "validation";

    /** The class names, in label order. */
    public List<String> classNames() {
        return split.train().classNames();
    }

    public int numClasses() {
        return classNames().size();
    }

    /** Whether the test numbers are the validation split's (a folder of images has no test set). */
    public boolean testIsValidation() {
        return VALIDATION.equals(testName);
    }

    /** {@code architecture} with a classifier for these images' classes (itself for ten, the labs'). */
    public Architecture fit(Architecture architecture) {
        return architecture.withClasses(numClasses());
    }

    /** One line: "MNIST: 54,000 training, 6,000 validation, 10,000 test images". */
    public String describe() {
        return String.format(Locale.ROOT, "%s: %,d training, %,d validation, ", name, split.train().size(),
                split.validation().size()) + (testIsValidation() ? "no test images (the folder has none: the test "
                + "numbers are the validation split's, optimistic where the run also chose by it: a best checkpoint, "
                + "early stopping's best weights, a plateau schedule)" : String.format(Locale.ROOT, "%,d test images", test.size()))
                + (numClasses() != 10 || testIsValidation() ? "; " + numClasses() + " classes: "
                + String.join(", ", classNames()) : "");
    }

    /**
     * For the head of a table: a paragraph ({@link #describe()} and how the images were fitted) when they are not the
     * lab's MNIST; empty when they are.
     */
    public String tableNote() {
        if (name.equals(Datasets.MNIST.name()) && fitted.isEmpty()) {
            return "";
        }
        return "Data: " + describe() + "." + (fitted.isEmpty() ? "" : " " + fitted) + "\n\n";
    }

    /**
     * Checks what {@code choice} names outside the settings before a run folder exists, and returns its number of
     * classes: a folder's layout and every one of its images ({@link ImageFolder#open}, {@link ImageFolder#verify}),
     * the user's own CIFAR-10 folder ({@code -Ddata.cifar10}) when one is given. MNIST and Fashion-MNIST are fetched
     * and checked on first use, as CIFAR-10 is downloaded when no folder of the user's is given.
     */
    public static int check(DatasetChoice choice, RunRoots roots) {
        try {
            return switch (choice.kind()) {
                case FOLDER -> ImageFolder.open(folder(choice, roots)).verify().classes().size();
                case CIFAR10 -> {
                    if (roots.data().cifar10() != null) {
                        Cifar10.fromUserDirectory(roots.data().cifar10());
                    }
                    yield Cifar10.CLASSES.size();
                }
                case MNIST -> Datasets.MNIST.classNames().size();
                case FASHION_MNIST -> Datasets.FASHION_MNIST.classNames().size();
            };
        } catch (DataException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** The images {@code choice} names, split as {@code training} says and fitted to {@code shape}. */
    public static TrainingData load(DatasetChoice choice, Training training, RunRoots roots, InputShape shape, long seed) {
        ImageDataset train;
        ImageDataset test = null;
        String name;
        switch (choice.kind()) {
            case FOLDER -> {
                ImageFolder folder = ImageFolder.open(folder(choice, roots));
                train = folder.load(shape.channels(), shape.height(), shape.width(), seed);
                name = "images in " + folder.root();
            }
            case CIFAR10 -> {
                Cifar10 cifar = Cifar10.locate(roots.data());
                train = cifar.loadTrain();
                test = cifar.loadTest();
                name = cifar.name();
            }
            default -> {
                IdxDataset idx = choice.kind() == DatasetChoice.Kind.MNIST ? Datasets.MNIST : Datasets.FASHION_MNIST;
                train = idx.loadTrain(roots.data().cache());
                test = idx.loadTest(roots.data().cache());
                name = idx.name();
            }
        }
        String fitted = fitted(choice, train, shape);
        if (training.subset() > 0) {
            train = train.head(training.subset());
        }
        ImageDataset.Split split = fit(train, shape).splitValidation(training.validationSplit());
        return test == null ? new TrainingData(name, fitted, split, split.validation(), VALIDATION)
                : new TrainingData(name, fitted, split, fit(test, shape), "test");
    }

    private static ImageDataset fit(ImageDataset images, InputShape shape) {
        return images.convertedTo(shape.channels(), shape.height(), shape.width());
    }

    private static String fitted(DatasetChoice choice, ImageDataset train, InputShape shape) {
        String to = (shape.channels() == 1 ? "grey " : "colour ") + shape;
        if (choice.kind() == DatasetChoice.Kind.FOLDER) {
            return "The folder's images were read as " + to + " for the model (" + (shape.channels() == 1
                    ? "colour converted with OpenCV's luma weights, " : "grey images repeated in each channel, ")
                    + "each image stretched to " + shape.height() + "x" + shape.width() + ").";
        }
        if (train.channels() == shape.channels() && train.height() == shape.height() && train.width() == shape.width()) {
            return "";
        }
        String from = (train.channels() == 1 ? "grey " : "colour ") + train.channels() + "x" + train.height() + "x"
                + train.width();
        return "The " + from + " images were converted to " + to + " for the model" + (shape.channels() < train
                .channels() ? " (OpenCV's luma weights, 0.299 R + 0.587 G + 0.114 B)" : "") + (train.height() != shape
                .height() || train.width() != shape.width() ? ", resized bilinearly" : "") + ".";
    }

    private static Path folder(DatasetChoice choice, RunRoots roots) {
        return roots.find(choice.images());
    }
}
