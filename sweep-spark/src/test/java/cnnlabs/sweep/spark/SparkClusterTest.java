package cnnlabs.sweep.spark;

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
import cnnlabs.sweep.Trial;
import cnnlabs.sweep.TrialStore;
import cnnlabs.training.Console;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps on a real Spark standalone cluster: a master and a worker started as JVMs of their own on 127.0.0.1 by
 * {@code sweep-spark/standalone.sh} (sweep/README.md's cluster commands) from Spark's own jars, the worker launching its executors
 * as a cluster's does. The driver (this JVM) shares nothing with the executors but the sweep folder: they get the
 * application from the jars it ships. The worker has one core, so trials run one after another, as here.
 */
class SparkClusterTest {

    @TempDir
    static Path tmp;

    private static Process master;
    private static Process worker;
    private static String url;

    @BeforeAll
    static void startCluster() throws Exception {
        Path root = Path.of(System.getProperty("cnnlabs.root"));
        int port = freePort();
        int masterUi = freePort();
        master = start(root, "master", "--port", String.valueOf(port), "--webui-port", String.valueOf(masterUi));
        url = "spark://127.0.0.1:" + port;
        waitFor(() -> listens(port), master, "the master to listen on " + port);
        worker = start(root, "worker", url, "--cores", "1", "--memory", "4g", "--webui-port",
                String.valueOf(freePort()), "--work-dir", tmp.resolve("work").toString());
        waitFor(() -> get("http://127.0.0.1:" + masterUi + "/json/").replace(" ", "").contains("\"aliveworkers\":1"),
                worker, "the worker to register with the master");
        // the driver advertises 127.0.0.1 to the executors (SPARK_LOCAL_IP for a driver started from a shell)
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
        System.setProperty("spark.executor.memory", "3g");
    }

    @AfterAll
    static void stopCluster() {
        System.clearProperty("spark.driver.host");
        System.clearProperty("spark.driver.bindAddress");
        System.clearProperty("spark.executor.memory");
        for (Process p : new Process[] {worker, master}) {
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    private static Process start(Path root, String role, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("sweep-spark/standalone.sh").toString(), role));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(role + ".log").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_HOME", tmp.resolve("spark-home").toString());
        return pb.start();
    }

    private static void waitFor(BooleanSupplier ready, Process process, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!ready.getAsBoolean()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("waiting for " + what + ":\n" + logs());
            }
            Thread.sleep(250);
        }
    }

    private static String logs() {
        StringBuilder out = new StringBuilder();
        for (String role : List.of("master", "worker")) {
            try {
                out.append("--- ").append(role).append(".log\n").append(Files.readString(tmp.resolve(role + ".log")));
            } catch (IOException e) {
                out.append(e);
            }
        }
        return out.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean listens(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String get(String address) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(address)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static Runner.Finished sweep(Path file, String spark, String results) throws Exception {
        RunRoots roots = new RunRoots(Path.of(System.getProperty("cnnlabs.root")), tmp.resolve(results),
                DataLocations.defaults());
        return Runner.run(new Sweep(), new SweepSettings(new Common(42, 0), file.toString(), 1, spark, false),
                RunSetup.of(roots, new Console(new PrintStream(new ByteArrayOutputStream()), Console.Mode.OFF), "test"));
    }

    private static Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    /** Each ranked row of a sweep's table: trial and settings. */
    private static List<String> ranking(Runner.Finished run) throws IOException {
        return Files.readAllLines(run.run().path().resolve("table.md")).stream()
                .filter(l -> l.matches("\\| \\d+ \\| \\d+ \\|.*"))
                .map(l -> l.split("\\|")[2].strip() + ":" + l.split("\\|")[3].strip()).toList();
    }

    /** The JVM trial {@code n}'s run ran in, from its env.json. */
    private static String trialJvm(Runner.Finished sweep, int n) throws IOException {
        try (Stream<Path> envs = Files.walk(sweep.run().path().resolve("trials/" + n))) {
            Path env = envs.filter(p -> p.getFileName().toString().equals("env.json")).findFirst().orElseThrow();
            return Files.readString(env);
        }
    }

    @Test
    void aSweepOnTheClusterRanksItsTrialsAsTheSameSweepHere() throws Exception {
        Path file = write("random.yaml", """
                experiment: MnistSimpleCnn
                seed: 5
                search: {kind: random, trials: 3}
                objective: {metric: val_loss}
                fixed: {epochs: 1, subset: 1200}
                space:
                  lr: {choice: [0.003, 0.0003, 0.00001]}
                """);
        Runner.Finished here = sweep(file, "", "here");
        Runner.Finished cluster = sweep(file, url, "cluster");

        SweepSummary s = (SweepSummary) cluster.result().summary();
        assertEquals(3, s.completed(), cluster.result().table());
        assertEquals(ranking(here), ranking(cluster), "the same candidates in the same order of score");
        for (int n = 1; n <= 3; n++) {
            assertTrue(trialJvm(cluster, n).contains("CoarseGrainedExecutorBackend"), "trial " + n + " ran in an "
                    + "executor the worker started, not in the driver: " + trialJvm(cluster, n));
        }
    }

    @Test
    void halvingOnTheClusterPrunesTheTrialsItPrunesHere() throws Exception {
        Path file = write("halving.yaml", """
                experiment: MnistSimpleCnn
                seed: 1
                search: {kind: halving, trials: 6, rungs: [1], keep: 0.5}
                objective: {metric: val_loss}
                fixed: {epochs: 2, subset: 1200}
                space:
                  lr: {choice: [0.003, 0.000000001]}
                """);
        Runner.Finished here = sweep(file, "", "halving-here");
        Runner.Finished cluster = sweep(file, url, "halving-cluster");

        Map<Integer, Trial> local = new TrialStore(here.run().path()).finished();
        Map<Integer, Trial> remote = new TrialStore(cluster.run().path()).finished();
        // the seed draws a good rate before a bad one (SweepTest checks the order), so here a trial is pruned
        assertTrue(local.values().stream().anyMatch(t -> t.status() == Trial.Status.PRUNED), here.result().table());
        assertEquals(6, remote.size());
        for (int n = 1; n <= 6; n++) {
            assertEquals(local.get(n).status(), remote.get(n).status(), "trial " + n + ":\n" + cluster.result().table());
            assertEquals(local.get(n).epochs(), remote.get(n).epochs(), "trial " + n);
        }
    }

    @Test
    void aTrialWhoseExecutorIsKilledGoesOnFromItsCheckpointAndSaysSo() throws Exception {
        Path file = write("one.yaml", """
                experiment: MnistSimpleCnn
                search: {kind: grid}
                objective: {metric: val_acc}
                fixed: {epochs: 4, subset: 3000}
                space:
                  lr: {choice: [0.003]}
                """);
        CompletableFuture<Runner.Finished> sweep = CompletableFuture.supplyAsync(() -> {
            try {
                return sweep(file, url, "killed");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Path checkpoint = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (checkpoint == null && System.nanoTime() < deadline && !sweep.isDone()) {
            checkpoint = find(tmp.resolve("killed"), "checkpoint-simple-cnn-last.zip");
            Thread.sleep(100);
        }
        assertTrue(checkpoint != null, "the trial never wrote its first checkpoint:\n" + logs());
        List<ProcessHandle> executors = worker.descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).toList();
        assertEquals(1, executors.size(), "the worker's executor");
        executors.forEach(ProcessHandle::destroyForcibly); // SIGKILL, mid-trial

        Runner.Finished finished = sweep.get(5, TimeUnit.MINUTES);
        Trial trial = new TrialStore(finished.run().path()).finished(1);
        assertEquals(Trial.Status.COMPLETED, trial.status(), finished.result().table());
        assertEquals(2, trial.attempts(), "the first attempt was lost with its executor");
        assertEquals(4, trial.epochs(), "every epoch, those before the kill restored from the checkpoint");
        assertTrue(finished.result().table().contains("completed, attempt 2 (an earlier attempt was lost)"),
                finished.result().table());
        Path run = finished.run().path().resolve(trial.folder());
        assertEquals(5, Files.readAllLines(run.resolve("metrics.csv")).size(), "one run folder, continued: 4 epochs");
    }

    private static Path find(Path dir, String name) throws IOException {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElse(null);
        }
    }
}
