package cnnlabs.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.datasets.ImageBatchIterator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
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
