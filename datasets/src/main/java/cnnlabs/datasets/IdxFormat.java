package cnnlabs.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

/**
 * The IDX format of MNIST and Fashion-MNIST (plain or gzipped): a big-endian header with a magic
 * number ({@code 0x00000803} for a 3-dimensional unsigned-byte image file, {@code 0x00000801} for a
 * 1-dimensional label file) and the dimension sizes, followed by the raw bytes.
 *
 * <p>Every read is validated: magic number, dimensions, record count, exact length, label range, and,
 * when the spec names one, the checksum of the official file.
 */
public final class IdxFormat {

    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxFormat() {
    }

    /**
     * One split of an IDX dataset: its images file and labels file (names without {@code .gz}), how many
     * images of what size they must hold, and, for official files, their checksums (null to skip).
     */
    public record Pair(String imagesFile, String labelsFile, int count, int rows, int cols,
                       Checksum imagesChecksum, Checksum labelsChecksum) {
        public Pair {
            if (count <= 0 || rows <= 0 || cols <= 0) {
                throw new IllegalArgumentException("count and dimensions must be positive");
            }
        }
    }

    /** Reads and validates the images and labels of {@code pair} found in {@code dir} (plain or .gz). */
    public static ImageDataset read(String dataset, Path dir, Pair pair, List<String> classNames) {
        Path images = DataFiles.find(dir, pair.imagesFile()).orElse(dir.resolve(pair.imagesFile()));
        Path labels = DataFiles.find(dir, pair.labelsFile()).orElse(dir.resolve(pair.labelsFile()));
        byte[] pixels = readImages(dataset, images, pair);
        int[] labelValues = readLabels(dataset, labels, pair, classNames.size());
        return new ImageDataset(dataset, pixels, labelValues, 1, pair.rows(), pair.cols(), classNames);
    }

    static byte[] readImages(String dataset, Path file, Pair pair) {
        MessageDigest digest = pair.imagesChecksum() == null ? null : pair.imagesChecksum().newDigest();
        try (InputStream in = DataFiles.open(file, digest)) {
            byte[] header = DataFiles.readFully(in, 16, dataset, file, "the IDX image header and dimensions");
            int magic = readInt(header, 0);
            checkMagic(dataset, file, magic, IMAGES_MAGIC, "image");
            int count = readInt(header, 4);
            int rows = readInt(header, 8);
            int cols = readInt(header, 12);
            if (rows != pair.rows() || cols != pair.cols()) {
                throw DataException.badFile(dataset, file, "holds " + rows + "x" + cols + " images, expected "
                        + pair.rows() + "x" + pair.cols());
            }
            if (count != pair.count()) {
                throw DataException.badFile(dataset, file, "holds " + count + " images, expected " + pair.count());
            }
            byte[] pixels = DataFiles.readFully(in, count * rows * cols, dataset, file,
                    "its header announces " + count + " images of " + rows + "x" + cols + ", which");
            DataFiles.expectEnd(in, dataset, file);
            if (digest != null) {
                pair.imagesChecksum().verify(digest.digest(), dataset, file);
            }
            return pixels;
        } catch (IOException e) {
            throw DataFiles.readFailure(dataset, file, e);
        }
    }

    static int[] readLabels(String dataset, Path file, Pair pair, int numClasses) {
        MessageDigest digest = pair.labelsChecksum() == null ? null : pair.labelsChecksum().newDigest();
        try (InputStream in = DataFiles.open(file, digest)) {
            byte[] header = DataFiles.readFully(in, 8, dataset, file, "the IDX label header");
            checkMagic(dataset, file, readInt(header, 0), LABELS_MAGIC, "label");
            int count = readInt(header, 4);
            if (count != pair.count()) {
                throw DataException.badFile(dataset, file, "holds " + count + " labels, expected " + pair.count());
            }
            byte[] bytes = DataFiles.readFully(in, count, dataset, file,
                    "its header announces " + count + " labels, which");
            DataFiles.expectEnd(in, dataset, file);
            if (digest != null) {
                pair.labelsChecksum().verify(digest.digest(), dataset, file);
            }
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = bytes[i] & 0xFF;
                if (labels[i] >= numClasses) {
                    throw DataException.badFile(dataset, file, "has label " + labels[i] + " at index " + i
                            + ", outside the valid range 0.." + (numClasses - 1));
                }
            }
            return labels;
        } catch (IOException e) {
            throw DataFiles.readFailure(dataset, file, e);
        }
    }

    private static void checkMagic(String dataset, Path file, int magic, int expected, String kind) {
        if (magic != expected) {
            String hint = magic == IMAGES_MAGIC ? " (that is an IDX image file)"
                    : magic == LABELS_MAGIC ? " (that is an IDX label file)" : "";
            throw DataException.badFile(dataset, file, String.format(
                    "is not an IDX %s file: its magic number is 0x%08X%s, expected 0x%08X", kind, magic, hint, expected));
        }
    }

    private static int readInt(byte[] b, int offset) {
        return ((b[offset] & 0xFF) << 24) | ((b[offset + 1] & 0xFF) << 16) | ((b[offset + 2] & 0xFF) << 8)
                | (b[offset + 3] & 0xFF);
    }
}
