package cnnlabs.datasets;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Writes small files in the real formats (IDX, CIFAR-10 binary, .tar.gz) for the tests. */
final class TestFiles {

    private TestFiles() {
    }

    /** Pixel value of image i at (y, x): distinct per image so that order and slicing are checkable. */
    static int pixel(int i, int y, int x) {
        return (i * 7 + y * 3 + x) % 256;
    }

    static byte[] idxImages(int count, int rows, int cols) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(IdxFormat.IMAGES_MAGIC);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int i = 0; i < count; i++) {
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < cols; x++) {
                    out.writeByte(pixel(i, y, x));
                }
            }
        }
        return bytes.toByteArray();
    }

    static byte[] idxLabels(int[] labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(IdxFormat.LABELS_MAGIC);
        out.writeInt(labels.length);
        for (int label : labels) {
            out.writeByte(label);
        }
        return bytes.toByteArray();
    }

    /** Labels 0, 1, ..., 9, 0, 1, ... */
    static int[] cyclicLabels(int count) {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 10;
        }
        return labels;
    }

    static byte[] cifarBatch(int records, int labelOffset) {
        byte[] data = new byte[records * CifarBinary.RECORD_BYTES];
        for (int r = 0; r < records; r++) {
            int base = r * CifarBinary.RECORD_BYTES;
            data[base] = (byte) ((r + labelOffset) % 10);
            for (int p = 0; p < CifarBinary.IMAGE_BYTES; p++) {
                data[base + 1 + p] = (byte) ((r * 31 + p) % 256);
            }
        }
        return data;
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    static byte[] tarGz(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static Checksum sha256(byte[] data) throws Exception {
        return Checksum.sha256(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
    }

    static Checksum md5(byte[] data) throws Exception {
        return Checksum.md5(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)));
    }

    static Path write(Path file, byte[] data) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, data);
    }
}
