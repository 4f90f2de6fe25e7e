package cnnlabs.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.datasets.ImageBatchIterator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class TrainerTest {

    private static Console quiet() {
        return new Console(new PrintStream(new ByteArrayOutputStream()), false);
    }

    @Test
    void trainingAccuracyIsThatOfTheTrainingForwardPass() {
        // LeNet-5 has no dropout or batch norm, so its training forward pass equals inference before the update.
        ComputationGraph graph = Architectures.create("lenet5", BuildOptions.defaults());
        DataSet batch = RandomImages.of(64, 1).batches(64, false, 0).next();
        INDArray predicted = Nd4j.argMax(graph.outputSingle(false, batch.getFeatures()), 1);
        double expected = predicted.eq(Nd4j.argMax(batch.getLabels(), 1)).castTo(DataType.INT32).sumNumber().doubleValue() / 64;

        TrainAccuracyListener listener = new TrainAccuracyListener(graph);
        graph.addListeners(listener);
        listener.expect(batch.getLabels());
        graph.fit(batch);

        assertEquals(expected, listener.accuracy(), 0);
    }

    @Test
    void evaluatorLossIsDl4jsCrossEntropy() {
        ComputationGraph graph = Architectures.create("simple-cnn", BuildOptions.defaults());
        ImageBatchIterator data = RandomImages.of(50, 2).batches(50, false, 0);
        DataSet all = data.next();

        Evaluator.Result result = Evaluator.evaluate(graph, data, 0);

        assertEquals(graph.score(all, false), result.loss(), 1e-4);
        assertEquals(50, result.images());
    }

    @Test
    void fitRunsTheEpochsCutToMaxBatchesAndReportsEachEpoch() {
        ComputationGraph graph = Architectures.create("lenet5", BuildOptions.defaults());
        List<EpochMetrics> seen = new ArrayList<>();

        History history = new Trainer(TrainerConfig.DEFAULTS.withMaxBatches(3), quiet())
                .withCallback(() -> ResumeTest.rows(seen)).fit("lenet5", graph,
                        RandomImages.of(200, 3).batches(16, true, 1), RandomImages.of(100, 4).batches(16, false, 1), 2);

        assertEquals(2, history.epochs().size());
        assertEquals(history.epochs(), seen);
        assertEquals(2 * 3 * 16, history.trainImages());
        assertEquals(6, graph.getIterationCount());
        assertEquals(2, graph.getEpochCount());
        for (EpochMetrics m : seen) {
            assertEquals(1e-3, m.learningRate(), 1e-12);
            assertTrue(m.trainAcc() >= 0 && m.trainAcc() <= 1);
            assertTrue(m.valLoss() > 0);
            assertTrue(m.imagesPerSec() > 0 && m.seconds() > 0);
        }
        assertTrue(graph.getListeners().isEmpty(), "the accuracy listener is removed afterwards");
    }

    /** A callback that notes its name at each epoch's end, in the stage it says. */
    private static Callback probe(String name, Callback.Stage stage, List<String> seen) {
        return new Callback() {
            @Override
            public Stage stage() {
                return stage;
            }

            @Override
            public void onEpochEnd(Fit fit, EpochMetrics metrics) {
                seen.add(name);
            }
        };
    }

    @Test
    void callbacksRunByStageWhateverOrderTheyWereGivenIn() {
        ComputationGraph graph = Architectures.create("lenet5", BuildOptions.defaults());
        List<String> seen = new ArrayList<>();
        Trainer trainer = new Trainer(TrainerConfig.DEFAULTS.withMaxBatches(1), quiet())
                .withCallback(() -> probe("publish", Callback.Stage.PUBLISH, seen))
                .withCallback(() -> probe("observe-1", Callback.Stage.OBSERVE, seen))
                .withCallback(() -> probe("schedule", Callback.Stage.SCHEDULE, seen))
                .withCallback(() -> probe("observe-2", Callback.Stage.OBSERVE, seen));
        trainer.fit("lenet5", graph, RandomImages.of(32, 1).batches(16, true, 1), RandomImages.of(16, 2).batches(16,
                false, 1), 1);
        assertEquals(List.of("schedule", "observe-1", "observe-2", "publish"), seen, "by stage, then as given");

        List<Class<?>> standard = trainer.callbacks("x").stream().filter(c -> c.getClass().getEnclosingMethod() == null)
                .<Class<?>>map(Object::getClass).toList();
        assertEquals(List.of(LrScheduler.class, ProgressLogger.class, DivergenceStop.class), standard,
                "the schedule first, the divergence stop after what observes; no checkpoints without a store");
    }

    @Test
    void twoCallbacksKeepingStateUnderOneKeyAreRefusedWhenTheCheckpointIsWritten(@TempDir Path dir) {
        ComputationGraph graph = Architectures.create("lenet5", BuildOptions.defaults());
        Checkpoints store = new Checkpoints(dir, (name, content) -> {
            try {
                content.write(dir.resolve(name));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Supplier<Callback> counter = () -> new Callback() {
            @Override
            public String stateKey() {
                return "counter";
            }

            @Override
            public Map<String, Object> state() {
                return Map.of("n", 1);
            }
        };
        Trainer trainer = new Trainer(TrainerConfig.DEFAULTS.withMaxBatches(1), quiet(), store, false)
                .withCallback(counter).withCallback(counter);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer.fit("lenet5", graph,
                RandomImages.of(32, 1).batches(16, true, 1), RandomImages.of(16, 2).batches(16, false, 1), 1));
        assertTrue(e.getMessage().contains("'counter'"), e.getMessage());
    }

    @Test
    void anyDataSetIteratorTrainsUntilItRunsOut() {
        ComputationGraph graph = Architectures.create("lenet5", BuildOptions.defaults());
        List<DataSet> batches = new ArrayList<>();
        RandomImages.of(48, 5).batches(16, false, 1).forEachRemaining(batches::add);
        DataSetIterator plain = new ListDataSetIterator<>(batches, 1); // one of the three batches per step
        assertFalse(plain instanceof cnnlabs.datasets.Batches, "an iterator that does not say its length");

        History history = new Trainer(TrainerConfig.DEFAULTS, quiet()).fit("lenet5", graph, plain,
                RandomImages.of(16, 6).batches(16, false, 1), 2);

        assertEquals(2 * 48, history.trainImages(), "every batch of both epochs");
        assertEquals(6, graph.getIterationCount());
    }

    @Test
    void nonInteractiveProgressPrintsAtQuarters() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Console console = new Console(new PrintStream(bytes, true), false);
        Console.Progress p = console.progress("x", 8);
        for (int i = 1; i <= 8; i++) {
            p.update(i, "s" + i);
        }
        p.finish();
        assertEquals(List.of("x 2/8 - s2", "x 4/8 - s4", "x 6/8 - s6"),
                bytes.toString().lines().map(l -> l.substring(0, l.indexOf(" - ETA"))).toList());
        assertEquals("1m05s", Console.formatSeconds(65));
        assertEquals("2h01m", Console.formatSeconds(7260));
    }

    @Test
    void theProgressBarFitsAnEightyColumnTerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Console console = new Console(new PrintStream(bytes, true), Console.Mode.BAR);
        for (String label : List.of("lenet5 1/5", "pretrain-fashion-mnist-with-a-long-name 10/10")) {
            Console.Progress p = console.progress(label, 422);
            for (int done : new int[] {0, 211, 422}) {
                String line = p.bar(done, "loss 0.0310 acc 0.9906", 125);
                assertTrue(line.length() <= Console.COLUMNS - 1, line.length() + ": " + line);
                assertTrue(line.startsWith(label.substring(0, 10)), line);
            }
        }
        assertTrue(console.progress("lenet5 1/5", 10).bar(5, "loss 1", 1)
                .contains("[" + "=".repeat(14) + ">" + " ".repeat(15) + "]"), "half of a 30-wide bar");
        Console off = new Console(new PrintStream(bytes, true), Console.Mode.OFF);
        bytes.reset();
        off.progress("x", 4).update(4, "s");
        assertEquals("", bytes.toString());
        assertEquals(Console.Mode.LINES, Console.system(Console.Mode.LINES).mode());
    }
}
