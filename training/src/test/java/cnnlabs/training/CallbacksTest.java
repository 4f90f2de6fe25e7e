package cnnlabs.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.training.optim.Schedule;
import cnnlabs.training.optim.TorchSgd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Each callback on its own, fed epochs by hand. */
class CallbacksTest {

    @TempDir
    Path dir;

    private static Fit fit(int epochs) {
        return new Fit("tiny", OptimizersTest.tiny(new TorchSgd(0.1, 0, false)), epochs);
    }

    private static EpochMetrics epoch(int n, double valLoss, double valAcc) {
        return new EpochMetrics("tiny", n, 1, 0.5, valLoss, valAcc, 0.1, 1, 100);
    }

    /** Feeds the epochs to {@code callback} until it stops the fit; returns the epoch it stopped after, or 0. */
    private static int feed(Callback callback, Fit fit, EpochMetrics... epochs) {
        for (EpochMetrics m : epochs) {
            fit.add(m);
            callback.onEpochEnd(fit, m);
            if (fit.stopRequested()) {
                return m.epoch();
            }
        }
        return 0;
    }

    @Test
    void earlyStoppingWaitsPatienceEpochsWithoutImprovement() {
        EarlyStopping es = new EarlyStopping(Monitor.VAL_LOSS, 2, 0, false, null);
        Fit f = fit(10);
        assertEquals(4, feed(es, f, epoch(1, 1.0, 0), epoch(2, 0.9, 0), epoch(3, 0.95, 0), epoch(4, 0.91, 0),
                epoch(5, 0.5, 0)));
        assertEquals(2, es.bestEpoch());
        assertTrue(f.stopReason().contains("val_loss did not improve"), f.stopReason());
    }

    @Test
    void earlyStoppingMaximisesAccuracyAndCountsOnlyChangesAboveMinDelta() {
        EarlyStopping acc = new EarlyStopping(Monitor.VAL_ACC, 2, 0, false, null);
        assertEquals(0, feed(acc, fit(10), epoch(1, 9, 0.5), epoch(2, 9, 0.6), epoch(3, 9, 0.59), epoch(4, 9, 0.7)),
                "a rising accuracy is an improvement, not a loss going the wrong way");
        EarlyStopping delta = new EarlyStopping(Monitor.VAL_ACC, 2, 0.05, false, null);
        assertEquals(3, feed(delta, fit(10), epoch(1, 9, 0.5), epoch(2, 9, 0.54), epoch(3, 9, 0.545)),
                "+0.04 and +0.045 over the best 0.5 are not more than min_delta 0.05");
        EarlyStopping enough = new EarlyStopping(Monitor.VAL_ACC, 2, 0.05, false, null);
        assertEquals(0, feed(enough, fit(10), epoch(1, 9, 0.5), epoch(2, 9, 0.54), epoch(3, 9, 0.56)),
                "+0.06 is more than min_delta: the count starts again");
    }

    @Test
    void earlyStoppingRestoresTheBestWeights() {
        EarlyStopping es = new EarlyStopping(Monitor.VAL_LOSS, 1, 0, true, null);
        Fit f = fit(10);
        ComputationGraph g = f.graph();
        f.add(epoch(1, 0.5, 0));
        es.onEpochEnd(f, epoch(1, 0.5, 0));
        INDArray best = g.params().dup();
        g.params().addi(1);
        es.onEpochEnd(f, epoch(2, 0.7, 0));
        assertTrue(f.stopRequested());
        es.onTrainEnd(f);
        assertEquals(best, g.params());
    }

    @Test
    void plateauLowersTheRateAfterPatienceAndTheSchedulerAppliesIt() {
        ReduceLrOnPlateau plateau = new ReduceLrOnPlateau(Monitor.VAL_LOSS, 0.5, 1);
        Fit f = fit(10);
        LrScheduler scheduler = new LrScheduler(new Schedule(Schedule.Kind.PLATEAU, 10, 0.5, 0.03, 0, 1));
        List<Double> rates = new ArrayList<>();
        double[] losses = {1, 1, 1, 1, 1, 1, 1};
        for (int e = 1; e <= losses.length; e++) {
            scheduler.onEpochStart(f, e);
            rates.add(f.learningRate());
            plateau.onEpochEnd(f, epoch(e, losses[e - 1], 0));
        }
        // PyTorch: bad epochs 1, 2 > patience 1 -> 0.05 from epoch 4; again two epochs later; never below lr.min
        assertEquals(List.of(0.1, 0.1, 0.1, 0.05, 0.05, 0.03, 0.03), rates);
        assertEquals(Map.of("best", 1.0, "bad_epochs", 0), plateau.state(), "the third drop just reset the count");
    }

    @Test
    void divergenceStopsAtNanInfinityOrTheBound() {
        Fit f = fit(3);
        DivergenceStop stop = new DivergenceStop(10);
        stop.onBatchEnd(f, 1, 1, 2.3);
        Diverged nan = assertThrows(Diverged.class, () -> stop.onBatchEnd(f, 2, 7, Double.NaN));
        assertEquals(2, nan.epoch());
        assertEquals(7, nan.batch());
        assertTrue(nan.getMessage().contains("epoch 2, batch 7") && nan.getMessage().contains("-Dlr="), nan.getMessage());
        assertThrows(Diverged.class, () -> stop.onBatchEnd(f, 1, 1, Double.POSITIVE_INFINITY));
        Diverged high = assertThrows(Diverged.class, () -> stop.onBatchEnd(f, 1, 3, 12.5));
        assertTrue(high.getMessage().contains("-Ddivergence.loss=10"), high.getMessage());
        new DivergenceStop(0).onBatchEnd(f, 1, 1, 1e9);
    }

    @Test
    void checkpointsKeepTheLastEveryEpochAndTheBestOnImprovement() throws IOException {
        List<String> writes = new ArrayList<>();
        Checkpoints store = new Checkpoints(dir, (name, content) -> {
            writes.add(name);
            try {
                content.write(dir.resolve(name));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Fit f = fit(3);
        f.stateSource(() -> new FitState("tiny", 3, f.history().size(), false, null, 1, 1, 8, 1, 2,
                List.copyOf(f.history()), Map.of()));
        ModelCheckpoint mc = new ModelCheckpoint(store, Monitor.VAL_ACC, true, true);
        for (EpochMetrics m : List.of(epoch(1, 1, 0.5), epoch(2, 1, 0.4), epoch(3, 1, 0.6))) {
            f.add(m);
            mc.onEpochEnd(f, m);
        }
        assertEquals(List.of("checkpoint-tiny-best.zip", "checkpoint-tiny-last.zip", "checkpoint-tiny-last.zip",
                "checkpoint-tiny-best.zip", "checkpoint-tiny-last.zip"), writes);
        Checkpoints.Loaded last = store.readLast("tiny").orElseThrow();
        assertEquals(3, last.state().epochsDone());
        assertEquals(f.history(), last.state().history());
        assertEquals(f.graph().params(), last.graph().params());
        assertTrue(Files.isRegularFile(dir.resolve(Checkpoints.bestFile("tiny"))));
        assertFalse(store.readLast("other").isPresent());
        assertNull(store.bestParams("other"));
    }
}
