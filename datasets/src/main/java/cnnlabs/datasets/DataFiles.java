package cnnlabs.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Opening data files that may be gzipped, and turning low-level read failures into {@link DataException}s. */
final class DataFiles {

    private DataFiles() {
    }

    /** {@code dir/name} if it exists, else {@code dir/name.gz} if that exists. */
    static Optional<Path> find(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return Optional.of(plain);
        }
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? Optional.of(gz) : Optional.empty();
    }

    /**
     * Opens {@code file} for reading its contents: gzip is detected by its magic bytes (not by the file
     * name) and decompressed; when {@code digest} is given, it sees the decompressed bytes.
     */
    static InputStream open(Path file, MessageDigest digest) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return digest == null ? in : new DigestInputStream(in, digest);
    }

    /** Reads exactly {@code n} bytes or reports how many there were. */
    static byte[] readFully(InputStream in, int n, String dataset, Path file, String what) throws IOException {
        byte[] data = in.readNBytes(n);
        if (data.length < n) {
            throw DataException.badFile(dataset, file, "is truncated: " + what + " need " + n
                    + " bytes but the file ends after " + data.length);
        }
        return data;
    }

    /** Fails when anything follows the expected records. */
    static void expectEnd(InputStream in, String dataset, Path file) throws IOException {
        if (in.read() != -1) {
            throw DataException.badFile(dataset, file, "has unexpected data after its last record (it is not "
                    + "the file the header describes)");
        }
    }

    /** Maps an I/O failure while reading {@code file} to a user-facing error. */
    static DataException readFailure(String dataset, Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DataException(dataset + " file " + file + " is missing. Run again to fetch it, or put the "
                    + "official file there.");
        }
        if (e instanceof EOFException) {
            return DataException.badFile(dataset, file, "is truncated (its compressed stream ends early)");
        }
        if (e instanceof ZipException) {
            return DataException.badFile(dataset, file, "is not a valid gzip file (" + e.getMessage() + ")");
        }
        return new DataException(dataset + " file " + file + " cannot be read: " + e.getMessage()
                + ". Check its permissions and the disk, then run again.", e);
    }
}
