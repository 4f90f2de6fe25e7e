package cnnlabs.run.results;

import cnnlabs.settings.ConfigException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * One run's folder, {@code results/<Experiment>/<yyyyMMdd-HHmmss>-<id>/}. Every file is written whole
 * (temporary file, then an atomic rename), so a killed run keeps every file it finished. Storage only: what the
 * files mean, and the report built from them, is {@link ExperimentRun}'s.
 */
public final class RunDirectory {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private final Path path;
    private final Path resultsRoot;

    private RunDirectory(Path path, Path resultsRoot) {
        this.path = path;
        this.resultsRoot = resultsRoot;
    }

    /** Creates a new, empty run folder under {@code resultsRoot/experiment}. */
    public static RunDirectory create(Path resultsRoot, String experiment) {
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        Path dir = resultsRoot.resolve(experiment).resolve(LocalDateTime.now().format(STAMP) + "-" + id);
        try {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw new ConfigException("Cannot create the results folder " + dir + " (" + e + "). Make it writable, or "
                    + "choose another folder with -Dresults.dir=DIR.");
        }
        return new RunDirectory(dir, resultsRoot);
    }

    /** An existing run folder, to continue an interrupted run in ({@code -Dresume}). */
    public static RunDirectory open(Path runFolder) {
        if (!Files.isDirectory(runFolder)) {
            throw new ConfigException("There is no run folder " + runFolder + " to resume. Give -Dresume a run folder "
                    + "(results/<Experiment>/<yyyyMMdd-HHmmss>-<id>) or -Dresume=latest.");
        }
        Path folder = runFolder.toAbsolutePath().normalize();
        return new RunDirectory(folder, folder.resolve("../..").normalize()); // results/<Experiment>/<run>
    }

    /** The names of the files in the folder now (not hidden temporary files). */
    public List<String> fileNames() {
        try (Stream<Path> s = Files.list(path)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path() {
        return path;
    }

    /** The results folder this run's folder is in (for {@link RunHistory}). */
    public Path resultsRoot() {
        return resultsRoot;
    }

    public Path writeText(String fileName, String text) {
        return writeBytes(fileName, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code value} as indented JSON with snake_case keys (records and maps alike). */
    public Path writeJson(String fileName, Object value) {
        try {
            return writeText(fileName, JSON.writeValueAsString(value) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code image} as a PNG file. */
    public Path writePng(String fileName, BufferedImage image) {
        return writeWith(fileName, tmp -> {
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new IOException("no PNG writer for " + fileName);
            }
        });
    }

    /** Writes a binary file produced by {@code writer} (e.g. a saved model) atomically. */
    public Path writeWith(String fileName, FileWriter writer) {
        return writeAtomically(path.resolve(fileName), writer);
    }

    /**
     * Writes {@code target} whole or not at all: {@code writer} fills a hidden temporary file beside it, which then
     * replaces {@code target} in one rename; a failure leaves the earlier file and no temporary one.
     */
    public static Path writeAtomically(Path target, FileWriter writer) {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            writer.write(tmp);
            return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private Path writeBytes(String fileName, byte[] bytes) {
        return writeWith(fileName, tmp -> Files.write(tmp, bytes));
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the temporary file is hidden and harmless; the real error, if any, is already being thrown
        }
    }

    /** Writes a file's contents to the given (temporary) path. */
    @FunctionalInterface
    public interface FileWriter {
        void write(Path file) throws IOException;
    }
}
