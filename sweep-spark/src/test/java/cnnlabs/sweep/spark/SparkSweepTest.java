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
import cnnlabs.training.Console;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 3-trial sweep as Spark tasks on an embedded local[2] Spark ranks its trials as the same sweep run locally. */
class SparkSweepTest {

    @TempDir
    Path dir;

    private Runner.Finished sweep(Path file, String spark, String results) throws Exception {
        RunRoots roots = new RunRoots(Path.of(System.getProperty("cnnlabs.root", "")), dir.resolve(results),
                DataLocations.defaults());
        return Runner.run(new Sweep(), new SweepSettings(new Common(42, 5), file.toString(), 1, spark, false),
                RunSetup.of(roots, new Console(new PrintStream(new ByteArrayOutputStream()), Console.Mode.OFF), "test"));
    }

    private static List<String> ranking(Runner.Finished run) throws Exception {
        return Files.readAllLines(run.run().path().resolve("table.md")).stream()
                .filter(l -> l.matches("\\| \\d+ \\| \\d+ \\|.*"))
                .map(l -> l.split("\\|")[2].strip() + ":" + l.split("\\|")[3].strip()).toList();
    }

    @Test
    void theTestsRunWithTheJvmOptionsTheReadmeGivesUsers() throws Exception {
        // jvm.options is what users pass (MAVEN_OPTS); the pom gives surefire the same list: they must not drift apart
        Path options = Path.of(System.getProperty("cnnlabs.root"), "sweep-spark", "jvm.options");
        List<String> jvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String option : Files.readString(options).strip().split("\\s+")) {
            assertTrue(jvm.contains(option), option + " is in jvm.options but not given to the tests: " + jvm);
        }
    }

    @Test
    void aSweepOnLocalSparkRanksItsTrialsAsTheSameSweepHere() throws Exception {
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, """
                experiment: MnistSimpleCnn
                seed: 5
                search: {kind: random, trials: 3}
                objective: {metric: val_loss}
                fixed: {epochs: 1, subset: 2000}
                space:
                  lr: {choice: [0.003, 0.0003, 0.00001]}
                """);
        Runner.Finished here = sweep(file, "", "here");
        Runner.Finished spark = sweep(file, "local[2]", "spark");

        SweepSummary s = (SweepSummary) spark.result().summary();
        assertEquals(3, s.trials());
        assertEquals(3, s.completed(), spark.result().table());
        for (int n = 1; n <= 3; n++) {
            assertTrue(Files.isRegularFile(spark.run().path().resolve("trials/" + n + "/trial.json")));
        }
        assertEquals(ranking(here), ranking(spark), "the same candidates in the same order of score");
        assertEquals(((SweepSummary) here.result().summary()).bestParams(), s.bestParams());
        assertTrue(SparkTrials.localSlots("local[2]") == 2 && SparkTrials.localSlots("spark://h:7077") == 0);
    }
}
