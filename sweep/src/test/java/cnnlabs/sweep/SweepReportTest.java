package cnnlabs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.run.Experiments;
import cnnlabs.run.results.ExperimentRun;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the sweep's run folder and table get from its trials: the pictures, the importances, the Pareto front. */
class SweepReportTest {

    @TempDir
    Path dir;

    private ExperimentRun run() {
        return ExperimentRun.start(dir.resolve("results"), "Sweep", Map.of(), false, Map.of());
    }

    @Test
    void aSweepWithASecondObjectiveGetsEveryPictureAndItsParetoFront() throws Exception {
        SweepSpec spec = SweepTrials.spec(dir, "second_objective: {metric: total_params}");
        Map<Integer, Trial> trials = SweepTrials.trials(20, 3, SweepTrials::lrOnly);
        ExperimentRun run = run();
        String table = SweepReport.publish(run, spec, Experiments.get("MnistSimpleCnn"), trials, 20, "");
        Path folder = run.path();
        for (String png : List.of(SweepReport.SCORES_PLOT, ParallelCoordinates.FILE, SweepImportances.PLOT,
                ParetoFront.PLOT)) {
            BufferedImage image = ImageIO.read(folder.resolve(png).toFile());
            assertTrue(image != null && image.getWidth() > 300 && image.getHeight() > 100, png);
            assertTrue(Files.readString(folder.resolve("report.html")).contains(png), "the report shows " + png);
        }
        assertTrue(table.contains("| Score | total_params (min) | Epochs |"), table);
        List<Trial> front = ParetoFront.of(spec.objective(), spec.secondObjective(), trials.values());
        assertFalse(front.isEmpty());
        long marked = table.lines().filter(l -> l.matches("\\| \\d+ \\| \\d+ \\|.*") && l.contains(" Pareto |")).count();
        assertEquals(front.size(), marked, table);
        List<String> csv = Files.readAllLines(folder.resolve(ParetoFront.CSV));
        assertEquals("trial,val_acc,total_params,epochs,lr,momentum,optimizer", csv.get(0));
        assertEquals(front.size() + 1, csv.size());
        assertTrue(table.contains("## Importance") && table.contains("| Setting | Importance (impurity) |"), table);
        List<String> importances = Files.readAllLines(folder.resolve(SweepImportances.CSV));
        assertEquals("setting,importance", importances.get(0));
        assertTrue(importances.get(1).startsWith("lr,"), importances.toString());
        assertEquals(5, importances.size());
    }

    @Test
    void aFewTrialsGetNoImportancesAndNoSecondObjectiveNoFront() throws Exception {
        SweepSpec spec = SweepTrials.spec(dir, "");
        ExperimentRun run = run();
        String table = SweepReport.publish(run, spec, Experiments.get("MnistSimpleCnn"),
                SweepTrials.trials(3, 3, SweepTrials::lrOnly), 8, "");
        assertTrue(table.contains("| Rank | Trial | epochs | lr | momentum | optimizer | Score | Epochs |"), table);
        assertTrue(table.contains("No importances: needs at least 4 completed trials with a score (3 so far)."), table);
        assertFalse(Files.exists(run.path().resolve(SweepImportances.CSV)), "no numbers made up");
        assertFalse(Files.exists(run.path().resolve(SweepImportances.PLOT)));
        assertFalse(Files.exists(run.path().resolve(ParetoFront.CSV)));
        assertTrue(Files.exists(run.path().resolve(ParallelCoordinates.FILE)));
    }
}
