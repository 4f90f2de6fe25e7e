package cnnlabs.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

/**
 * The CIFAR-10 binary format: files of 3073-byte records, each a label byte (0..9) followed by a 32x32
 * image as 1024 red, 1024 green and 1024 blue bytes, rows in order (already channels-first).
 */
public final class CifarBinary {

    public static final int SIDE = 32;
    public static final int CHANNELS = 3;
    public static final int IMAGE_BYTES = CHANNELS * SIDE * SIDE;
    public static final int RECORD_BYTES = 1 + IMAGE_BYTES;

    private CifarBinary() {
    }

    /** A batch file: its name, its number of records, and its official checksum (null to skip). */
    public record BatchFile(String name, int records, Checksum checksum) {
        public BatchFile {
            if (records <= 0) {
                throw new IllegalArgumentException("records must be positive");
            }
        }
    }

    /** Reads and validates {@code files} from {@code dir}, concatenated in the given order. */
    public static ImageDataset read(String dataset, Path dir, List<BatchFile> files, List<String> classNames) {
        int total = files.stream().mapToInt(BatchFile::records).sum();
        byte[] pixels = new byte[total * IMAGE_BYTES];
        int[] labels = new int[total];
        int offset = 0;
        for (BatchFile f : files) {
            readInto(dataset, dir.resolve(f.name()), f, classNames.size(), pixels, labels, offset);
            offset += f.records();
        }
        return new ImageDataset(dataset, pixels, labels, CHANNELS, SIDE, SIDE, classNames);
    }

    private static void readInto(String dataset, Path file, BatchFile spec, int numClasses, byte[] pixels,
                                 int[] labels, int offset) {
        MessageDigest digest = spec.checksum() == null ? null : spec.checksum().newDigest();
        try (InputStream in = DataFiles.open(file, digest)) {
            byte[] record = new byte[RECORD_BYTES];
            for (int r = 0; r < spec.records(); r++) {
                int n = in.readNBytes(record, 0, RECORD_BYTES);
                if (n < RECORD_BYTES) {
                    throw DataException.badFile(dataset, file, "is truncated: it should hold " + spec.records()
                            + " records of " + RECORD_BYTES + " bytes (" + (long) spec.records() * RECORD_BYTES
                            + " bytes) but ends after " + ((long) r * RECORD_BYTES + n) + " bytes");
                }
                int label = record[0] & 0xFF;
                if (label >= numClasses) {
                    throw DataException.badFile(dataset, file, "has label " + label + " in record " + r
                            + ", outside the valid range 0.." + (numClasses - 1)
                            + " (not a CIFAR-10 binary batch, or corrupt)");
                }
                labels[offset + r] = label;
                System.arraycopy(record, 1, pixels, (offset + r) * IMAGE_BYTES, IMAGE_BYTES);
            }
            DataFiles.expectEnd(in, dataset, file);
            if (digest != null) {
                spec.checksum().verify(digest.digest(), dataset, file);
            }
        } catch (IOException e) {
            throw DataFiles.readFailure(dataset, file, e);
        }
    }
}
