package cnnlabs.training;

import cnnlabs.training.optim.Optimizer;
import cnnlabs.training.optim.Optimizers;
import cnnlabs.training.optim.TorchSgd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/** One and two steps of each optimiser against the update rule written out by hand (PyTorch's and Keras' formulas). */
class OptimizersTest {

    private static final double LR = 0.1;
    private static final double MOMENTUM = 0.9;
    private static final double DECAY = 0.01;
    /** Batch-norm moving statistics: not trained by the optimiser. */
    private static final Set<String> MOVING = Set.of("bn_mean", "bn_var", "bn_log10stdev");

    @TempDir
    java.nio.file.Path dir;

    /** Dense 4 -> 3, batch norm, softmax 2: weights, biases, gamma and beta all train. */
    static ComputationGraph tiny(IUpdater updater) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
                .updater(updater).graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("dense", new DenseLayer.Builder().nOut(3).activation(Activation.TANH).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().build(), "dense")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "bn")
                .setOutputs("out").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    static DataSet batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 8, 4);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 8, 2);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i % 2, 1);
        }
        return new DataSet(x, y);
    }

    /** Every parameter by key ("dense_W"), copied. */
    static Map<String, INDArray> params(ComputationGraph g) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        g.paramTable().forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    /**
     * The gradient of the batch's mean loss at the graph's current parameters, computed on a copy (nothing is updated;
     * DL4J's backward pass sums over the batch, its updater divides by the batch size).
     */
    static Map<String, INDArray> gradient(ComputationGraph g, DataSet batch) {
        ComputationGraph probe = g.clone();
        probe.setInputs(batch.getFeatures());
        probe.setLabels(batch.getLabels());
        probe.computeGradientAndScore();
        Map<String, INDArray> out = new LinkedHashMap<>();
        probe.gradient().gradientForVariable().forEach((k, v) -> out.put(k, v.div(batch.numExamples())));
        return out;
    }

    private static void assertClose(Map<String, INDArray> expected, Map<String, INDArray> actual) {
        for (Map.Entry<String, INDArray> e : expected.entrySet()) {
            assertArrayEquals(flat(e.getValue()), flat(actual.get(e.getKey())), 1e-10, e.getKey());
        }
    }

    private static double[] flat(INDArray a) {
        return Nd4j.toFlattened(a).toDoubleVector();
    }

    private static ComputationGraph withDecay(ComputationGraph g, Optimizer o) {
        Optimizers.weightDecay(o).ifPresent(g::addListeners);
        return g;
    }

    @Test
    void sgdWithMomentumAndWeightDecayTakesPyTorchsTwoSteps() {
        Optimizer o = new Optimizer(Optimizer.Kind.SGD, MOMENTUM, DECAY);
        ComputationGraph g = withDecay(tiny(Optimizers.updater(o, LR)), o);
        Map<String, INDArray> p0 = params(g);
        Map<String, INDArray> g0 = gradient(g, batch(1));
        g.fit(batch(1));
        Map<String, INDArray> p1 = params(g);
        Map<String, INDArray> expected1 = new LinkedHashMap<>();
        Map<String, INDArray> buffer = new LinkedHashMap<>();
        for (String k : g0.keySet()) {
            if (MOVING.contains(k)) {
                continue;
            }
            INDArray d = g0.get(k).add(p0.get(k).mul(DECAY)); // d_p = g + weight_decay * p
            buffer.put(k, d.dup());                          // first step: buf = d_p
            expected1.put(k, p0.get(k).sub(d.mul(LR)));      // p -= lr * buf
        }
        assertClose(expected1, p1);

        Map<String, INDArray> g1 = gradient(g, batch(2));
        g.fit(batch(2));
        Map<String, INDArray> expected2 = new LinkedHashMap<>();
        for (String k : buffer.keySet()) {
            INDArray d = g1.get(k).add(p1.get(k).mul(DECAY));
            INDArray buf = buffer.get(k).mul(MOMENTUM).add(d);  // buf = momentum * buf + d_p
            expected2.put(k, p1.get(k).sub(buf.mul(LR)));
        }
        assertClose(expected2, params(g));
    }

    @Test
    void nesterovStepsWithTheLookAhead() {
        Optimizer o = new Optimizer(Optimizer.Kind.NESTEROV, MOMENTUM, 0);
        ComputationGraph g = tiny(Optimizers.updater(o, LR));
        Map<String, INDArray> p0 = params(g);
        Map<String, INDArray> g0 = gradient(g, batch(1));
        g.fit(batch(1));
        Map<String, INDArray> expected = new LinkedHashMap<>();
        for (String k : g0.keySet()) {
            if (!MOVING.contains(k)) {
                // buf = g; step = g + momentum * buf
                expected.put(k, p0.get(k).sub(g0.get(k).add(g0.get(k).mul(MOMENTUM)).mul(LR)));
            }
        }
        assertClose(expected, params(g));
    }

    /** Keras' Adam after one step: m = (1-b1) g, v = (1-b2) g^2, p -= lr sqrt(1-b2)/(1-b1) m / (sqrt(v) + eps). */
    private static INDArray adamStep(INDArray g) {
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-7;
        INDArray m = g.mul(1 - b1);
        INDArray v = g.mul(g).mul(1 - b2);
        return m.div(Transforms.sqrt(v).add(eps)).mul(LR * Math.sqrt(1 - b2) / (1 - b1));
    }

    @Test
    void adamAddsCoupledWeightDecayToTheGradient() {
        Optimizer o = new Optimizer(Optimizer.Kind.ADAM, MOMENTUM, DECAY);
        ComputationGraph g = withDecay(tiny(Optimizers.updater(o, LR)), o);
        Map<String, INDArray> p0 = params(g);
        Map<String, INDArray> g0 = gradient(g, batch(3));
        g.fit(batch(3));
        Map<String, INDArray> expected = new LinkedHashMap<>();
        for (String k : g0.keySet()) {
            if (!MOVING.contains(k)) {
                expected.put(k, p0.get(k).sub(adamStep(g0.get(k).add(p0.get(k).mul(DECAY)))));
            }
        }
        assertClose(expected, params(g));
    }

    @Test
    void adamwDecaysTheWeightsApartFromTheGradient() {
        Optimizer o = new Optimizer(Optimizer.Kind.ADAMW, MOMENTUM, DECAY);
        ComputationGraph g = withDecay(tiny(Optimizers.updater(o, LR)), o);
        Map<String, INDArray> p0 = params(g);
        Map<String, INDArray> g0 = gradient(g, batch(4));
        g.fit(batch(4));
        Map<String, INDArray> expected = new LinkedHashMap<>();
        for (String k : g0.keySet()) {
            if (!MOVING.contains(k)) {
                // p = p * (1 - lr * wd) - adam(g): the decay never enters Adam's moments
                expected.put(k, p0.get(k).mul(1 - LR * DECAY).sub(adamStep(g0.get(k))));
            }
        }
        assertClose(expected, params(g));
    }

    @Test
    void weightDecayLeavesBatchNormMovingStatisticsAlone() {
        Optimizer plain = new Optimizer(Optimizer.Kind.SGD, 0, 0);
        Optimizer decayed = new Optimizer(Optimizer.Kind.SGD, 0, DECAY);
        ComputationGraph a = tiny(Optimizers.updater(plain, LR));
        ComputationGraph b = withDecay(tiny(Optimizers.updater(decayed, LR)), decayed);
        Map<String, INDArray> p0 = params(a);
        a.fit(batch(5));
        b.fit(batch(5));
        for (String k : p0.keySet()) {
            INDArray difference = b.getParam(k).sub(a.getParam(k));
            if (MOVING.contains(k)) {
                assertEquals(0, difference.amaxNumber().doubleValue(), 0, k);
            } else {
                // without momentum the only difference is -lr * wd * p0, on gamma and beta too (as in PyTorch)
                assertArrayEquals(flat(p0.get(k).mul(-LR * DECAY)), flat(difference), 1e-12, k);
            }
        }
    }

    @Test
    void aNewLearningRateScalesTheWholeBufferAsPyTorchs() {
        ComputationGraph g = tiny(new TorchSgd(LR, MOMENTUM, false));
        Map<String, INDArray> g0 = gradient(g, batch(1));
        g.fit(batch(1));
        Map<String, INDArray> p1 = params(g);
        Map<String, INDArray> g1 = gradient(g, batch(2));
        new Fit("tiny", g, 1).setLearningRates(base -> base / 4);
        g.fit(batch(2));
        Map<String, INDArray> expected = new LinkedHashMap<>();
        for (String k : g1.keySet()) {
            if (!MOVING.contains(k)) {
                // buf = momentum * g0 + g1 holds gradients, so the new rate multiplies all of it
                expected.put(k, p1.get(k).sub(g0.get(k).mul(MOMENTUM).add(g1.get(k)).mul(LR / 4)));
            }
        }
        assertClose(expected, params(g));
        assertEquals(LR / 4, g.getLayer("out").conf().getLayer().getUpdaterByParam("W").getLearningRate(0, 0), 1e-15);
    }

    @Test
    void torchSgdSurvivesSavingAndLoading() throws Exception {
        ComputationGraph g = tiny(new TorchSgd(LR, MOMENTUM, true));
        g.fit(batch(1));
        java.io.File file = dir.resolve("m.zip").toFile();
        ModelSerializer.writeModel(g, file, true);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(file, true);
        assertEquals(g.getLayer("dense").conf().getLayer().getUpdaterByParam("W"),
                back.getLayer("dense").conf().getLayer().getUpdaterByParam("W"));
        assertEquals(g.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
        g.fit(batch(2));
        back.fit(batch(2));
        assertEquals(g.params(), back.params());
    }
}
