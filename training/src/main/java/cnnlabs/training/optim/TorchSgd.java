package cnnlabs.training.optim;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * SGD with momentum exactly as PyTorch's {@code torch.optim.SGD} applies it (dampening 0): {@code buf = momentum *
 * buf + g}, then {@code p -= lr * buf}, or with Nesterov {@code p -= lr * (g + momentum * buf)}. The momentum buffer
 * holds gradients, not steps, so a learning rate that changes (a schedule) scales every step as PyTorch's does;
 * DL4J's {@code Nesterovs} folds the rate into its velocity and matches only while the rate is constant, and DL4J
 * has no plain (heavy-ball) momentum. Weight decay is added to the gradient beforehand by {@link WeightDecay}.
 */
public final class TorchSgd implements IUpdater {

    public static final String BUFFER = "momentum_buffer";

    private double learningRate;
    private ISchedule learningRateSchedule;
    private final double momentum;
    private final boolean nesterov;

    public TorchSgd(double learningRate, double momentum, boolean nesterov) {
        this(learningRate, null, momentum, nesterov);
    }

    private TorchSgd(@JsonProperty("learningRate") double learningRate,
                     @JsonProperty("learningRateSchedule") ISchedule learningRateSchedule,
                     @JsonProperty("momentum") double momentum, @JsonProperty("nesterov") boolean nesterov) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("Nesterov momentum needs a momentum above 0");
        }
        this.learningRate = learningRate;
        this.learningRateSchedule = learningRateSchedule;
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @JsonProperty("learningRate")
    public double learningRate() {
        return learningRate;
    }

    @JsonProperty("learningRateSchedule")
    public ISchedule learningRateSchedule() {
        return learningRateSchedule;
    }

    @JsonProperty("momentum")
    public double momentum() {
        return momentum;
    }

    @JsonProperty("nesterov")
    public boolean nesterov() {
        return nesterov;
    }

    @Override
    public long stateSize(long numParams) {
        return momentum > 0 ? numParams : 0;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        Step step = new Step(this);
        if (momentum > 0) {
            INDArray flat = viewArray.reshape(viewArray.length());
            step.setStateViewArray(flat, flat.shape(), flat.ordering(), initializeViewArray);
        }
        return step;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        Step step = new Step(this);
        step.setState(updaterState, initializeStateArrays);
        return step;
    }

    @Override
    public TorchSgd clone() {
        return new TorchSgd(learningRate, learningRateSchedule == null ? null : learningRateSchedule.clone(), momentum,
                nesterov);
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        this.learningRate = lr;
        this.learningRateSchedule = lrSchedule;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchSgd t && Double.compare(t.learningRate, learningRate) == 0
                && Objects.equals(t.learningRateSchedule, learningRateSchedule) && Double.compare(t.momentum, momentum) == 0
                && t.nesterov == nesterov;
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, learningRateSchedule, momentum, nesterov);
    }

    @Override
    public String toString() {
        return "TorchSgd(lr=" + learningRate + ", momentum=" + momentum + ", nesterov=" + nesterov + ")";
    }

    /** One parameter block's step; its state is the momentum buffer. */
    static final class Step implements GradientUpdater<TorchSgd> {
        private final TorchSgd config;
        private INDArray buffer;

        Step(TorchSgd config) {
            this.config = config;
        }

        @Override
        public TorchSgd getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> stateMap, boolean initialize) {
            if (config.momentum == 0) {
                return;
            }
            buffer = stateMap.get(BUFFER);
            if (buffer == null) {
                throw new IllegalStateException("state map needs " + BUFFER + ", has " + stateMap.keySet());
            }
            if (initialize) {
                buffer.assign(0);
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            return buffer == null ? Collections.emptyMap() : Collections.singletonMap(BUFFER, buffer);
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            if (initialize) {
                viewArray.assign(0);
            }
            buffer = Shape.newShapeNoCopy(viewArray, gradientShape, gradientOrder == 'f');
            if (buffer == null) {
                throw new IllegalStateException("cannot reshape the momentum buffer to the gradient's shape");
            }
        }

        /** Turns {@code gradient} into the step DL4J subtracts from the parameters. */
        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            double lr = config.getLearningRate(iteration, epoch);
            if (config.momentum > 0) {
                INDArray g = gradient.reshape(buffer.shape());
                buffer.muli(config.momentum).addi(g);
                if (config.nesterov) {
                    g.addi(buffer.mul(config.momentum));
                } else {
                    g.assign(buffer);
                }
            }
            gradient.muli(lr);
        }
    }
}
