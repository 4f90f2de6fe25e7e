package cnnlabs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.datasets.DataDirectory;
import cnnlabs.run.results.ExperimentRun;
import cnnlabs.training.Console;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real run killed with SIGKILL mid-training keeps every epoch it finished, and {@code -Dresume=latest} finishes it in
 * the same folder; a learning rate that blows training up ends the run as diverged.
 */
class ResumeAfterKillTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path results;

    private static List<String> settings(Path results) {
        return List.of("-Dexp=MnistSimpleCnn", "-Dsubset=4000", "-Depochs=3", "-Dbatch.size=32", "-Dprogress=lines",
                "-Dresults.dir=" + results, "-D" + DataDirectory.PROPERTY + "=" + DataDirectory.defaultCache());
    }

    private static Path onlyRun(Path results) throws Exception {
        try (Stream<Path> runs = Files.list(results.resolve("MnistSimpleCnn"))) {
            List<Path> all = runs.filter(Files::isDirectory).toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    private static int metricRows(Path run) throws Exception {
        Path csv = run.resolve(ExperimentRun.METRICS);
        return Files.isRegularFile(csv) ? Files.readAllLines(csv).size() - 1 : 0;
    }

    @Test
    void aKilledRunKeepsItsFinishedEpochsAndResumesInItsFolder() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        command.addAll(settings(results));
        command.add(Main.class.getName());
        Path log = results.resolve("child.log");
        Files.createDirectories(results);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path run = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline && child.isAlive()) {
            if (Files.isDirectory(results.resolve("MnistSimpleCnn"))) {
                run = onlyRun(results);
                if (metricRows(run) >= 1) {
                    break;
                }
            }
            Thread.sleep(50);
        }
        assertTrue(child.isAlive(), "the child should still be training epoch 2:\n" + Files.readString(log));
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
        assertTrue(child.waitFor(1, TimeUnit.MINUTES));
        assertEquals(137, child.exitValue(), "killed by SIGKILL");

        int kept = metricRows(run);
        assertTrue(kept >= 1 && kept < 3, "finished epochs are on disk, the one it was in is lost: " + kept);
        List<String> keptRows = Files.readAllLines(run.resolve(ExperimentRun.METRICS));
        assertEquals("running", JSON.readTree(run.resolve(ExperimentRun.SUMMARY).toFile()).get("status").asText());
        assertTrue(Files.isRegularFile(run.resolve("checkpoint-simple-cnn-last.zip")));
        try (Stream<Path> files = Files.list(run)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no half-written file left");
        }

        Properties props = new Properties();
        for (String s : settings(results)) {
            String kv = s.substring(2);
            props.setProperty(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        props.remove("epochs"); // a resumed run takes its settings from its config.json
        props.setProperty(RunOptions.RESUME, "latest");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(props, new Console(new PrintStream(out, true, StandardCharsets.UTF_8), Console.Mode.OFF),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertEquals(run, onlyRun(results), "resumed into the same folder");
        List<String> rows = Files.readAllLines(run.resolve(ExperimentRun.METRICS));
        assertEquals(4, rows.size(), String.join("\n", rows));
        assertEquals(keptRows, rows.subList(0, keptRows.size()), "the kept epochs are unchanged");
        JsonNode summary = JSON.readTree(run.resolve(ExperimentRun.SUMMARY).toFile());
        assertEquals("completed", summary.get("status").asText());
        assertEquals(3, summary.get("epochs").asInt());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("simple-cnn: resumed after epoch " + kept + " of 3"));
        assertTrue(Files.isRegularFile(run.resolve("model.zip")));
        assertTrue(new File(run.toFile(), "report.html").isFile());
    }

    @Test
    void resumingACompletedRunOrAnotherExperimentsStopsWithTheFix() throws Exception {
        Path done = results.resolve("MnistSimpleCnn").resolve("20260101-000000-aaaaaa");
        Files.createDirectories(done);
        Files.writeString(done.resolve(ExperimentRun.CONFIG), "{\"experiment\": \"MnistSimpleCnn\"}");
        Files.writeString(done.resolve(ExperimentRun.SUMMARY), "{\"status\": \"completed\"}");
        Properties props = new Properties();
        props.setProperty("exp", "MnistSimpleCnn");
        props.setProperty("results.dir", results.toString());
        props.setProperty(RunOptions.RESUME, "latest");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Console quiet = new Console(new PrintStream(new ByteArrayOutputStream()), Console.Mode.OFF);
        assertEquals(2, Main.run(props, quiet, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("nothing to resume"), err.toString());

        props.setProperty("exp", "ArchitectureComparison");
        props.setProperty(RunOptions.RESUME, done.toString());
        Files.writeString(done.resolve(ExperimentRun.SUMMARY), "{\"status\": \"running\"}");
        err.reset();
        assertEquals(2, Main.run(props, quiet, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("-Dexp=MnistSimpleCnn"), err.toString());

        props.setProperty(RunOptions.RESUME, results.resolve("nowhere").toString());
        err.reset();
        assertEquals(2, Main.run(props, quiet, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("is not a run folder"), err.toString());
    }

    @Test
    void aLearningRateThatBlowsUpEndsTheRunAsDiverged() throws Exception {
        Properties props = new Properties();
        props.setProperty("exp", "MnistSimpleCnn");
        props.setProperty("max.batches", "5");
        props.setProperty("lr", "10");
        props.setProperty("results.dir", results.toString());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Console quiet = new Console(new PrintStream(new ByteArrayOutputStream()), Console.Mode.OFF);

        assertEquals(3, Main.run(props, quiet, new PrintStream(err, true, StandardCharsets.UTF_8)));

        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("diverged at epoch 1, batch") && message.contains("-Dlr=1"), message);
        assertEquals(1, message.strip().lines().count(), "one paragraph, no stack trace");
        Path run = onlyRun(results);
        JsonNode summary = JSON.readTree(run.resolve(ExperimentRun.SUMMARY).toFile());
        assertEquals("diverged", summary.get("status").asText());
        assertEquals(1, summary.get("epoch").asInt());
        assertTrue(summary.get("batch").asInt() >= 1);
        assertTrue(Files.readString(run.resolve(ExperimentRun.TABLE)).contains("Training diverged"));
        assertTrue(Files.readString(run.resolve("report.html")).contains("status diverged"));
    }

    @Test
    void aCompletedRunTrainsOnWithMoreEpochsInItsOwnFolder() throws Exception {
        Properties props = new Properties();
        props.setProperty("exp", "MnistSimpleCnn");
        props.setProperty("max.batches", "2");
        props.setProperty("subset", "600");
        props.setProperty("epochs", "1");
        props.setProperty("results.dir", results.toString());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Console quiet = new Console(new PrintStream(new ByteArrayOutputStream()), Console.Mode.OFF);
        assertEquals(0, Main.run(props, quiet, new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString());
        Path run = onlyRun(results);

        props.setProperty(RunOptions.RESUME, run.toString());
        props.setProperty("epochs", "2");
        assertEquals(0, Main.run(props, quiet, new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString());
        assertEquals(run, onlyRun(results), "trained on in the same folder");
        assertEquals(2, metricRows(run), "the first epoch kept, the second added");
        assertEquals(2, JSON.readTree(run.resolve(ExperimentRun.CONFIG).toFile()).get("epochs").asInt());
        JsonNode summary = JSON.readTree(run.resolve(ExperimentRun.SUMMARY).toFile());
        assertEquals("completed", summary.get("status").asText());
        assertEquals(2, summary.get("epochs").asInt());

        err.reset();
        assertEquals(2, Main.run(props, quiet, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("nothing to resume")
                && err.toString(StandardCharsets.UTF_8).contains("more epochs than its 2"), err.toString());
    }
}
