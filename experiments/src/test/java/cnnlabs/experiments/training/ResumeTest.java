package cnnlabs.experiments.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.experiments.Engine;
import cnnlabs.experiments.settings.Callbacks;
import cnnlabs.experiments.settings.Optimizer;
import cnnlabs.experiments.settings.Schedule;
import cnnlabs.experiments.settings.Training;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fit interrupted after an epoch and resumed from its checkpoint ends exactly where the same fit run straight
 * through ends: the simple CNN (dropout: ND4J's random state), SGD with momentum and weight decay (updater state),
 * cosine annealing (schedule position), shuffled batches (shuffling order), early stopping armed (callback state).
 */
class ResumeTest {

    private static final int EPOCHS = 4;

    @TempDir
    Path dir;

    private static Training training() {
        return new Training(EPOCHS, 16, 0.05, 0, 0.2, 0.9, Training.LAB_DROPOUT, new Optimizer(Optimizer.Kind.SGD, 0.9, 5e-4),
                new Schedule(Schedule.Kind.COSINE, 10, 0.1, 0, 2, 3),
                new Callbacks(Callbacks.Monitor.VAL_LOSS, 50, 0, true, Callbacks.Checkpoints.BOTH, 0));
    }

    private static Console quiet() {
        return new Console(new PrintStream(new ByteArrayOutputStream()), Console.Mode.OFF);
    }

    private Checkpoints store(Path folder) {
        return new Checkpoints(folder, (name, content) -> {
            try {
                content.write(folder.resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static ComputationGraph model(Training t) {
        return Engine.fast().init(Architectures.get("simple-cnn"),
                new BuildOptions(42, Optimizers.updater(t.optimizer(), t.learningRate()), 0.9, 1e-3));
    }

    /** Trains with the run's data; {@code interruptBefore} > 0 throws as a kill would, before that epoch starts. */
    private Trainer.History train(Path folder, boolean resume, int interruptBefore, List<EpochMetrics> rows) {
        Training t = training();
        ComputationGraph graph = model(t);
        Trainer trainer = new Trainer(quiet(), 3, t, store(folder), resume);
        if (interruptBefore > 0) {
            trainer.withCallback(() -> new Callback() {
                @Override
                public void onEpochStart(Fit fit, int epoch) {
                    if (epoch == interruptBefore) {
                        throw new IllegalStateException("killed");
                    }
                }
            });
        }
        return trainer.fit("simple-cnn", graph, RandomImages.of(160, 1).batches(16, true, 7),
                RandomImages.of(48, 2).batches(16, false, 7), EPOCHS, rows::add);
    }

    @Test
    void aResumedFitEndsExactlyWhereAnUninterruptedOneEnds() throws IOException {
        Path straight = java.nio.file.Files.createDirectory(dir.resolve("straight"));
        List<EpochMetrics> straightRows = new ArrayList<>();
        Trainer.History expected = train(straight, false, 0, straightRows);

        Path broken = java.nio.file.Files.createDirectory(dir.resolve("broken"));
        List<EpochMetrics> before = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> train(broken, false, 3, before));
        assertEquals(2, before.size(), "two epochs finished before the interruption");
        assertEquals(2, store(broken).readLast("simple-cnn").orElseThrow().state().epochsDone());

        List<EpochMetrics> after = new ArrayList<>();
        Trainer.History resumed = train(broken, true, 0, after);

        assertEquals(EPOCHS, after.size(), "the restored epochs are given back, then the new ones");
        for (int i = 0; i < EPOCHS; i++) {
            EpochMetrics a = straightRows.get(i);
            EpochMetrics b = after.get(i);
            assertEquals(a.trainLoss(), b.trainLoss(), 0, "train loss, epoch " + (i + 1));
            assertEquals(a.trainAcc(), b.trainAcc(), 0);
            assertEquals(a.valLoss(), b.valLoss(), 0, "val loss, epoch " + (i + 1));
            assertEquals(a.learningRate(), b.learningRate(), 0, "schedule position, epoch " + (i + 1));
        }
        assertEquals(before.get(1), after.get(1), "the finished epochs come back unchanged");
        assertEquals(expected.trainImages(), resumed.trainImages());
        assertTrue(straightRows.get(0).learningRate() < straightRows.get(1).learningRate(), "warm-up, then cosine");
    }

    @Test
    void aFinishedFitIsRestoredNotTrainedAgain() throws IOException {
        Path folder = java.nio.file.Files.createDirectory(dir.resolve("done"));
        Trainer.History first = train(folder, false, 0, new ArrayList<>());
        List<EpochMetrics> again = new ArrayList<>();
        Training t = training();
        ComputationGraph graph = model(t);
        Trainer.History second = new Trainer(quiet(), 3, t, store(folder), true).fit("simple-cnn", graph,
                RandomImages.of(160, 1).batches(16, true, 7), RandomImages.of(48, 2).batches(16, false, 7), EPOCHS, again::add);
        assertEquals(first.epochs(), second.epochs());
        assertEquals(EPOCHS, again.size());
        assertEquals(0, graph.getIterationCount() - 3 * EPOCHS, "iteration count restored, no step taken");
    }
}
