package cnnlabs.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes sure a dataset's files are in its cache directory, fetching the missing ones on first use. */
public final class Fetching {

    private static final Logger log = LoggerFactory.getLogger(Fetching.class);

    private Fetching() {
    }

    /**
     * Fetches whichever of {@code names} are not yet in {@code dir} (as {@code name} or {@code name.gz}),
     * trying {@code sources} in order; fails with a message listing what was tried and how to fix it.
     */
    public static void ensure(String dataset, Path dir, List<String> names, List<FileSource> sources) {
        List<String> missing = missing(dir, names);
        if (missing.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataException("Cannot create the data directory " + dir + " for " + dataset + ": " + e.getMessage()
                    + ". Choose a writable directory with -D" + DataDirectory.PROPERTY + "=DIR.", e);
        }
        List<String> attempts = new ArrayList<>();
        for (FileSource source : sources) {
            String unavailable = source.unavailableReason();
            if (unavailable != null) {
                attempts.add(source.description() + " (" + unavailable + ")");
                continue;
            }
            log.info("Fetching {} {} from {} into {}", dataset, missing, source.description(), dir);
            try {
                source.fetch(missing, dir);
            } catch (IOException | RuntimeException e) {
                log.warn("Fetching {} from {} failed: {}", dataset, source.description(), e.getMessage());
                attempts.add(source.description() + " (" + e.getMessage() + ")");
            }
            missing = missing(dir, missing);
            if (missing.isEmpty()) {
                log.info("{} is ready in {}", dataset, dir);
                return;
            }
        }
        throw new DataException(dataset + " is not available: the files " + missing + " are missing from " + dir
                + " and could not be fetched. Tried: " + String.join("; ", attempts) + ". Fix the cause above, or "
                + "put the official files (plain or .gz) into " + dir + " yourself, then run again.");
    }

    static List<String> missing(Path dir, List<String> names) {
        return names.stream().filter(n -> DataFiles.find(dir, n).isEmpty()).toList();
    }

    /** Copies {@code in} to {@code target} through a temporary file in the same directory and a rename. */
    static void writeAtomically(InputStream in, Path target) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The single file matching {@code glob} that a tool wrote into {@code dir}. */
    static Path onlyFile(Path dir, String glob, String errorIfNone) throws IOException {
        try (DirectoryStream<Path> matches = Files.newDirectoryStream(dir, glob)) {
            Iterator<Path> it = matches.iterator();
            if (!it.hasNext()) {
                throw new IOException(errorIfNone);
            }
            return it.next();
        }
    }

    /** A scratch directory inside {@code parent}, deleted with {@link #deleteTree}. */
    static Path scratchDir(Path parent) throws IOException {
        return Files.createTempDirectory(parent, ".fetch-");
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("Could not delete scratch directory {}: {}", root, e.getMessage());
        }
    }
}
