package cnnlabs.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.onednn.OneDnnRuntime;
import cnnlabs.training.optim.Optimizer;
import cnnlabs.training.optim.Optimizers;
import cnnlabs.training.optim.Schedule;
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

    private static final double LR = 0.05;

    private static TrainerConfig config() {
        return new TrainerConfig(new Optimizer(Optimizer.Kind.SGD, 0.9, 5e-4),
                new Schedule(Schedule.Kind.COSINE, 10, 0.1, 0, 2, 3),
                new CallbackSettings(Monitor.VAL_LOSS, 50, 0, true, CallbackSettings.Checkpointing.BOTH, 0), 3);
    }

    /** Keeps every epoch a fit reports, the restored ones first, as a run's metrics.csv does. */
    static Callback rows(List<EpochMetrics> rows) {
        return new Callback() {
            @Override
            public Stage stage() {
                return Stage.PUBLISH;
            }

            @Override
            public void onTrainStart(Fit fit) {
                rows.addAll(fit.history());
            }

            @Override
            public void onEpochEnd(Fit fit, EpochMetrics metrics) {
                rows.add(metrics);
            }
        };
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

    private static ComputationGraph model(TrainerConfig t) {
        return OneDnnRuntime.graph(Architectures.get("simple-cnn").configure(
                new BuildOptions(42, Optimizers.updater(t.optimizer(), LR), 0.9, 1e-3)));
    }

    /** Trains with the run's data; {@code interruptBefore} > 0 throws as a kill would, before that epoch starts. */
    private History train(Path folder, boolean resume, int interruptBefore, List<EpochMetrics> rows) {
        TrainerConfig t = config();
        ComputationGraph graph = model(t);
        Trainer trainer = new Trainer(t, quiet(), store(folder), resume).withCallback(() -> rows(rows));
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
                RandomImages.of(48, 2).batches(16, false, 7), EPOCHS);
    }

    @Test
    void aResumedFitEndsExactlyWhereAnUninterruptedOneEnds() throws IOException {
        Path straight = java.nio.file.Files.createDirectory(dir.resolve("straight"));
        List<EpochMetrics> straightRows = new ArrayList<>();
        History expected = train(straight, false, 0, straightRows);

        Path broken = java.nio.file.Files.createDirectory(dir.resolve("broken"));
        List<EpochMetrics> before = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> train(broken, false, 3, before));
        assertEquals(2, before.size(), "two epochs finished before the interruption");
        assertEquals(2, store(broken).readLast("simple-cnn").orElseThrow().state().epochsDone());

        List<EpochMetrics> after = new ArrayList<>();
        History resumed = train(broken, true, 0, after);

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
        History first = train(folder, false, 0, new ArrayList<>());
        List<EpochMetrics> again = new ArrayList<>();
        TrainerConfig t = config();
        ComputationGraph graph = model(t);
        History second = new Trainer(t, quiet(), store(folder), true).withCallback(() -> rows(again)).fit("simple-cnn",
                graph, RandomImages.of(160, 1).batches(16, true, 7), RandomImages.of(48, 2).batches(16, false, 7), EPOCHS);
        assertEquals(first.epochs(), second.epochs());
        assertEquals(EPOCHS, again.size());
        assertEquals(0, graph.getIterationCount() - 3 * EPOCHS, "iteration count restored, no step taken");
    }

    @Test
    void aFinishedFitTrainsOnWithMoreEpochsAsIfAskedForFromTheStart() throws IOException {
        TrainerConfig constant = new TrainerConfig(new Optimizer(Optimizer.Kind.SGD, 0.9, 5e-4), Schedule.CONSTANT,
                new CallbackSettings(Monitor.VAL_LOSS, 0, 0, true, CallbackSettings.Checkpointing.LAST, 0), 3);
        Path straight = java.nio.file.Files.createDirectory(dir.resolve("four"));
        ComputationGraph four = model(constant);
        List<EpochMetrics> straightRows = new ArrayList<>();
        new Trainer(constant, quiet(), store(straight), false).withCallback(() -> rows(straightRows)).fit("simple-cnn",
                four, RandomImages.of(160, 1).batches(16, true, 7), RandomImages.of(48, 2).batches(16, false, 7), 4);

        Path onward = java.nio.file.Files.createDirectory(dir.resolve("two-then-four"));
        new Trainer(constant, quiet(), store(onward), false).fit("simple-cnn", model(constant),
                RandomImages.of(160, 1).batches(16, true, 7), RandomImages.of(48, 2).batches(16, false, 7), 2);
        ComputationGraph more = model(constant);
        List<EpochMetrics> rows = new ArrayList<>();
        new Trainer(constant, quiet(), store(onward), true).withCallback(() -> rows(rows)).fit("simple-cnn", more,
                RandomImages.of(160, 1).batches(16, true, 7), RandomImages.of(48, 2).batches(16, false, 7), 4);

        assertEquals(4, rows.size(), "the two epochs it had, then two more");
        assertEquals(straightRows.stream().map(EpochMetrics::trainLoss).toList(),
                rows.stream().map(EpochMetrics::trainLoss).toList(), "the same losses as four epochs from the start");
        assertEquals(four.params(), more.params());
        assertThrows(IllegalStateException.class, () -> new Trainer(constant, quiet(), store(onward), true).fit(
                "simple-cnn", model(constant), RandomImages.of(160, 1).batches(16, true, 7),
                RandomImages.of(48, 2).batches(16, false, 7), 3), "fewer epochs than the checkpoint's are refused");
    }
}
