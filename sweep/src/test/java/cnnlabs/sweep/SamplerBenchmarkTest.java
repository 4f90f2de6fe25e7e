package cnnlabs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.datasets.DataLocations;
import cnnlabs.run.RunRoots;
import cnnlabs.run.RunSetup;
import cnnlabs.run.Runner;
import cnnlabs.run.settings.Common;
import cnnlabs.settings.ConfigException;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.Console;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampler benchmark's smoke run (its expectations), its settings, and its full run (long). */
class SamplerBenchmarkTest {

    @TempDir
    Path dir;

    private static Console quiet() {
        return new Console(new PrintStream(new ByteArrayOutputStream()), Console.Mode.OFF);
    }

    private RunRoots roots(Path results) {
        return new RunRoots(Path.of(System.getProperty("cnnlabs.root", "")), results, DataLocations.defaults());
    }

    @Test
    void aSmokeRunComparesBothSamplersOnEveryProblemInSeconds() throws Exception {
        SamplerBenchmarkSettings settings = SettingsParser.with(SamplerBenchmarkSettings.DEFAULTS,
                Map.of("max.batches", "3"));
        long start = System.nanoTime();
        Runner.Finished run = Runner.run(new SamplerBenchmark(), settings, RunSetup.of(roots(dir), quiet(), "test"));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 120, "a smoke run in well under a minute on an idle 2-core CPU; took " + seconds + " s");
        Path folder = run.run().path();

        List<SamplerBenchmark.Row> rows = ((SamplerBenchmark.Summary) run.result().summary()).rows();
        assertEquals(List.of("Branin random", "Branin TPE", "Hartmann-6 random", "Hartmann-6 TPE",
                "MnistSimpleCnn random", "MnistSimpleCnn TPE"), rows.stream().map(r -> r.problem() + " "
                + r.sampler()).toList());
        for (SamplerBenchmark.Row r : rows) {
            boolean mnist = r.problem().equals("MnistSimpleCnn");
            assertEquals(mnist ? 1 : 3, r.seeds(), r.toString());
            assertEquals(mnist ? 2 : 12, r.trials(), r.toString());
            assertTrue(r.minBest() <= r.medianBest() && r.medianBest() <= r.maxBest(), r.toString());
            assertTrue(mnist ? r.medianBest() >= 0 && r.medianBest() <= 1 : r.minBest() >= r.optimum() - 1e-4,
                    r.toString());
        }
        String table = run.result().table();
        assertTrue(table.contains("| Branin (min 0.39789, target <= 1) | random |"), table);
        assertTrue(table.contains("| Hartmann-6 (min -3.3224, target <= -2.5) | TPE |"), table);
        assertTrue(table.contains("| MnistSimpleCnn val_acc (target >= 0.92) | TPE |"), table);
        assertTrue(table.contains("Smoke run (-Dmax.batches=3)"), table);
        assertEquals(table, Files.readString(folder.resolve("table.md")));

        List<String> csv = Files.readAllLines(folder.resolve(SamplerBenchmark.CURVES));
        assertEquals("problem,sampler,seed,trial,value,best_so_far", csv.get(0));
        assertEquals(1 + 2 * 2 * 3 * 12 + 2 * 2, csv.size(), "a line per trial of every run");
        assertEquals(4, csv.stream().filter(l -> l.startsWith("MnistSimpleCnn,")).count(), "1 seed x 2 trials each");
        BufferedImage plot = ImageIO.read(folder.resolve(SamplerBenchmark.PLOT).toFile());
        assertEquals(3 * 420, plot.getWidth(), "a panel per problem");
        assertEquals(320, plot.getHeight());
        assertTrue(Files.size(folder.resolve(SamplerBenchmark.PLOT)) > 10_000);

        // the MNIST part: real sweeps, their files in the run folder; TPE proposed the second trial itself
        for (String kind : List.of("random", "tpe")) {
            SweepSpec spec = SweepSpec.read(folder.resolve("sweep-" + kind + "-seed42.yaml"));
            assertEquals(kind, spec.search().kind().label());
            assertEquals(Map.of("epochs", "1", "subset", "6000", "seed", "42"), spec.fixed());
        }
        Map<String, Map<Integer, Trial>> sweeps = new java.util.HashMap<>();
        try (Stream<Path> list = Files.list(folder.resolve("sweeps/Sweep"))) {
            for (Path sweep : list.toList()) {
                String kind = SweepSpec.read(sweep.resolve("sweep.json")).search().kind().label();
                sweeps.put(kind, new TrialStore(sweep).finished());
            }
        }
        assertEquals(2, sweeps.size());
        for (Map<Integer, Trial> trials : sweeps.values()) {
            assertEquals(2, trials.size()); // the second may diverge: the space has rates too high for Adam
            assertEquals(Trial.Status.COMPLETED, trials.get(1).status(), trials.get(1).toString());
        }
        assertEquals(sweeps.get("random").get(1).params(), sweeps.get("tpe").get(1).params(), "the same startup trial");
        assertNotEquals(sweeps.get("random").get(2).params(), sweeps.get("tpe").get(2).params(),
                "TPE's own proposal from trial 1");
    }

    @Test
    void badSettingsStopBeforeARunFolderExists() {
        ConfigException e = assertThrows(ConfigException.class, () -> SettingsParser.with(
                SamplerBenchmarkSettings.DEFAULTS, Map.of("bench.functions", "branin,rosenbrock")));
        assertTrue(e.getMessage().contains("bench.functions"), e.getMessage());
        assertThrows(ConfigException.class, () -> SettingsParser.with(SamplerBenchmarkSettings.DEFAULTS,
                Map.of("bench.mnist.target", "92")));
        assertEquals(List.of(BenchmarkFunction.HARTMANN6), SettingsParser.with(SamplerBenchmarkSettings.DEFAULTS,
                Map.of("bench.functions", " Hartmann-6 ")).testFunctions());
        assertEquals(0, SettingsParser.with(SamplerBenchmarkSettings.DEFAULTS, Map.of("bench.functions", ""))
                .testFunctions().size());
    }

    @Test
    void trialsToTargetAndMediansCountMissingValuesAsTheWorst() {
        double[] best = SamplerBenchmark.bestSoFar(new double[] {Double.NaN, 0.5, 0.7, 0.6}, true);
        assertEquals(List.of(Double.NaN, 0.5, 0.7, 0.7), java.util.Arrays.stream(best).boxed().toList());
        assertEquals(3, SamplerBenchmark.trialsToTarget(best, true, 0.65));
        assertEquals(Double.POSITIVE_INFINITY, SamplerBenchmark.trialsToTarget(best, true, 0.9));
        assertEquals(0.6, SamplerBenchmark.median(new double[] {0.7, Double.NaN, 0.6}, true));
        assertEquals(0.7, SamplerBenchmark.median(new double[] {0.7, Double.NaN, 0.6}, false), "NaN: the worst");
        assertTrue(Double.isNaN(SamplerBenchmark.median(new double[] {Double.NaN, Double.NaN, 0.6}, true)));
    }

    /**
     * The benchmark with its defaults (20 seeds x 50 trials on both test functions, 3 x 12 MnistSimpleCnn trials: about
     * 4 minutes on 2 cores); its table goes to the console, its run folder under {@code -Dbench.results.dir} (default:
     * a temporary folder). {@code mvn -o -pl sweep test -Dlong.tests=true -Dtest=SamplerBenchmarkTest#theFullBenchmark}.
     */
    @Test
    @Tag("long")
    void theFullBenchmark() throws Exception {
        String where = System.getProperty("bench.results.dir", "");
        Path results = where.isEmpty() ? dir : Path.of(where);
        Runner.Finished run = Runner.run(new SamplerBenchmark(), SamplerBenchmarkSettings.DEFAULTS,
                RunSetup.of(roots(results), Console.system(null), "test"));
        List<SamplerBenchmark.Row> rows = ((SamplerBenchmark.Summary) run.result().summary()).rows();
        assertEquals(6, rows.size());
        System.out.println(run.run().path());
    }
}
