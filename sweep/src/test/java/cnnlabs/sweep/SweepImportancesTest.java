package cnnlabs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings' importances: the one the score depends on comes first, by far; too few trials give none. */
class SweepImportancesTest {

    @TempDir
    Path dir;

    @Test
    void theSettingTheScoreDependsOnIsTheMostImportantByFar() {
        SweepSpec spec = SweepTrials.spec(dir, "");
        Map<Integer, Trial> trials = SweepTrials.trials(30, 1, SweepTrials::lrOnly);
        SweepImportances.Result r = SweepImportances.of(spec, trials.values());
        assertTrue(r.computed(), r.reason());
        assertEquals(24, r.trials(), "the completed trials (every fifth was pruned)");
        assertEquals(List.of("lr"), List.copyOf(r.importances().keySet()).subList(0, 1), r.importances().toString());
        double lr = r.importances().get("lr");
        double next = r.importances().values().stream().skip(1).mapToDouble(Double::doubleValue).max().orElse(0);
        assertTrue(lr > 0.7 && lr > 5 * next, r.importances().toString());
        assertEquals(1.0, r.importances().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
        assertEquals(r.importances(), SweepImportances.of(spec, trials.values()).importances(),
                "seeded from the sweep's seed: the same trials give the same numbers");
        assertTrue(SweepImportances.section(r).contains("| lr | "), SweepImportances.section(r));
        assertTrue(SweepImportances.csv(r).startsWith("setting,importance\nlr,"), SweepImportances.csv(r));
    }

    @Test
    void aChoiceThatDecidesTheScoreComesFirstNotTheSettingItsConditionLeavesOut() {
        SweepSpec spec = SweepTrials.spec(dir, "");
        Map<Integer, Trial> trials = SweepTrials.trials(30, 2, p -> p.get("optimizer").equals("adam") ? 0.95 : 0.6);
        SweepImportances.Result r = SweepImportances.of(spec, trials.values());
        // momentum is absent exactly where optimizer is adam: it must not take the choice's credit
        assertEquals("optimizer", r.importances().keySet().iterator().next(), r.importances().toString());
        assertTrue(r.importances().get("optimizer") > 0.9, r.importances().toString());
    }

    @Test
    void tooFewTrialsOrScoresThatDoNotVaryGiveNoImportances() {
        SweepSpec spec = SweepTrials.spec(dir, "");
        SweepImportances.Result few = SweepImportances.of(spec, SweepTrials.trials(3, 1, SweepTrials::lrOnly).values());
        assertFalse(few.computed(), "three completed trials");
        assertTrue(SweepImportances.section(few).contains("No importances: needs at least 4 completed trials with a "
                + "score (3 so far)"), SweepImportances.section(few));
        SweepImportances.Result flat = SweepImportances.of(spec, SweepTrials.trials(10, 1, p -> 0.5).values());
        assertFalse(flat.computed());
        assertTrue(flat.reason().contains("score alike"), flat.reason());
    }

    @Test
    void numbersAreEncodedAsTheForestSplitsThem() {
        SweepSpec spec = SweepTrials.spec(dir, "");
        assertEquals(-3, SweepImportances.encode(spec.space().get("lr"), "0.001"), 1e-12);
        assertEquals(-2.5, SweepImportances.encode(spec.space().get("lr"), null), 1e-12, "absent: the middle decade");
        assertEquals(0.9, SweepImportances.encode(spec.space().get("momentum"), "0.9"), 1e-12);
        assertEquals(0.875, SweepImportances.encode(spec.space().get("momentum"), null), 1e-12);
    }
}
