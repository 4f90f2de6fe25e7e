package cnnlabs.datasets;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.datavec.api.io.labels.ParentPathLabelGenerator;
import org.datavec.api.split.CollectionInputSplit;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.datavec.image.loader.NativeImageLoader;
import org.datavec.image.recordreader.ImageRecordReader;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A folder of images with one sub-folder per class, named after the class ({@code flowers/daisy/1.jpg},
 * {@code flowers/rose/2.png}), as Keras' {@code image_dataset_from_directory} and torchvision's {@code ImageFolder}
 * read one: classes in sorted order, every image in a format DataVec reads (PNG, JPEG, BMP, TIFF, ...; any size,
 * colour or grey) directly inside its class's folder; other files and hidden ones are left alone.
 *
 * <p>{@link #open} checks the layout and {@link #verify} decodes every image, so that a bad folder stops a run before
 * it starts; both throw a {@link DataException} that names the folder or file and the fix. {@link #load} reads the
 * images through DataVec's {@link ImageRecordReader} with its {@link ParentPathLabelGenerator} (the label is the
 * parent folder's name), converted to the channels asked for (OpenCV's grey or colour conversion) and stretched to
 * the height and width asked for (bilinear, aspect ratio not kept, as Keras' default), in an order shuffled with a
 * seed: Keras' {@code validation_split} of the result (its last fraction) is a seeded random split, as
 * {@code image_dataset_from_directory(validation_split=..., seed=...)} makes one. Colour images come out in RGB order,
 * as CIFAR-10's do.
 */
public final class ImageFolder {

    private final Path root;
    private final List<String> classes;
    private final List<Path> images;

    private ImageFolder(Path root, List<String> classes, List<Path> images) {
        this.root = root;
        this.classes = List.copyOf(classes);
        this.images = List.copyOf(images);
    }

    /** The folder at {@code root}, its layout checked (images not decoded yet: {@link #verify}). */
    public static ImageFolder open(Path root) {
        Path dir = root.toAbsolutePath().normalize();
        String example = " It must hold one sub-folder per class, each with that class's images, e.g. " + dir
                + "/cat/1.png and " + dir + "/dog/2.jpg.";
        if (!Files.exists(dir)) {
            throw new DataException("The image folder " + dir + " does not exist." + example
                    + " Check the path given with -Ddata.images.");
        }
        if (!Files.isDirectory(dir)) {
            throw new DataException("The image folder " + dir + " is a file, not a folder." + example
                    + " Give the folder above the class folders with -Ddata.images.");
        }
        List<Path> classDirs = visible(dir).stream().filter(Files::isDirectory).toList();
        if (classDirs.isEmpty()) {
            long loose = visible(dir).stream().filter(ImageFolder::isImage).count();
            throw new DataException("The image folder " + dir + " has no class sub-folders"
                    + (loose > 0 ? " (its " + loose + " images lie in it directly)" : "") + "." + example
                    + " Move each image into the folder of its class.");
        }
        if (classDirs.size() == 1) {
            throw new DataException("The image folder " + dir + " has one class sub-folder ("
                    + classDirs.get(0).getFileName() + "), and a classifier needs at least two classes." + example
                    + " Add a sub-folder for every other class.");
        }
        List<String> classes = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        for (Path classDir : classDirs) {
            List<Path> inside = visible(classDir);
            List<Path> nested = inside.stream().filter(Files::isDirectory).toList();
            if (!nested.isEmpty()) {
                throw new DataException("The class folder " + classDir + " holds a folder, " + nested.get(0)
                        .getFileName() + ": images must lie directly in the folder of their class (the class is the "
                        + "name of the folder an image is in)." + example + " Move its images up into " + classDir
                        + ", or move the folder out of " + dir + ".");
            }
            List<Path> found = inside.stream().filter(ImageFolder::isImage).toList();
            if (found.isEmpty()) {
                empty.add(classDir.toString());
            }
            classes.add(classDir.getFileName().toString());
            images.addAll(found);
        }
        if (!empty.isEmpty()) {
            throw new DataException("The class folder" + (empty.size() > 1 ? "s " : " ") + String.join(", ", empty)
                    + (empty.size() > 1 ? " hold" : " holds") + " no images (files ending in " + FORMATS
                    + "). Put that class's images there, or remove the folder if the class is not wanted.");
        }
        return new ImageFolder(dir, classes, images);
    }

    /** The formats DataVec's image loader reads, by file extension, in lower case. */
    static final Set<String> FORMATS = formats();

    private static Set<String> formats() {
        Set<String> out = new TreeSet<>();
        for (String f : NativeImageLoader.ALLOWED_FORMATS) {
            out.add(f.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return Files.isRegularFile(file) && dot > 0 && FORMATS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** The entries of {@code dir} whose names do not start with a dot, sorted by name. */
    private static List<Path> visible(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new DataException("The image folder " + dir + " cannot be listed (" + e.getMessage() + "). Make it "
                    + "readable, or point -Ddata.images at another folder.", e);
        }
    }

    /**
     * Decodes every image once (without resizing): an image DataVec cannot read stops here, with every such file named,
     * before anything is trained.
     */
    public ImageFolder verify() {
        NativeImageLoader loader = new NativeImageLoader();
        List<String> unreadable = new ArrayList<>();
        for (Path image : images) {
            String problem = decodeProblem(loader, image);
            if (problem != null) {
                unreadable.add(image + " (" + problem + ")");
            }
        }
        if (!unreadable.isEmpty()) {
            int shown = Math.min(5, unreadable.size());
            throw new DataException(unreadable.size() + " file" + (unreadable.size() > 1 ? "s" : "") + " in the image "
                    + "folder " + root + " cannot be read as images: " + String.join("; ", unreadable.subList(0, shown))
                    + (unreadable.size() > shown ? "; and " + (unreadable.size() - shown) + " more" : "")
                    + ". Replace each with a valid image, or delete it.");
        }
        return this;
    }

    private static String decodeProblem(NativeImageLoader loader, Path image) {
        try {
            var decoded = loader.asWritable(image.toFile());
            if (decoded == null || decoded.getFrame() == null || decoded.getWidth() <= 0) {
                return "no image decoded";
            }
            int depth = decoded.getFrame().imageDepth;
            return depth == org.bytedeco.javacv.Frame.DEPTH_UBYTE ? null : "a " + Math.abs(depth) + "-bit image; "
                    + "images are read as 8 bits per channel: convert it, e.g. with ImageMagick's convert FILE -depth 8 FILE";
        } catch (IOException | RuntimeException e) {
            return String.valueOf(e.getMessage());
        }
    }

    public Path root() {
        return root;
    }

    /** The class names, sorted: label i is {@code classes().get(i)}. */
    public List<String> classes() {
        return classes;
    }

    /** How many images there are. */
    public int size() {
        return images.size();
    }

    /**
     * Every image as {@code channels} x {@code height} x {@code width} bytes, in an order shuffled with {@code seed}
     * (from the images sorted by class and file name, so the same seed gives the same order on any machine).
     */
    public ImageDataset load(int channels, int height, int width, long seed) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("an image folder loads as 1 (grey) or 3 (RGB) channels, not " + channels);
        }
        List<Path> order = new ArrayList<>(images);
        Collections.shuffle(order, new Random(seed));
        List<URI> uris = order.stream().map(Path::toUri).toList();
        ImageRecordReader reader = new ImageRecordReader(height, width, channels, new ParentPathLabelGenerator());
        reader.setLogLabelCountOnInit(false);
        try {
            reader.initialize(new CollectionInputSplit(uris));
        } catch (IOException e) {
            throw new DataException("The image folder " + root + " cannot be read (" + e.getMessage() + ").", e);
        }
        if (!reader.getLabels().equals(classes)) {
            throw new IllegalStateException("DataVec labelled the classes " + reader.getLabels() + ", expected " + classes);
        }
        int imageSize = channels * height * width;
        byte[] pixels = new byte[order.size() * imageSize];
        int[] labels = new int[order.size()];
        for (int i = 0; i < order.size(); i++) {
            List<Writable> record;
            try {
                record = reader.next();
            } catch (RuntimeException e) {
                throw new DataException("The image " + order.get(i) + " cannot be read (" + e.getMessage() + "). Replace "
                        + "it with a valid image, or delete it.", e);
            }
            INDArray image = ((NDArrayWritable) record.get(0)).get().castTo(DataType.FLOAT);
            float[] values = image.reshape(imageSize).toFloatVector();
            for (int p = 0; p < imageSize; p++) {
                pixels[i * imageSize + p] = (byte) Math.round(Math.max(0, Math.min(255, values[p])));
            }
            labels[i] = record.get(1).toInt();
        }
        if (channels == 3) {
            bgrToRgb(pixels, height * width);
        }
        return new ImageDataset("images in " + root, pixels, labels, channels, height, width, classes);
    }

    /** OpenCV decodes colour as B, G, R planes; swaps the first and third plane of every image. */
    private static void bgrToRgb(byte[] pixels, int plane) {
        for (int base = 0; base < pixels.length; base += 3 * plane) {
            for (int p = 0; p < plane; p++) {
                byte b = pixels[base + p];
                pixels[base + p] = pixels[base + 2 * plane + p];
                pixels[base + 2 * plane + p] = b;
            }
        }
    }

    @Override
    public String toString() {
        return root + " (" + images.size() + " images, " + classes.size() + " classes: " + String.join(", ", classes) + ")";
    }
}
