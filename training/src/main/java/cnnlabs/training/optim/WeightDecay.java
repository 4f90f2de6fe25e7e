package cnnlabs.training.optim;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * PyTorch's {@code weight_decay}, on every trainable parameter (weights, biases, batch-norm gamma and beta), between
 * the backward pass and the optimiser's step. Coupled (SGD, Adam): {@code g += decay * p}, as PyTorch's {@code SGD}
 * and {@code Adam} add it to the gradient. Decoupled (AdamW): {@code p -= lr * decay * p}, as PyTorch's {@code AdamW}
 * does before its step. DL4J's own regularisation skips batch-norm parameters (and biases unless asked), so it cannot
 * reproduce PyTorch's recipe; parameters that do not train (frozen layers, batch-norm moving statistics: DL4J gives
 * them the {@link NoOp} updater) are left alone here too.
 */
public final class WeightDecay extends BaseTrainingListener {

    private final double decay;
    private final boolean decoupled;

    public WeightDecay(double decay, boolean decoupled) {
        if (!(decay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + decay);
        }
        this.decay = decay;
        this.decoupled = decoupled;
    }

    public double decay() {
        return decay;
    }

    public boolean decoupled() {
        return decoupled;
    }

    @Override
    public void onGradientCalculation(Model model) {
        if (decay == 0 || !(model instanceof ComputationGraph graph)) {
            return;
        }
        int iteration = graph.getConfiguration().getIterationCount();
        int epoch = graph.getConfiguration().getEpochCount();
        // DL4J's gradient here is summed over the batch; its updater divides it by the batch size afterwards
        double batch = graph.batchSize();
        for (TrainableGradients.Entry e : TrainableGradients.of(graph)) {
            INDArray p = graph.getLayer(e.layer()).getParam(e.param());
            if (decoupled) {
                p.muli(1 - e.updater().getLearningRate(iteration, epoch) * decay);
            } else {
                e.gradient().addi(p.mul(decay * batch));
            }
        }
    }
}
