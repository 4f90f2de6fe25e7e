package cnnlabs.run.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.training.EpochMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentRunTest {

    @TempDir
    Path root;

    record Result(int trainImages, double testAccuracy, List<Row> rows) {
    }

    record Row(String modelName, long totalParams) {
    }

    private ExperimentRun start() {
        return ExperimentRun.start(root, "Exp", Map.of("experiment", "Exp", "batch.size", 128), false,
                Map.of("cpu_model", "test CPU"));
    }

    @Test
    void startWritesConfigEnvironmentARunningSummaryAndTheReport() throws IOException {
        ExperimentRun run = start();
        JsonNode summary = new ObjectMapper().readTree(run.path().resolve(ExperimentRun.SUMMARY).toFile());
        assertEquals("running", summary.get("status").asText());
        assertEquals(128, new ObjectMapper().readTree(run.path().resolve(ExperimentRun.CONFIG).toFile())
                .get("batch.size").asInt());
        String report = Files.readString(run.path().resolve(HtmlReport.REPORT));
        assertTrue(report.contains("status: <span class=\"status running\">running</span>"), report);
        assertTrue(report.contains("<th>batch.size</th><td>128</td>"), report);
        assertTrue(Files.readString(root.resolve(HtmlReport.INDEX)).contains("Exp/" + run.path().getFileName()));
    }

    @Test
    void metricsRowIsOnDiskAsSoonAsTheEpochEnds() throws IOException {
        ExperimentRun run = start();
        run.epoch(new EpochMetrics("m", 1, 0.5, 0.8, 0.4, 0.85, 1e-3, 12.5, 640, 0.99, 0.84, 0.845));
        assertEquals(List.of(ExperimentRun.METRICS_HEADER, "m,1,0.500000,0.800000,0.400000,0.850000,0.00100000,12.5000,640.000,"
                        + "0.990000,0.840000,0.845000"),
                Files.readAllLines(run.path().resolve(ExperimentRun.METRICS)));
        run.epoch(new EpochMetrics("m", 2, 0.3, 0.9, Double.NaN, Double.NaN, 1e-3, 12, 650));
        List<String> lines = Files.readAllLines(run.path().resolve(ExperimentRun.METRICS));
        assertEquals(3, lines.size());
        assertEquals("m,2,0.300000,0.900000,,,0.00100000,12.0000,650.000,,,", lines.get(2));
        assertTrue(Files.size(run.path().resolve(ExperimentRun.CURVES)) > 0);
        assertTrue(Files.readString(run.path().resolve(HtmlReport.REPORT)).contains("<img src=\"" + ExperimentRun.CURVES + "\""));
    }

    @Test
    void theReportShowsWhatWasEmittedEvenWhenItsFilesChangeOnDisk() throws IOException {
        ExperimentRun run = start();
        run.table("| a | b |\n| --- | --- |\n| 1 | 2 |\n");
        run.picture("p.png", new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB));
        run.writeText("notes.txt", "x");
        // the publisher renders from memory: what happens to the files afterwards does not change the next report
        Files.writeString(run.path().resolve(ExperimentRun.TABLE), "| edited | by hand |\n| --- | --- |\n");
        Files.createFile(run.path().resolve("stranger.png"));
        run.writeText("more.txt", "y");
        String report = Files.readString(run.path().resolve(HtmlReport.REPORT));
        assertTrue(report.contains("<td>1</td>"), report);
        assertFalse(report.contains("edited"), report);
        assertTrue(report.contains("<img src=\"p.png\""), report);
        assertFalse(report.contains("stranger.png"), "only files the run wrote are linked");
        assertTrue(report.contains("<a href=\"notes.txt\">") && report.contains("<a href=\"more.txt\">"), report);
    }

    @Test
    void theSummaryIsTheExperimentsRecordBesideTheStatusInSnakeCase() throws IOException {
        ExperimentRun run = start();
        run.completed(new Result(5000, 0.98, List.of(new Row("lenet5", 61_706))));
        JsonNode s = new ObjectMapper().readTree(run.path().resolve(ExperimentRun.SUMMARY).toFile());
        assertEquals("Exp", s.get("experiment").asText());
        assertEquals("completed", s.get("status").asText());
        assertFalse(s.get("smoke_run").asBoolean());
        assertEquals(5000, s.get("train_images").asInt());
        assertEquals(0.98, s.get("test_accuracy").asDouble());
        assertEquals(61_706, s.get("rows").get(0).get("total_params").asLong());
        assertFalse(s.has("error"));
        assertFalse(s.has("result"), "the record's components sit at the top level");
        assertTrue(Files.readString(root.resolve(HtmlReport.INDEX)).contains("status completed"));
    }

    @Test
    void aFailureKeepsItsTraceAndMessage() throws IOException {
        ExperimentRun run = start();
        run.failed("out of memory", "java.lang.OutOfMemoryError\n\tat x");
        JsonNode s = new ObjectMapper().readTree(run.path().resolve(ExperimentRun.SUMMARY).toFile());
        assertEquals("failed", s.get("status").asText());
        assertEquals("out of memory", s.get("error").asText());
        assertTrue(Files.readString(run.path().resolve(ExperimentRun.ERROR)).startsWith("java.lang.OutOfMemoryError"));
        String report = Files.readString(run.path().resolve(HtmlReport.REPORT));
        assertTrue(report.contains("status failed") && report.contains("out of memory"), report);
    }

    @Test
    void theIndexReadsOtherRunsStatusFromTheirSummaries() throws IOException {
        ExperimentRun other = ExperimentRun.start(root, "Other", Map.of(), true, Map.of());
        other.completed(new Result(1, 0.5, List.of()));
        ExperimentRun run = start();
        String index = Files.readString(root.resolve(HtmlReport.INDEX));
        assertTrue(index.contains("Other/" + other.path().getFileName()) && index.contains("status completed"), index);
        assertTrue(index.contains("status running"), index);
        assertEquals(RunSummary.Status.RUNNING, run.summary().status());
    }
}
