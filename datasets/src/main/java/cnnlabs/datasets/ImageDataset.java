package cnnlabs.datasets;

import cnnlabs.datasets.augment.Augmentation;
import java.util.Arrays;
import java.util.List;

/**
 * Labelled images held in memory as unsigned bytes, one image after another in channels-first
 * (C, H, W) order: the layout of the IDX and CIFAR-10 binary files, and of DL4J's NCHW input.
 *
 * <p>Slicing follows NumPy/Keras: {@link #head(int)} is {@code X[:n]}, and
 * {@link #splitValidation(double)} is Keras' {@code validation_split}, which takes the LAST fraction of
 * the arrays, before any shuffling.
 */
public final class ImageDataset {

    private final String name;
    private final byte[] pixels;
    private final int[] labels;
    private final int channels;
    private final int height;
    private final int width;
    private final List<String> classNames;

    public ImageDataset(String name, byte[] pixels, int[] labels, int channels, int height, int width,
                        List<String> classNames) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image shape must be positive, got " + channels + "x" + height + "x" + width);
        }
        if ((long) labels.length * channels * height * width != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + pixels.length + " pixel bytes for "
                    + channels + "x" + height + "x" + width + " images");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is outside 0.."
                        + (classNames.size() - 1));
            }
        }
        this.name = name;
        this.pixels = pixels;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classNames = List.copyOf(classNames);
    }

    public String name() {
        return name;
    }

    public int size() {
        return labels.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int imageSize() {
        return channels * height * width;
    }

    public int numClasses() {
        return classNames.size();
    }

    public List<String> classNames() {
        return classNames;
    }

    public int label(int index) {
        return labels[index];
    }

    /** Pixel {@code (c, y, x)} of image {@code index} as an unsigned value 0..255. */
    public int pixel(int index, int c, int y, int x) {
        return pixels[index * imageSize() + (c * height + y) * width + x] & 0xFF;
    }

    /** Copies image {@code index} into {@code dest} at {@code offset}, scaled to [0, 1]. */
    void copyScaled(int index, float[] dest, int offset) {
        int n = imageSize();
        int base = index * n;
        for (int i = 0; i < n; i++) {
            dest[offset + i] = (pixels[base + i] & 0xFF) / 255f;
        }
    }

    /** Unsigned bytes {@code src} scaled to [0, 1] into {@code dest} at {@code offset}. */
    static void scale(byte[] src, float[] dest, int offset) {
        for (int i = 0; i < src.length; i++) {
            dest[offset + i] = (src[i] & 0xFF) / 255f;
        }
    }

    /** A copy of image {@code index}'s bytes, C x H x W. */
    public byte[] imageBytes(int index) {
        int n = imageSize();
        return Arrays.copyOfRange(pixels, index * n, (index + 1) * n);
    }

    /** {@code X[:n]}: the first {@code n} images (all of them when {@code n >= size()}). */
    public ImageDataset head(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("subset size must be >= 0, got " + n);
        }
        return range(0, Math.min(n, size()));
    }

    /** {@code X[from:to]}. */
    public ImageDataset range(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of a dataset of " + size());
        }
        int n = imageSize();
        return new ImageDataset(name, Arrays.copyOfRange(pixels, from * n, to * n),
                Arrays.copyOfRange(labels, from, to), channels, height, width, classNames);
    }

    /**
     * Keras' {@code validation_split}: the last {@code fraction} of the images is the validation set,
     * taken before shuffling; the split index is {@code floor(size * (1 - fraction))}, as Keras computes it.
     */
    public Split splitValidation(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
        }
        int splitAt = (int) Math.floor(size() * (1.0 - fraction));
        return new Split(range(0, splitAt), range(splitAt, size()));
    }

    /**
     * Greyscale images as RGB images of {@code size} x {@code size}: each image zero-padded equally on all sides
     * (28x28 MNIST to 32x32: 2 pixels each side) and its grey channel copied into R, G and B. For models built
     * for CIFAR-sized input when only greyscale data is at hand.
     */
    public ImageDataset asRgb(int size) {
        if (channels != 1) {
            throw new IllegalArgumentException(name + " already has " + channels + " channels; asRgb takes greyscale images");
        }
        int padY = size - height;
        int padX = size - width;
        if (padY < 0 || padX < 0 || padY % 2 != 0 || padX % 2 != 0) {
            throw new IllegalArgumentException("cannot pad " + height + "x" + width + " images evenly to " + size + "x" + size);
        }
        int top = padY / 2;
        int left = padX / 2;
        int plane = size * size;
        byte[] rgb = new byte[size() * 3 * plane];
        for (int i = 0; i < size(); i++) {
            for (int y = 0; y < height; y++) {
                for (int c = 0; c < 3; c++) {
                    System.arraycopy(pixels, i * imageSize() + y * width, rgb, i * 3 * plane + c * plane + (y + top) * size + left,
                            width);
                }
            }
        }
        return new ImageDataset(name + " (RGB " + size + "x" + size + ")", rgb, labels.clone(), 3, size, size, classNames);
    }

    /**
     * These images as {@code channels} x {@code height} x {@code width} (1 = grey, 3 = RGB): colour converted to grey
     * with OpenCV's luma weights or grey copied into three channels, then resized bilinearly (for a model whose input
     * differs: CIFAR-10 for a 1x28x28 model). This dataset itself when it already has that shape.
     */
    public ImageDataset convertedTo(int newChannels, int newHeight, int newWidth) {
        if (newChannels == channels && newHeight == height && newWidth == width) {
            return this;
        }
        return ImageConversion.convert(this, newChannels, newHeight, newWidth);
    }

    /** Number of images of each class, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** A batch iterator over this dataset; see {@link ImageBatchIterator}. */
    public ImageBatchIterator batches(int batchSize, boolean shuffle, long seed) {
        return new ImageBatchIterator(this, batchSize, shuffle, seed, null);
    }

    /** A batch iterator whose every image is freshly augmented by {@code augmentation} (training data only). */
    public ImageBatchIterator batches(int batchSize, boolean shuffle, long seed, Augmentation augmentation) {
        return new ImageBatchIterator(this, batchSize, shuffle, seed, augmentation);
    }

    @Override
    public String toString() {
        return name + " (" + size() + " images, " + channels + "x" + height + "x" + width + ", "
                + numClasses() + " classes)";
    }

    /** A training set and the validation set split off its end. */
    public record Split(ImageDataset train, ImageDataset validation) {
    }
}
