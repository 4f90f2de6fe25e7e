package cnnlabs.run.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Earlier runs in a results folder, for an experiment that reuses what another run saved (a trained model). */
public final class RunHistory {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunHistory() {
    }

    /**
     * {@code fileName} of the newest run of {@code experiment} under {@code resultsRoot} that completed in full (not
     * a smoke run), holds that file, and whose {@code summary.json} satisfies {@code summary}; empty where none does.
     */
    public static Optional<Path> latestFile(Path resultsRoot, String experiment, String fileName,
                                            Predicate<JsonNode> summary) {
        Path dir = resultsRoot.resolve(experiment);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> runs = Files.list(dir)) {
            return runs.sorted(Comparator.reverseOrder()) // run folders are named by their start time
                    .filter(run -> Files.isRegularFile(run.resolve(fileName)))
                    .filter(run -> completedFullRun(run, summary))
                    .map(run -> run.resolve(fileName))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A run folder's {@code summary.json}; an empty object where it cannot be read. */
    public static JsonNode summary(Path run) {
        try {
            return JSON.readTree(run.resolve(ExperimentRun.SUMMARY).toFile());
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static boolean completedFullRun(Path run, Predicate<JsonNode> summary) {
        try {
            JsonNode s = JSON.readTree(run.resolve(ExperimentRun.SUMMARY).toFile());
            return "completed".equals(s.path("status").asText()) && !s.path("smoke_run").asBoolean(true) && summary.test(s);
        } catch (IOException e) {
            return false;
        }
    }

    /** The status in a run folder's {@code summary.json} ({@code "unknown"} where it has none or cannot be read). */
    public static String status(Path run) {
        try {
            return JSON.readTree(run.resolve(ExperimentRun.SUMMARY).toFile()).path("status").asText("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
