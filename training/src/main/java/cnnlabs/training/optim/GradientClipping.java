package cnnlabs.training.optim;

import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Gradient clipping between the backward pass and the step, as PyTorch does it after {@code backward()}: by the global
 * L2 norm over every trainable parameter ({@code clip_grad_norm_}, Lightning's {@code gradient_clip_val}; scaled by
 * {@code max / (norm + 1e-6)} when above) and by value ({@code clip_grad_value_}, Keras' {@code clipvalue}). The
 * gradient seen is that of the batch's mean loss, as PyTorch's; parameters that do not train (DL4J's {@link NoOp}
 * updater: frozen layers, batch-norm moving statistics) are left out. Runs before {@link WeightDecay}, as PyTorch's
 * optimiser adds the decay after clipping.
 */
public final class GradientClipping extends BaseTrainingListener {

    private final double maxNorm;
    private final double maxValue;

    /** @param maxNorm the global norm's bound (0 = none); @param maxValue each element's bound (0 = none) */
    public GradientClipping(double maxNorm, double maxValue) {
        if (!(maxNorm >= 0 && maxValue >= 0)) {
            throw new IllegalArgumentException("clipping bounds must be >= 0, got " + maxNorm + ", " + maxValue);
        }
        this.maxNorm = maxNorm;
        this.maxValue = maxValue;
    }

    @Override
    public void onGradientCalculation(Model model) {
        if (!(model instanceof ComputationGraph graph)) {
            return;
        }
        // DL4J's gradient here is summed over the batch; its updater divides it by the batch size afterwards
        double batch = graph.batchSize();
        List<INDArray> trainable = TrainableGradients.of(graph).stream().map(TrainableGradients.Entry::gradient).toList();
        if (maxValue > 0) {
            double bound = maxValue * batch;
            for (INDArray g : trainable) {
                Transforms.max(Transforms.min(g, bound, false), -bound, false);
            }
        }
        if (maxNorm > 0) {
            double sumOfSquares = 0;
            for (INDArray g : trainable) {
                double n = g.norm2Number().doubleValue() / batch;
                sumOfSquares += n * n;
            }
            double norm = Math.sqrt(sumOfSquares);
            if (norm > maxNorm) {
                double scale = maxNorm / (norm + 1e-6);
                trainable.forEach(g -> g.muli(scale));
            }
        }
    }
}
