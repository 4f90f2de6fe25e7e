package cnnlabs.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.settings.ConfigException;
import cnnlabs.training.optim.GradientClipping;
import cnnlabs.training.optim.Optimizer;
import cnnlabs.training.optim.Optimizers;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/** Gradient clipping against its formula, and label smoothing against PyTorch's value. */
class LossAndClippingTest {

    private static final double LR = 0.1;
    /** Batch-norm moving statistics: not trained by the optimiser, not clipped. */
    private static final Set<String> MOVING = Set.of("bn_mean", "bn_var", "bn_log10stdev");

    private static double globalNorm(Map<String, INDArray> gradient) {
        double sum = 0;
        for (Map.Entry<String, INDArray> e : gradient.entrySet()) {
            if (!MOVING.contains(e.getKey())) {
                double n = e.getValue().norm2Number().doubleValue();
                sum += n * n;
            }
        }
        return Math.sqrt(sum);
    }

    /** One plain SGD step with {@code clipping} on; returns the parameters after it. */
    private static Map<String, INDArray> step(GradientClipping clipping, DataSet batch) {
        ComputationGraph g = OptimizersTest.tiny(new Sgd(LR));
        g.addListeners(clipping);
        g.fit(batch);
        return OptimizersTest.params(g);
    }

    @Test
    void clippingByNormScalesTheWholeGradientToTheBoundAsPytorchs() {
        DataSet batch = OptimizersTest.batch(3);
        ComputationGraph g = OptimizersTest.tiny(new Sgd(LR));
        Map<String, INDArray> p0 = OptimizersTest.params(g);
        Map<String, INDArray> grad = OptimizersTest.gradient(g, batch);
        double norm = globalNorm(grad);
        double bound = norm / 4;

        Map<String, INDArray> p1 = step(new GradientClipping(bound, 0), batch);

        Map<String, INDArray> applied = new LinkedHashMap<>();
        for (String k : grad.keySet()) {
            if (!MOVING.contains(k)) {
                applied.put(k, p0.get(k).sub(p1.get(k)).div(LR));
            }
        }
        assertEquals(bound, globalNorm(applied), bound * 1e-5, "the step's gradient has the bound's norm");
        for (String k : applied.keySet()) {
            // PyTorch's clip_grad_norm_: g * max_norm / (total_norm + 1e-6)
            assertArrayEquals(grad.get(k).mul(bound / (norm + 1e-6)).ravel().toDoubleVector(), applied.get(k).ravel().toDoubleVector(),
                    1e-9, k);
        }
        Map<String, INDArray> unclipped = step(new GradientClipping(norm * 2, 0), batch);
        for (String k : applied.keySet()) {
            assertArrayEquals(p0.get(k).sub(grad.get(k).mul(LR)).ravel().toDoubleVector(), unclipped.get(k).ravel().toDoubleVector(),
                    1e-12, "a gradient under the bound is left as it is: " + k);
        }
    }

    @Test
    void clippingByValueBoundsEveryElementAndLeavesTheRest() {
        DataSet batch = OptimizersTest.batch(5);
        ComputationGraph g = OptimizersTest.tiny(new Sgd(LR));
        Map<String, INDArray> p0 = OptimizersTest.params(g);
        Map<String, INDArray> grad = OptimizersTest.gradient(g, batch);
        double bound = 0.05;
        Map<String, INDArray> p1 = step(new GradientClipping(0, bound), batch);
        int clipped = 0;
        for (String k : grad.keySet()) {
            if (MOVING.contains(k)) {
                continue;
            }
            double[] expected = grad.get(k).ravel().toDoubleVector();
            double[] applied = p0.get(k).sub(p1.get(k)).div(LR).ravel().toDoubleVector();
            for (int i = 0; i < expected.length; i++) {
                clipped += Math.abs(expected[i]) > bound ? 1 : 0;
                assertEquals(Math.max(-bound, Math.min(bound, expected[i])), applied[i], 1e-9, k + "[" + i + "]");
            }
        }
        assertTrue(clipped > 0, "the bound cut some elements");
        assertTrue(Optimizers.clipping(new Optimizer(Optimizer.Kind.SGD, 0.9, 0)).isEmpty(), "off by default");
        assertThrows(ConfigException.class, () -> new Optimizer(Optimizer.Kind.SGD, 0.9, 0, -1, 0));
    }

    @Test
    void smoothedCrossEntropyIsPytorchsLabelSmoothing() {
        // torch.nn.CrossEntropyLoss(label_smoothing=0.1)(torch.tensor([[1., 2., 3.]]), torch.tensor([2])) = 0.5076059
        // ((1 - e) * -log p_2 + e * mean_k(-log p_k), with p = softmax(logits))
        double[] logits = {1, 2, 3};
        double z = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double e = 0.1;
        double expected = (1 - e) * (z - logits[2]) + e * ((z - 1) + (z - 2) + (z - 3)) / 3;
        assertEquals(0.5076059, expected, 1e-6, "the formula PyTorch documents, at PyTorch's value");

        DataSet batch = new DataSet(Nd4j.zeros(DataType.DOUBLE, 1, 3), Nd4j.createFromArray(new double[][] {{0, 0, 1}}));
        DataSet smoothed = new Loss(e, "").smooth(batch);
        assertArrayEquals(new double[] {e / 3, e / 3, 1 - e + e / 3}, smoothed.getLabels().ravel().toDoubleVector(), 1e-12);
        assertEquals(1, batch.getLabels().getDouble(0, 2), 0, "the batch's own labels are left as they were");
        INDArray p = Nd4j.createFromArray(logits).reshape(1, 3);
        p = org.nd4j.linalg.ops.transforms.Transforms.softmax(p);
        double crossEntropy = -smoothed.getLabels().mul(org.nd4j.linalg.ops.transforms.Transforms.log(p)).sumNumber()
                .doubleValue();
        assertEquals(expected, crossEntropy, 1e-9, "cross-entropy against the smoothed targets");
        assertTrue(Loss.PLAIN.smooth(batch) == batch);
    }

    @Test
    void classWeightsAreOnePositiveNumberPerClass() {
        assertArrayEquals(new double[] {1, 2, 0.5}, new Loss(0, " 1, 2,0.5 ").weights(), 0);
        assertEquals(0, Loss.PLAIN.weights().length);
        ConfigException e = assertThrows(ConfigException.class, () -> new Loss(0, "1,0,1"));
        assertTrue(e.getMessage().contains("-Dclass.weights"), e.getMessage());
        assertThrows(ConfigException.class, () -> new Loss(0, "1,x"));
        assertThrows(ConfigException.class, () -> new Loss(1, ""));
    }
}
