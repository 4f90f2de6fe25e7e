package cnnlabs.sweep.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.datasets.DataLocations;
import cnnlabs.run.RunRoots;
import cnnlabs.run.RunSetup;
import cnnlabs.run.Runner;
import cnnlabs.run.settings.Common;
import cnnlabs.sweep.Sweep;
import cnnlabs.sweep.SweepSettings;
import cnnlabs.sweep.SweepSummary;
import cnnlabs.training.Console;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.ui.api.UIServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-trial sweep with {@code -Dsweep.ui=true} (one trial completes, one diverges) shows in Arbiter's results page:
 * its configuration, its counts, each trial's status and score, and a trial's settings and loss curve.
 */
class ArbiterUiTest {

    private static final String PORT = "org.deeplearning4j.ui.port";

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        UIServer.stopInstance();
        System.clearProperty(PORT);
    }

    @Test
    void aRunningSweepShowsItsTrialsInArbitersPage() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        System.setProperty(PORT, String.valueOf(port));
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, """
                experiment: MnistSimpleCnn
                seed: 42
                search: {kind: grid}
                objective: {metric: val_acc}
                fixed: {epochs: 1, subset: 2000}
                space:
                  lr: {choice: [0.003, 10]}
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunRoots roots = new RunRoots(Path.of(System.getProperty("cnnlabs.root", "")), dir.resolve("results"),
                DataLocations.defaults());
        Runner.Finished run = Runner.run(new Sweep(), new SweepSettings(new Common(42, 12), file.toString(), 1, "", true),
                RunSetup.of(roots, new Console(new PrintStream(out), Console.Mode.LINES), "test"));
        assertEquals("Arbiter's page of the sweep stays at http://localhost:" + port + "/arbiter", run.result().page(),
                "the command keeps the page up");
        String address = "http://localhost:" + port + "/arbiter";
        assertTrue(out.toString().contains("Arbiter's UI: " + address), out.toString());
        SweepSummary summary = (SweepSummary) run.result().summary();
        assertEquals(1, summary.completed());
        assertEquals(1, summary.diverged());

        assertTrue(get(address).contains("<html"), "Arbiter's page is served");
        String config = get(address + "/config");
        assertTrue(config.contains("GridSearchCandidateGenerator"), config);
        assertTrue(config.contains("maximise val_acc"), "the objective and its direction: " + config);
        String summaryJson = get(address + "/summary");
        assertTrue(summaryJson.matches("(?s).*\\[\\s*\"Models Completed\"\\s*,\\s*\"1\"\\s*].*")
                && summaryJson.matches("(?s).*\\[\\s*\"Models Failed\"\\s*,\\s*\"1\"\\s*].*"), summaryJson);
        assertTrue(summaryJson.matches("(?s).*\\[\\s*\"Total Runtime\"\\s*,\\s*\"[0-9]+ sec\"\\s*].*"),
                "the sweep's clock: " + summaryJson);

        // one row per trial: its index, score and status
        String results = get(address + "/results");
        assertTrue(results.matches("(?s).*\\[\\s*\"1\"\\s*,\\s*\"0\\.[0-9]+\"\\s*,\\s*\"Complete\"\\s*].*"), results);
        assertTrue(results.matches("(?s).*\\[\\s*\"2\"\\s*,\\s*\"\"\\s*,\\s*\"Failed\"\\s*].*"), results);

        // a trial's page: its setting as a hyperparameter, with its value and its space, and the loss of its 12 steps
        String first = get(address + "/candidateInfo/1");
        assertTrue(first.matches("(?s).*\\[\\s*\"lr\"\\s*,\\s*\"0\\.003\"\\s*,\\s*\"DiscreteParameterSpace.*"),
                "the trial's settings: " + first);
        assertTrue(first.matches("(?s).*\"ChartLine\".*\"x\"\\s*:\\s*\\[\\s*\\[\\s*1\\.0,[^\\]]*, 12\\.0\\s*].*"),
                "its loss at each of its 12 steps: " + first);
        String second = get(address + "/candidateInfo/2");
        assertTrue(second.contains("diverged"), "why trial 2 failed: " + second);
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return r.body();
    }
}
