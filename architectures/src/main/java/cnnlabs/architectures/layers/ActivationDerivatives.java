package cnnlabs.architectures.layers;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.comparison.CompareAndSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Activation derivatives taken from the activation's output {@code a} rather than its input, for the activations where
 * that is exact: identity ({@code dz = da}), plain ReLU ({@code dz = a > 0 ? da : 0}) and tanh
 * ({@code dz = da * (1 - a^2)}).
 *
 * <p>Why: DL4J's backward pass needs the pre-activation, which the forward pass overwrote in place, so its convolution
 * layer convolves again; and ND4J's {@code relu_bp} op calls a {@code std::function} per element, about twice as
 * slow as the vectorised compare-and-set used here (5.5 ms against 2.4 ms for 3.2 million floats on this machine).
 */
final class ActivationDerivatives {

    private static final ActivationReLU PLAIN_RELU = new ActivationReLU();

    private ActivationDerivatives() {
    }

    /** max(x, 0): DL4J's ReLU without a maximum, slope or threshold. */
    static boolean isPlainRelu(IActivation activation) {
        return activation.getClass() == ActivationReLU.class && activation.equals(PLAIN_RELU);
    }

    /** Whether {@link #fromOutput} can take {@code activation}'s derivative from its output. */
    static boolean supported(IActivation activation) {
        return activation instanceof ActivationIdentity || activation instanceof ActivationTanH || isPlainRelu(activation);
    }

    /**
     * dL/dz for the activation output {@code a} and the gradient {@code da} at it: {@code da} itself for the identity,
     * otherwise a new array like {@code a} ({@code a} and {@code da} are left unchanged).
     */
    static INDArray fromOutput(IActivation activation, INDArray a, INDArray da) {
        if (activation instanceof ActivationIdentity) {
            return da;
        }
        if (activation instanceof ActivationTanH) {
            return a.mul(a).rsubi(1.0).muli(da);
        }
        if (isPlainRelu(activation)) {
            return reluFromOutput(a, da, a.ulike());
        }
        throw new IllegalArgumentException("no derivative from the output for activation " + activation);
    }

    /** {@code dst = a > 0 ? da : 0} for a plain ReLU's output {@code a} (zero wherever the input was not positive). */
    static INDArray reluFromOutput(INDArray a, INDArray da, INDArray dst) {
        // CompareAndSet(x, y, z, c): z = c(y) ? y : x; where a <= 0 it is 0, so z takes a's 0 there and da elsewhere.
        Nd4j.getExecutioner().exec(new CompareAndSet(da, a, dst, Conditions.lessThanOrEqual(0)));
        return dst;
    }
}
