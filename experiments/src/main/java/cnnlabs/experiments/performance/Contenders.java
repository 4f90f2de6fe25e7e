package cnnlabs.experiments.performance;

import cnnlabs.experiments.performance.Turns.Contender;
import cnnlabs.experiments.performance.Turns.Mode;
import java.io.IOException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** {@link Throughput}'s two kinds of contender: the graph in this JVM, and a model in a {@link TorchServer}. */
final class Contenders {

    private Contenders() {
    }

    /**
     * How each contender times a model: {@code warmup} steps and at least {@code warmupSeconds} of them when prepared,
     * then {@code steps} steps a round; training at {@code batch}, inference at {@code inferenceBatch}.
     */
    record Timing(int batch, int inferenceBatch, int warmup, double warmupSeconds, int steps) {

        int images(Mode mode) {
            return (mode == Mode.TRAIN ? batch : inferenceBatch) * steps;
        }
    }

    /** The graph: {@code fit} of one batch of random data, or {@code output} of a larger one. */
    record Dl4j(String label, ComputationGraph graph, DataSet batch, INDArray inferenceInput, Timing timing)
            implements Contender {

        @Override
        public void prepare(Mode mode) {
            long start = System.nanoTime();
            for (int i = 0; i < timing.warmup() || (System.nanoTime() - start) / 1e9 < timing.warmupSeconds(); i++) {
                step(mode);
            }
        }

        @Override
        public double seconds(Mode mode) {
            long start = System.nanoTime();
            for (int i = 0; i < timing.steps(); i++) {
                step(mode);
            }
            return (System.nanoTime() - start) / 1e9;
        }

        private void step(Mode mode) {
            if (mode == Mode.TRAIN) {
                graph.fit(batch);
            } else {
                graph.output(false, inferenceInput);
            }
        }

        @Override
        public int images(Mode mode) {
            return timing.images(mode);
        }

        @Override
        public boolean optional() {
            return false;
        }
    }

    /** One PyTorch installation's model ({@code script}'s name for it) in one memory format. */
    record Torch(TorchServer server, String model, String format, Timing timing) implements Contender {

        @Override
        public String label() {
            return "torch " + server.torch() + " " + format;
        }

        @Override
        public void prepare(Mode mode) throws IOException {
            server.prepare(model, format, mode.key, mode == Mode.TRAIN ? timing.batch() : timing.inferenceBatch(),
                    timing.warmup(), timing.warmupSeconds());
        }

        @Override
        public double seconds(Mode mode) throws IOException {
            return server.time(model, format, mode.key, timing.steps());
        }

        @Override
        public int images(Mode mode) {
            return timing.images(mode);
        }

        @Override
        public boolean optional() {
            return true;
        }
    }
}
