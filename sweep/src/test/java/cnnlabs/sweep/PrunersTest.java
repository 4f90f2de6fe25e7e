package cnnlabs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The median pruner and Hyperband, each deciding from the trial store alone. */
class PrunersTest {

    @TempDir
    Path folder;

    private static final SweepSpec.Objective LOSS = new SweepSpec.Objective("val_loss", null);
    private static final SweepSpec.Objective ACC = new SweepSpec.Objective("val_acc", null);

    /** Trial {@code n} completed after reporting {@code values} for epochs 1, 2, ... */
    private static void completed(TrialStore store, int n, double... values) {
        Map<Integer, Double> reports = new HashMap<>();
        for (int e = 1; e <= values.length; e++) {
            store.report(n, e, values[e - 1]);
            reports.put(e, values[e - 1]);
        }
        store.save(new Trial(n, Map.of(), Trial.Status.COMPLETED, values[values.length - 1], values.length, 1, "", "",
                reports));
    }

    @Test
    void theMedianRuleWaitsForItsStartupTrialsThenStopsATrialWorseThanTheMedianAtItsEpoch() {
        TrialStore store = new TrialStore(folder);
        MedianPruner median = new MedianPruner(3, 1, LOSS);
        completed(store, 1, 1.0, 0.6, 0.5);
        completed(store, 2, 1.2, 0.8, 0.7);
        store.report(9, 2, 2.0);
        assertNull(median.prune(store, 9, 2, 2.0), "two completed trials, three needed");
        completed(store, 3, 0.9, 0.7, 0.6);
        assertNull(median.prune(store, 9, 1, 2.0), "epoch 1 is the warm-up");
        String reason = median.prune(store, 9, 2, 2.0);
        assertNotNull(reason, "2.0 is worse than the median of 0.6, 0.8, 0.7 at epoch 2");
        assertTrue(reason.contains("median of 3 completed trials there, 0.7000"), reason);
        store.report(10, 1, 0.65);
        store.report(10, 2, 0.9);
        assertNull(median.prune(store, 10, 2, 0.9), "its best so far, 0.65, is better than the median 0.7");
        assertEquals(0.75, MedianPruner.median(List.of(0.9, 0.6, 0.8, 0.7)), 1e-12, "an even count: the middle two's mean");

        MedianPruner maximise = new MedianPruner(1, 0, ACC);
        completed(store, 20, 0.9);
        assertNotNull(maximise.prune(store, 21, 1, Double.NaN), "no number is never better");
        store.report(22, 1, 1.5);
        assertNull(maximise.prune(store, 22, 1, 1.5), "maximised: above the median goes on");
    }

    @Test
    void hyperbandHasLisBracketsAndComparesTrialsOnlyWithinTheirOwn() {
        HyperbandPruner hyperband = new HyperbandPruner(1, 9, 3, LOSS);
        assertEquals(2, HyperbandPruner.sMax(1, 9, 3));
        assertEquals(List.of(1, 3), hyperband.rungs(2), "the most aggressive bracket: 1, 3 (then 9, the end)");
        assertEquals(List.of(3), hyperband.rungs(1));
        assertEquals(List.of(), hyperband.rungs(0), "the last bracket prunes nothing");
        // Li et al.'s table for R = 9, eta = 3: 9, 5 and 3 configurations
        Map<Integer, Integer> counts = new HashMap<>();
        for (int n = 1; n <= 17; n++) {
            counts.merge(hyperband.bracket(n), 1, Integer::sum);
        }
        assertEquals(Map.of(2, 9, 1, 5, 0, 3), counts);
        assertEquals(hyperband.bracket(1), hyperband.bracket(18), "the assignment repeats");

        TrialStore store = new TrialStore(folder);
        // trials 1-9 are bracket 2: at epoch 1 the best third goes on
        double[] losses = {0.5, 0.9, 0.4, 0.8, 0.7, 0.95, 0.6, 0.3, 0.85};
        int pruned = 0;
        for (int n = 1; n <= 9; n++) {
            store.report(n, 1, losses[n - 1]);
            pruned += hyperband.prune(store, n, 1, losses[n - 1]) == null ? 0 : 1;
        }
        assertTrue(pruned >= 5, "most of the bracket stops at its first rung: " + pruned);
        assertNull(hyperband.prune(store, 8, 1, 0.3), "the bracket's best goes on");
        // trial 10 is bracket 1: its first rung is epoch 3, and bracket 2's values are not its board
        assertEquals(1, hyperband.bracket(10));
        assertNull(hyperband.prune(store, 10, 1, 5.0), "epoch 1 is no rung of bracket 1");
        store.report(10, 3, 5.0);
        assertNull(hyperband.prune(store, 10, 3, 5.0), "alone in its bracket at epoch 3, whatever bracket 2 did");
        store.report(3, 3, 0.1);
        assertNull(hyperband.prune(store, 10, 3, 5.0), "bracket 2's 0.1 at epoch 3 is no competitor of trial 10");
        store.report(11, 3, 0.2);
        String reason = hyperband.prune(store, 10, 3, 5.0);
        assertNotNull(reason, "now trial 11 of its own bracket is better");
        assertTrue(reason.startsWith("pruned by Hyperband in bracket 1 at rung 1 (epoch 3)"), reason);
    }
}
