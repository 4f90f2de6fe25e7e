package cnnlabs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.datasets.DataLocations;
import cnnlabs.settings.ConfigException;
import cnnlabs.run.RunRoots;
import cnnlabs.run.RunSetup;
import cnnlabs.run.Runner;
import cnnlabs.run.settings.Common;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.Console;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private static Console quiet() {
        return new Console(new PrintStream(new ByteArrayOutputStream()), Console.Mode.OFF);
    }

    /** The repository the build names, run folders under the test's results folder, the default data cache. */
    private RunRoots roots() {
        return new RunRoots(Path.of(System.getProperty("cnnlabs.root", "")), dir.resolve("results"),
                DataLocations.defaults());
    }

    private Runner.Finished sweep(SweepSettings settings) throws Exception {
        return Runner.run(new Sweep(), settings, RunSetup.of(roots(), quiet(), "test"));
    }

    /** Runs a sweep file with every trial cut to {@code batches} batches. */
    private Runner.Finished sweep(Path file, int batches, int parallel) throws Exception {
        return sweep(new SweepSettings(new Common(42, batches), file.toString(), parallel, "", false));
    }

    @Test
    void theSameFileAndSeedGiveTheSameCandidatesWithinTheirRanges() throws Exception {
        SweepSpec spec = SweepSpec.read(write("s.yaml", """
                experiment: MnistSimpleCnn
                seed: 3
                search: {kind: random, trials: 20}
                objective: {metric: val_acc}
                space:
                  lr: {log_uniform: [0.0001, 0.01]}
                  batch.size: {choice: [32, 64]}
                  bn.momentum: {uniform: [0.8, 0.9]}
                  epochs: {int: [1, 3]}
                """));
        List<Map<String, String>> a = ArbiterSearch.candidates(spec);
        assertEquals(a, ArbiterSearch.candidates(spec));
        assertEquals(20, a.size());
        Set<String> batches = new HashSet<>();
        int belowMillis = 0;
        for (Map<String, String> c : a) {
            double lr = Double.parseDouble(c.get("lr"));
            assertTrue(lr >= 1e-4 && lr <= 1e-2, c.toString());
            belowMillis += lr < 1e-3 ? 1 : 0;
            double m = Double.parseDouble(c.get("bn.momentum"));
            assertTrue(m >= 0.8 && m <= 0.9, c.toString());
            int e = Integer.parseInt(c.get("epochs"));
            assertTrue(e >= 1 && e <= 3, c.toString());
            batches.add(c.get("batch.size"));
        }
        assertEquals(Set.of("32", "64"), batches);
        assertTrue(belowMillis >= 4 && belowMillis <= 16, "log-uniform: about half below the geometric middle, "
                + belowMillis + " of 20");
        SweepSpec other = new SweepSpec(spec.experiment(), 4L, spec.search(), spec.objective(), spec.fixed(), spec.space());
        assertNotEquals(a, ArbiterSearch.candidates(other), "another seed, other candidates");
    }

    @Test
    void gridEnumeratesTheFullProduct() throws Exception {
        SweepSpec spec = SweepSpec.read(write("g.json", """
                {"experiment": "MnistSimpleCnn", "search": {"kind": "grid", "grid_points": 3},
                 "objective": {"metric": "val_loss"},
                 "space": {"lr": {"log_uniform": [0.0001, 0.01]}, "optimizer": {"choice": ["adam", "sgd"]}}}
                """));
        List<Map<String, String>> grid = ArbiterSearch.candidates(spec);
        assertEquals(6, grid.size());
        assertEquals(6, new HashSet<>(grid).size(), "every combination once");
        Set<String> rates = new HashSet<>();
        grid.forEach(c -> rates.add(String.format("%.6f", Double.parseDouble(c.get("lr")))));
        assertEquals(Set.of("0.000100", "0.001000", "0.010000"), rates, "log-uniform grid points: 1e-4, 1e-3, 1e-2");
    }

    @Test
    void directionFollowsTheMetricAndAContraryOneIsRefused() throws Exception {
        assertEquals(SweepSpec.Objective.Direction.MAX, new SweepSpec.Objective("val_acc", null).direction());
        assertEquals(SweepSpec.Objective.Direction.MIN, new SweepSpec.Objective("val_loss", null).direction());
        assertEquals(SweepSpec.Objective.Direction.MAX, new SweepSpec.Objective("test_accuracy", null).direction());
        ConfigException wrong = assertThrows(ConfigException.class,
                () -> new SweepSpec.Objective("val_loss", SweepSpec.Objective.Direction.MAX));
        assertTrue(wrong.getMessage().contains("a loss: it is minimised"), wrong.getMessage());
        assertThrows(ConfigException.class, () -> new SweepSpec.Objective("batches", null));
        assertEquals(SweepSpec.Objective.Direction.MIN, new SweepSpec.Objective("seconds", null).direction());
        assertEquals(SweepSpec.Objective.Direction.MAX, new SweepSpec.Objective("images_per_sec", null).direction());

        SweepSpec.Objective acc = new SweepSpec.Objective("val_acc", null);
        SweepSpec.Objective loss = new SweepSpec.Objective("val_loss", null);
        List<Trial> trials = List.of(trial(1, 0.5, Trial.Status.COMPLETED), trial(2, 0.9, Trial.Status.COMPLETED),
                trial(3, 0.99, Trial.Status.PRUNED), trial(4, Double.NaN, Trial.Status.FAILED),
                trial(5, 0.7, Trial.Status.COMPLETED));
        assertEquals(List.of(2, 5, 1, 3, 4), Scores.ranked(acc, trials).stream().map(Trial::trial).toList());
        assertEquals(List.of(1, 5, 2, 3, 4), Scores.ranked(loss, trials).stream().map(Trial::trial).toList());
    }

    private static Trial trial(int n, double score, Trial.Status status) {
        return new Trial(n, Map.of(), status, score, 1, 1, "", "", Map.of());
    }

    @Test
    void aBadSweepFileStopsBeforeARunFolderExists() throws Exception {
        Path unknownKey = write("k.yaml", """
                experiment: MnistSimpleCnn
                search: {kind: random, trials: 2}
                objective: {metric: val_acc}
                space: {learning_rate: {uniform: [0.1, 0.2]}}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> sweep(unknownKey, 1, 1));
        assertTrue(e.getMessage().contains("'learning_rate', which is not a setting of MnistSimpleCnn"), e.getMessage());
        Path badRange = write("r.yaml", """
                experiment: MnistSimpleCnn
                search: {kind: random, trials: 2}
                objective: {metric: val_acc}
                space: {lr: {uniform: [0.001, 20]}}
                """);
        ConfigException range = assertThrows(ConfigException.class, () -> sweep(badRange, 1, 1));
        assertTrue(range.getMessage().contains("-Dlr"), range.getMessage());
        Path typo = write("t.yaml", "experiment: MnistSimpleCnn\nsearch: {kind: random}\nobjective: {metric: val_acc}\n"
                + "spaces: {lr: {uniform: [0.001, 0.002]}}\n");
        assertTrue(assertThrows(ConfigException.class, () -> sweep(typo, 1, 1)).getMessage().contains("'spaces'"));
        assertFalse(Files.exists(dir.resolve("results")), "nothing was started");
    }

    @Test
    void aRandomSweepRunsItsTrialsRecordsAFailureRanksAndResumes() throws Exception {
        Path file = write("quick.yaml", """
                experiment: MnistSimpleCnn
                seed: 42
                search: {kind: grid}
                objective: {metric: val_acc}
                fixed: {epochs: 1, subset: 2000}
                space:
                  lr: {choice: [0.001, 10, 0.003]}
                """);
        Runner.Finished run = sweep(file, 3, 1);
        Path folder = run.run().path();
        SweepSummary summary = (SweepSummary) run.result().summary();
        assertEquals(3, summary.trials());
        assertEquals(2, summary.completed());
        assertEquals(1, summary.diverged(), "lr 10 diverges; the sweep goes on");
        List<String> csv = Files.readAllLines(folder.resolve(SweepReport.TRIALS_CSV));
        assertEquals("trial,status,score,epochs,seconds,attempts,lr,reason,folder", csv.get(0));
        assertEquals(4, csv.size());
        assertTrue(csv.get(2).startsWith("2,diverged,,") && csv.get(2).contains("diverged at epoch 1"), csv.get(2));
        for (int n = 1; n <= 3; n++) {
            assertTrue(Files.isRegularFile(folder.resolve("trials/" + n + "/trial.json")));
            assertTrue(Files.isDirectory(folder.resolve("trials/" + n + "/MnistSimpleCnn")), "each trial is a normal run");
        }
        JsonNode best = JSON.readTree(folder.resolve(SweepReport.BEST).toFile());
        assertEquals("MnistSimpleCnn", best.get("experiment").asText());
        assertEquals(summary.bestParams().get("lr"), best.get("lr").asText());
        assertEquals(1, best.get("epochs").asInt());
        assertTrue(run.result().table().contains("| Rank | Trial | lr | Score |"), run.result().table());
        assertTrue(Files.size(folder.resolve(SweepReport.SCORES_PLOT)) > 0 && Files.size(folder.resolve(SweepReport.BEST_SO_FAR_PLOT)) > 0);

        // interrupt: trial 3 never finished, the sweep was still running
        Path third = folder.resolve("trials/3");
        byte[] trial1 = Files.readAllBytes(folder.resolve("trials/1/trial.json"));
        Files.delete(third.resolve("trial.json"));
        Files.writeString(folder.resolve("summary.json"), "{\"status\": \"running\"}");
        Runner.Finished resumed = Runner.run(new Sweep(), new SweepSettings(new Common(42, 3), file.toString(), 1, "",
                false), RunSetup.of(roots(), quiet(), "test").resuming(folder));
        assertEquals(folder, resumed.run().path());
        assertEquals(3, ((SweepSummary) resumed.result().summary()).trials());
        assertTrue(Files.isRegularFile(third.resolve("trial.json")));
        assertEquals(2, new TrialStore(folder).finished(3).attempts(), "the interrupted trial's second attempt");
        assertTrue(resumed.result().table().contains("attempt 2 (an earlier attempt was lost)"), resumed.result().table());
        assertEquals(1, new TrialStore(folder).finished(1).attempts());
        assertEquals(new String(trial1), new String(Files.readAllBytes(folder.resolve("trials/1/trial.json"))),
                "finished trials are not run again");
        assertEquals(summary.bestScore(), ((SweepSummary) resumed.result().summary()).bestScore(), 0,
                "the same trials give the same best");
    }

    @Test
    void halvingPrunesATrialThatIsWorseAtTheFirstRung() throws Exception {
        // one choice dimension: the random generator draws both values; a rate of 1e-9 learns nothing in epoch 1
        Path file = write("halving.yaml", """
                experiment: MnistSimpleCnn
                seed: 1
                search: {kind: halving, trials: 6, rungs: [1], keep: 0.5}
                objective: {metric: val_loss}
                fixed: {epochs: 2, subset: 3000}
                space:
                  lr: {choice: [0.003, 0.000000001]}
                """);
        List<Map<String, String>> order = ArbiterSearch.candidates(SweepSpec.read(file));
        int firstGood = order.indexOf(Map.of("lr", "0.003")) + 1;
        int laterBad = -1;
        for (int i = firstGood; i < order.size(); i++) {
            if (!order.get(i).get("lr").equals("0.003")) {
                laterBad = i + 1;
                break;
            }
        }
        assertTrue(firstGood >= 1 && laterBad > firstGood, "the seed draws a good rate before a bad one: " + order);

        Runner.Finished run = sweep(file, 10, 1);
        Map<Integer, Trial> trials = new TrialStore(run.run().path()).finished();
        Trial bad = trials.get(laterBad);
        assertEquals(Trial.Status.PRUNED, bad.status(), bad.toString());
        assertEquals(1, bad.epochs(), "stopped at the first rung");
        assertTrue(bad.reason().startsWith("pruned at rung 1 (epoch 1): val_loss"), bad.reason());
        Trial good = trials.get(firstGood);
        assertEquals(Trial.Status.COMPLETED, good.status(), good.toString());
        assertEquals(2, good.epochs());
        assertTrue(good.rungs().get(1) < bad.rungs().get(1), "pruned for the worse loss at the rung");
    }

    @Test
    void sparkOrTheUiWithoutTheirModuleStopWithTheFix() throws Exception {
        Path file = write("s.yaml", """
                experiment: MnistSimpleCnn
                search: {kind: halving, trials: 2, rungs: [1]}
                objective: {metric: val_acc}
                space: {lr: {log_uniform: [0.0001, 0.01]}}
                """);
        ConfigException e = assertThrows(ConfigException.class,
                () -> sweep(new SweepSettings(new Common(42, 1), file.toString(), 1, "local[2]", false)));
        assertTrue(e.getMessage().contains("sweep-spark"), e.getMessage());
        ConfigException ui = assertThrows(ConfigException.class,
                () -> sweep(new SweepSettings(new Common(42, 1), file.toString(), 1, "", true)));
        assertTrue(ui.getMessage().contains("mvn -pl sweep-ui exec:java"), ui.getMessage());
        assertFalse(Files.exists(dir.resolve("results")));
    }

    /**
     * Arbiter's description of a sweep (what its UI shows) reads back through Arbiter's own JSON: the generator over
     * the sweep's space gives the same settings for the same coordinates, and the objective keeps its direction.
     */
    @Test
    void arbitersConfigurationOfASweepRoundTripsThroughItsJson() throws Exception {
        SweepSpec spec = SweepSpec.read(write("a.yaml", """
                experiment: MnistSimpleCnn
                seed: 3
                search: {kind: random, trials: 4, minutes: 2}
                objective: {metric: val_loss}
                space:
                  lr: {log_uniform: [0.0001, 0.01]}
                  batch.size: {choice: [32, 64]}
                """));
        OptimizationConfiguration c = ArbiterSearch.arbiterConfiguration(spec);
        OptimizationConfiguration back = OptimizationConfiguration.fromJson(c.toJson());
        assertTrue(back.getScoreFunction().minimize(), "val_loss is minimised");
        assertEquals(2, back.getTerminationConditions().size(), "4 trials and 2 minutes");
        List<double[]> positions = ArbiterSearch.positions(spec);
        List<Map<String, String>> candidates = ArbiterSearch.candidates(spec);
        assertEquals(4, positions.size());
        for (int i = 0; i < positions.size(); i++) {
            assertEquals(candidates.get(i), back.getCandidateGenerator().getParameterSpace().getValue(positions.get(i)));
        }
    }

    @Test
    void parallelTrialsRankAsSequentialOnes() throws Exception {
        Path file = write("p.yaml", """
                experiment: MnistSimpleCnn
                search: {kind: grid}
                objective: {metric: val_loss}
                fixed: {epochs: 1, subset: 2000}
                space:
                  lr: {choice: [0.003, 0.0001]}
                """);
        SweepSummary one = (SweepSummary) sweep(file, 5, 1).result().summary();
        Runner.Finished two = sweep(file, 5, 2);
        SweepSummary parallel = (SweepSummary) two.result().summary();
        assertEquals(2, parallel.completed());
        assertEquals(one.bestParams(), parallel.bestParams());
        assertEquals(one.bestScore(), parallel.bestScore(), 1e-3, "one thread per trial sums in another order");
    }

    @Test
    void everyShippedSweepFileNamesAnExperimentAndOnlyItsSettings() throws Exception {
        Path dir = Path.of(System.getProperty("cnnlabs.root", "..")).resolve("sweeps");
        List<Path> files;
        try (java.util.stream.Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 5, "the shipped sweeps: " + files);
        Sweep sweep = new Sweep();
        for (Path f : files) {
            sweep.check(SettingsParser.with(sweep.defaults(), java.util.Map.of("sweep", f.toString())), roots());
        }
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().startsWith("cifar")), "a CIFAR example");
    }

    @Test
    void anObjectiveOverAnExperimentOfSeveralModelsNamesWhoseScoreCounts() throws Exception {
        Path bare = write("bare.yaml", """
                experiment: ArchitectureComparison
                search: {kind: random, trials: 2}
                objective: {metric: val_acc}
                space: {lr: {log_uniform: [0.0001, 0.003]}}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> sweep(bare, 1, 1));
        assertTrue(e.getMessage().contains("trains 3 models (lenet5, vgg-style, resnet-style)")
                && e.getMessage().contains("model: resnet-style"), e.getMessage());
        Path pruned = write("pruned.yaml", """
                experiment: ArchitectureComparison
                search: {kind: halving, trials: 2, rungs: [1]}
                objective: {metric: val_acc, model: mean}
                space: {lr: {log_uniform: [0.0001, 0.003]}}
                """);
        assertTrue(assertThrows(ConfigException.class, () -> sweep(pruned, 1, 1)).getMessage()
                .contains("A pruner compares one model's epochs"));
        Path single = write("single.yaml", """
                experiment: MnistSimpleCnn
                search: {kind: random, trials: 2}
                objective: {metric: val_acc, model: simple-cnn}
                space: {lr: {log_uniform: [0.0001, 0.003]}}
                """);
        assertTrue(assertThrows(ConfigException.class, () -> sweep(single, 1, 1)).getMessage()
                .contains("trains one model"));
        assertFalse(Files.exists(dir.resolve("results")), "all refused before any run folder");

        Path named = write("named.yaml", """
                experiment: ArchitectureComparison
                search: {kind: grid}
                objective: {metric: val_acc, model: lenet5}
                fixed: {epochs: 1, subset: 600}
                space: {lr: {choice: [0.001]}}
                """);
        Runner.Finished run = sweep(named, 2, 1);
        Trial t = new TrialStore(run.run().path()).finished(1);
        List<String> rows = Files.readAllLines(run.run().path().resolve(t.folder()).resolve("metrics.csv"));
        String lenet = rows.stream().filter(r -> r.startsWith("lenet5,")).reduce((a, b) -> b).orElseThrow();
        assertEquals(Double.parseDouble(lenet.split(",")[5]), t.score(), 1e-6, "LeNet-5's last val_acc, not ResNet's");
        assertTrue(run.result().table().contains("objective: maximise val_acc of lenet5"), run.result().table());
    }
}
