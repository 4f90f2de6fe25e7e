package cnnlabs.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A run folder's checkpoints: {@code checkpoint-<model>-last.zip} (the model with its updater state, and inside the
 * same zip the loop's state: epoch, history, schedule, callbacks, random-number state) and
 * {@code checkpoint-<model>-best.zip}. Both are DL4J model files ({@code ModelSerializer}); each is written whole
 * and renamed into place, so a killed run keeps the last one it finished.
 */
public final class Checkpoints {

    /** The loop's state, as JSON, beside DL4J's own entries in the last checkpoint's zip. */
    static final String STATE_ENTRY = "cnnlabs/fit-state.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Writes one file of the run folder atomically: {@code writer} fills the temporary file. */
    @FunctionalInterface
    public interface Folder {
        void write(String fileName, FileContent writer);
    }

    /** Fills a file. */
    @FunctionalInterface
    public interface FileContent {
        void write(Path file) throws IOException;
    }

    /** A restored checkpoint: the saved graph (plain DL4J, with updater state) and the loop's state. */
    public record Loaded(ComputationGraph graph, FitState state) {
    }

    private final Path dir;
    private final Folder folder;

    /** @param dir the run folder, where {@code folder} writes */
    public Checkpoints(Path dir, Folder folder) {
        this.dir = dir;
        this.folder = folder;
    }

    public static String lastFile(String model) {
        return "checkpoint-" + safe(model) + "-last.zip";
    }

    public static String bestFile(String model) {
        return "checkpoint-" + safe(model) + "-best.zip";
    }

    /** Writes the last checkpoint: the model, its updater state and {@code state}, in one file. */
    void writeLast(ComputationGraph graph, FitState state) {
        String json;
        try {
            json = JSON.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the checkpoint state of " + state.model(), e);
        }
        folder.write(lastFile(state.model()), tmp -> writeModel(graph, tmp, json));
    }

    /** Writes the best checkpoint (the model and its updater state). */
    void writeBest(String model, ComputationGraph graph) {
        folder.write(bestFile(model), tmp -> writeModel(graph, tmp, null));
    }

    /**
     * {@code ModelSerializer.writeModel(graph, file, true)}'s layout (its configuration, coefficients and updater-state
     * entries, which {@code ModelSerializer.restoreComputationGraph} reads), uncompressed (float parameters shrink by
     * about a tenth; compressing them made a MobileNetV2 checkpoint cost a second or two), plus the loop's state when
     * given.
     */
    static void writeModel(ComputationGraph graph, Path file, String state) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            zip.setLevel(Deflater.NO_COMPRESSION);
            zip.putNextEntry(new ZipEntry(ModelSerializer.CONFIGURATION_JSON));
            zip.write(graph.getConfiguration().toJson().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            DataOutputStream data = new DataOutputStream(new BufferedOutputStream(zip, 1 << 16));
            zip.putNextEntry(new ZipEntry(ModelSerializer.COEFFICIENTS_BIN));
            Nd4j.write(graph.params(), data);
            data.flush();
            zip.closeEntry();
            INDArray updater = graph.getUpdater() == null ? null : graph.getUpdater().getStateViewArray();
            if (updater != null && updater.length() > 0) {
                zip.putNextEntry(new ZipEntry(ModelSerializer.UPDATER_BIN));
                Nd4j.write(updater, data);
                data.flush();
                zip.closeEntry();
            }
            if (state != null) {
                zip.putNextEntry(new ZipEntry(STATE_ENTRY));
                zip.write(state.getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
    }

    /** The last checkpoint of {@code model} in the run folder, if there is one. */
    public Optional<Loaded> readLast(String model) {
        Path file = dir.resolve(lastFile(model));
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String json;
            try (ZipFile zip = new ZipFile(file.toFile())) {
                ZipEntry entry = zip.getEntry(STATE_ENTRY);
                if (entry == null) {
                    throw new IOException("it holds no training state");
                }
                json = new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
            }
            ComputationGraph graph = ModelSerializer.restoreComputationGraph(file.toFile(), true);
            return Optional.of(new Loaded(graph, JSON.readValue(json, FitState.class)));
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException(new IOException("The checkpoint " + file + " cannot be read (" + e.getMessage()
                    + "). Delete it to train " + model + " again from its start, or resume another run.", e));
        }
    }

    /** The parameters in {@code model}'s best checkpoint, or null when there is none. */
    public INDArray bestParams(String model) {
        Path file = dir.resolve(bestFile(model));
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return ModelSerializer.restoreComputationGraph(file.toFile(), false).params();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String safe(String model) {
        return model.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
