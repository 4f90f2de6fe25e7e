package cnnlabs.experiments.results;

import cnnlabs.experiments.ConfigException;
import cnnlabs.experiments.plots.TrainingCurves;
import cnnlabs.experiments.training.EpochMetrics;
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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.imageio.ImageIO;

/**
 * One run's folder, {@code results/<Experiment>/<yyyyMMdd-HHmmss>-<id>/}. Every file is written whole
 * (temporary file, then an atomic rename), so a killed run keeps every file it finished; {@code metrics.csv}
 * and {@code training-curves.png} are rewritten with the new epoch at the end of each epoch.
 */
public final class RunDirectory {

    public static final String CURVES = "training-curves.png";

    public static final String METRICS_HEADER =
            "model,epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds,images_per_sec";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private final Path path;
    private final Path resultsRoot;
    private final List<EpochMetrics> metrics = new ArrayList<>();

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

    /**
     * Adds one epoch's row to {@code metrics.csv}, redraws {@code training-curves.png} and rewrites
     * {@code report.html}, so a long run's report shows its curves as it goes.
     */
    public synchronized void appendMetrics(EpochMetrics m) {
        metrics.add(m);
        StringBuilder csv = new StringBuilder(METRICS_HEADER).append('\n');
        for (EpochMetrics r : metrics) {
            csv.append(String.join(",", csv(r.model()), Integer.toString(r.epoch()), num(r.trainLoss()), num(r.trainAcc()),
                    num(r.valLoss()), num(r.valAcc()), num(r.learningRate()), num(r.seconds()), num(r.imagesPerSec())))
                    .append('\n');
        }
        writeText("metrics.csv", csv.toString());
        writePng(CURVES, TrainingCurves.render(metrics));
        HtmlReport.writeReport(path);
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
        Path target = path.resolve(fileName);
        Path tmp = path.resolve("." + fileName + ".tmp");
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

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** Writes a file's contents to the given (temporary) path. */
    @FunctionalInterface
    public interface FileWriter {
        void write(Path file) throws IOException;
    }
}
