package cnnlabs.experiments.performance;

import cnnlabs.experiments.performance.Turns.Contender;
import cnnlabs.experiments.performance.Turns.Mode;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** {@link Throughput}'s two kinds of contender: the graph in this JVM, and a model in a {@link TorchServer}. */
final class Contenders {

    private Contenders() {
    }

    /**
     * How each contender times a model: {@code warmup} steps and at least {@code warmupSeconds} of them when prepared
     * (DL4J then goes on until its JIT compilers are quiet, {@link JitQuiet}, up to {@code jitWaitSeconds} of warm-up
     * in all; 0: not), then {@code steps} steps a round; training at {@code batch}, inference at
     * {@code inferenceBatch}.
     */
    record Timing(int batch, int inferenceBatch, int warmup, double warmupSeconds, double jitWaitSeconds, int steps) {

        int images(Mode mode) {
            return (mode == Mode.TRAIN ? batch : inferenceBatch) * steps;
        }
    }

    /**
     * The graph: {@code fit} of one batch of random data, or {@code output} of a larger one; {@code warmedUp} gets the
     * seconds each mode's warm-up took.
     */
    record Dl4j(String label, ComputationGraph graph, DataSet batch, INDArray inferenceInput, Timing timing,
                Map<Mode, Double> warmedUp) implements Contender {

        Dl4j(String label, ComputationGraph graph, DataSet batch, INDArray inferenceInput, Timing timing) {
            this(label, graph, batch, inferenceInput, timing, new EnumMap<>(Mode.class));
        }

        @Override
        public void prepare(Mode mode) {
            long start = System.nanoTime();
            JitQuiet jit = JitQuiet.ofThisJvm();
            boolean quiet = false;
            for (int i = 0; i < timing.warmup() || seconds(start) < timing.warmupSeconds()
                    || !quiet && seconds(start) < timing.jitWaitSeconds(); i++) {
                step(mode);
                quiet = jit.quiet();
            }
            warmedUp.put(mode, seconds(start));
        }

        private static double seconds(long since) {
            return (System.nanoTime() - since) / 1e9;
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
