package cnnlabs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep folder as the one place trials share: what one store writes, another on the same folder (as another
 * process or machine would) reads, and the halving pruner decides from that alone.
 */
class TrialStoreTest {

    @TempDir
    Path folder;

    private static final SweepSpec.Objective LOSS = new SweepSpec.Objective("val_loss", null);

    @Test
    void reportsWrittenByOneStoreAreReadByAnotherOnTheSameFolder() {
        TrialStore a = new TrialStore(folder);
        TrialStore b = new TrialStore(folder);
        a.report(1, 1, 0.5);
        a.report(1, 2, 0.4);
        b.report(2, 1, 0.7);
        b.report(2, 1, 0.6); // a trial run again reports its epoch again
        assertEquals(Map.of(1, 0.5, 2, 0.4), b.reports(1));
        assertEquals(List.of(0.5, 0.6), a.valuesAt(1), "every trial's value at the epoch, in trial order");
        assertEquals(List.of(0.4), a.valuesAt(2));
        a.report(3, 1, Double.NaN);
        assertTrue(Double.isNaN(b.reports(3).get(1)), "NaN survives the file");

        Trial done = new Trial(1, Map.of("lr", "0.1"), Trial.Status.COMPLETED, 0.4, 2, 3.5, "", "trials/1/x", a.reports(1));
        a.save(done);
        assertEquals(Map.of(1, done), b.finished());
    }

    @Test
    void halvingDecidesFromWhatTheStoreHoldsWhoeverAsks() {
        HalvingPruner halving = new HalvingPruner(List.of(1, 3), 0.5, LOSS);
        TrialStore store = new TrialStore(folder);
        store.report(1, 1, 0.50);
        assertNull(halving.prune(new TrialStore(folder), 1, 1, 0.50), "the first trial at a rung always goes on");
        store.report(2, 1, 0.90);
        String reason = halving.prune(new TrialStore(folder), 2, 1, 0.90);
        assertNotNull(reason, "worse than the best half of {0.5, 0.9}");
        assertTrue(reason.startsWith("pruned at rung 1 (epoch 1): val_loss 0.9000"), reason);
        store.report(3, 1, 0.40);
        assertNull(halving.prune(new TrialStore(folder), 3, 1, 0.40), "the best so far goes on");
        store.report(3, 2, 0.99);
        assertNull(halving.prune(store, 3, 2, 0.99), "epoch 2 is no rung");
        store.report(4, 1, Double.NaN);
        assertNotNull(halving.prune(store, 4, 1, Double.NaN), "no number, no promotion");
    }

    @Test
    void trialsOnManyThreadsReportWithoutLosingAValue() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 1; t <= 16; t++) {
                int trial = t;
                all.add(pool.submit(() -> {
                    TrialStore own = new TrialStore(folder);
                    for (int epoch = 1; epoch <= 5; epoch++) {
                        own.report(trial, epoch, trial + epoch / 10.0);
                        own.valuesAt(epoch); // reading while others write
                    }
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        TrialStore store = new TrialStore(folder);
        for (int epoch = 1; epoch <= 5; epoch++) {
            assertEquals(16, store.valuesAt(epoch).size(), "epoch " + epoch);
        }
        assertEquals(Map.of(1, 3.1, 2, 3.2, 3, 3.3, 4, 3.4, 5, 3.5), store.reports(3));
    }
}
