package cnnlabs.training.optim;

import cnnlabs.settings.SettingsParser;
import java.util.Optional;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/** The DL4J updater and the weight-decay step for an {@link Optimizer} setting. */
public final class Optimizers {

    private Optimizers() {
    }

    /**
     * The updater the graph is built with: Keras' Adam (beta1 0.9, beta2 0.999, epsilon 1e-7) for adam and adamw,
     * {@link TorchSgd} for sgd and nesterov.
     */
    public static IUpdater updater(Optimizer optimizer, double learningRate) {
        return switch (optimizer.kind()) {
            case ADAM, ADAMW -> new Adam(learningRate, 0.9, 0.999, 1e-7);
            case SGD -> new TorchSgd(learningRate, optimizer.momentum(), false);
            case NESTEROV -> new TorchSgd(learningRate, optimizer.momentum(), true);
        };
    }

    /** The listener that applies the optimiser's weight decay during training, if it has one. */
    public static Optional<WeightDecay> weightDecay(Optimizer optimizer) {
        if (optimizer.weightDecay() == 0) {
            return Optional.empty();
        }
        return Optional.of(new WeightDecay(optimizer.weightDecay(), optimizer.kind() == Optimizer.Kind.ADAMW));
    }

    /** The listener that clips the gradient before each step, if the optimiser clips. */
    public static Optional<GradientClipping> clipping(Optimizer optimizer) {
        if (optimizer.clipNorm() == 0 && optimizer.clipValue() == 0) {
            return Optional.empty();
        }
        return Optional.of(new GradientClipping(optimizer.clipNorm(), optimizer.clipValue()));
    }

    /** A short description for tables: "Adam 0.001", "SGD 0.1 (momentum 0.9, weight decay 0.0005)". */
    public static String describe(Optimizer optimizer, double learningRate) {
        String name = switch (optimizer.kind()) {
            case ADAM -> "Adam";
            case ADAMW -> "AdamW";
            case SGD -> "SGD";
            case NESTEROV -> "SGD (Nesterov)";
        };
        StringBuilder s = new StringBuilder(name).append(' ').append(SettingsParser.shortest(learningRate));
        boolean sgd = optimizer.kind() == Optimizer.Kind.SGD || optimizer.kind() == Optimizer.Kind.NESTEROV;
        if (sgd || optimizer.weightDecay() > 0) {
            s.append(" (");
            if (sgd) {
                s.append("momentum ").append(SettingsParser.shortest(optimizer.momentum()));
            }
            if (optimizer.weightDecay() > 0) {
                s.append(sgd ? ", " : "").append("weight decay ").append(SettingsParser.shortest(optimizer.weightDecay()));
            }
            s.append(')');
        }
        return s.toString();
    }

}
