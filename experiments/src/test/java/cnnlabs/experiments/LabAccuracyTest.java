package cnnlabs.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.experiments.lab3.ArchitectureComparison;
import cnnlabs.experiments.lab3.MnistSimpleCnn;
import cnnlabs.training.Console;
import java.nio.file.Path;
import cnnlabs.experiments.common.TrainedModel;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import cnnlabs.run.Engine;
import cnnlabs.run.Experiments;
import cnnlabs.run.RunSetup;
import cnnlabs.run.Runner;

/**
 * The labs' full runs with their accuracy targets. Long (tens of minutes on a laptop CPU): excluded by
 * default, run with {@code mvn test -Dlong.tests=true}. The numbers in results/REPRODUCED.md come from
 * running the experiments themselves ({@code mvn exec:java -Dexp=...}), not from these tests.
 */
@Tag("long")
class LabAccuracyTest {

    @TempDir
    Path results;

    @Test
    void simpleCnnReachesAtLeast99PercentOnTheTestSet() throws Exception {
        MnistSimpleCnn e = new MnistSimpleCnn();
        Runner.Finished run = Runner.run(e, e.defaults(), RunSetup.of(Runs.roots(results), Console.system(null), "test"));
        double accuracy = ((MnistSimpleCnn.Summary) run.result().summary()).testAccuracy();
        assertTrue(accuracy >= 0.99, "test accuracy " + accuracy);
    }

    @Test
    void comparisonModelsAllLearnMnist() throws Exception {
        ArchitectureComparison e = new ArchitectureComparison();
        Runner.Finished run = Runner.run(e, e.defaults(), RunSetup.of(Runs.roots(results), Console.system(null), "test"));
        List<TrainedModel> models = ((ArchitectureComparison.Summary) run.result().summary()).models();
        assertEquals(3, models.size());
        for (TrainedModel m : models) {
            assertTrue(m.finalValAccuracy() >= 0.95, m.toString());
        }
    }
}
