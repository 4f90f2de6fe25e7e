package cnnlabs.datasets;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The expected digest of a file's contents (for IDX files: of the decompressed bytes, so that the plain
 * and the gzipped official file have the same checksum).
 */
public record Checksum(String algorithm, String hex) {

    public Checksum {
        newDigest(algorithm); // rejects unknown algorithms early
        hex = hex.toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]+")) {
            throw new IllegalArgumentException("not a hex digest: " + hex);
        }
    }

    public static Checksum sha256(String hex) {
        return new Checksum("SHA-256", hex);
    }

    public static Checksum md5(String hex) {
        return new Checksum("MD5", hex);
    }

    public MessageDigest newDigest() {
        return newDigest(algorithm);
    }

    /** True when the finished digest equals this checksum. */
    public boolean matches(byte[] digest) {
        return HexFormat.of().formatHex(digest).equals(hex);
    }

    /** Checks a finished digest; throws {@link DataException#badFile} naming both values when it differs. */
    public void verify(byte[] digest, String dataset, java.nio.file.Path file) {
        if (!matches(digest)) {
            throw DataException.badFile(dataset, file, "does not match the official file: its " + algorithm
                    + " is " + HexFormat.of().formatHex(digest) + ", the official file's is " + hex
                    + " (the file is corrupt, incomplete, or a different version)");
        }
    }

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("unknown digest algorithm " + algorithm, e);
        }
    }
}
