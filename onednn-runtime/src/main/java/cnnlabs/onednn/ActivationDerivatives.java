package cnnlabs.onednn;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Activation derivatives taken from the activation's output {@code a} rather than its input, for the activations where
 * that is exact: identity ({@code dz = da}), plain ReLU ({@code dz = a > 0 ? da : 0}) and tanh
 * ({@code dz = da * (1 - a^2)}).
 *
 * <p>Why: DL4J's backward pass needs the pre-activation, which the forward pass overwrote in place, so its convolution
 * layer convolves again; and ND4J's {@code relu_bp} op calls a {@code std::function} per element (5.5 ms for 3.2
 * million floats on this machine). A 0/1 step of the output times the gradient is two vectorised passes (2.0 to 3.1
 * ms for 2.8 million floats), faster than ND4J's one-pass compare-and-set, which is not vectorised (3.2 to 3.6 ms).
 * Where oneDNN takes the arrays, the layers use its one-pass derivatives instead ({@link #throughOneDnn}); the ND4J
 * passes here are what remains for the arrays it does not take.
 */
final class ActivationDerivatives {

    private static final ActivationReLU PLAIN_RELU = new ActivationReLU();

    private ActivationDerivatives() {
    }

    /** max(x, 0): DL4J's ReLU without a maximum, slope or threshold. */
    static boolean isPlainRelu(IActivation activation) {
        return activation.getClass() == ActivationReLU.class && activation.equals(PLAIN_RELU);
    }

    /**
     * Whether the activation of layer configuration {@code layer} (a layer with weights or an activation layer) is the
     * identity or the plain ReLU: its derivative from the output reads only where the output is positive.
     */
    static boolean readsOutputSignOnly(org.deeplearning4j.nn.conf.layers.Layer layer) {
        IActivation a = layer instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b ? b.getActivationFn()
                : layer instanceof org.deeplearning4j.nn.conf.layers.ActivationLayer l ? l.getActivationFn() : null;
        return a instanceof ActivationIdentity || a != null && isPlainRelu(a);
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
        if (ChannelsLast.is(a) && ChannelsLast.is(da)) { // element by element, so on the contiguous arrays behind
            return ChannelsLast.nchwView(fromOutput(activation, ChannelsLast.nhwc(a), ChannelsLast.nhwc(da)));
        }
        if (activation instanceof ActivationTanH) {
            return a.mul(a).rsubi(1.0).muli(da);
        }
        if (isPlainRelu(activation)) {
            return reluFromOutput(a, da, a.ulike());
        }
        throw new IllegalArgumentException("no derivative from the output for activation " + activation);
    }

    /**
     * {@code dst = a > 0 ? da : 0} for a plain ReLU's output {@code a} (zero wherever the input was not positive);
     * {@code dst} must not be {@code da}.
     */
    static INDArray reluFromOutput(INDArray a, INDArray da, INDArray dst) {
        if (dst == da) {
            throw new IllegalArgumentException("the ReLU derivative cannot be written over the gradient it reads");
        }
        if (ChannelsLast.is(a) && ChannelsLast.is(da) && ChannelsLast.is(dst)) {
            reluFromOutput(ChannelsLast.nhwc(a), ChannelsLast.nhwc(da), ChannelsLast.nhwc(dst));
            return dst;
        }
        Nd4j.getExecutioner().exec(new Step(a, dst, 0.0));
        Nd4j.getExecutioner().exec(new MulOp(dst, da, dst));
        return dst;
    }

    /**
     * The activation, element by element, in place on a contiguous array. tanh goes to libnd4j's {@code tanh}
     * op, which oneDNN runs vectorised (0.4-0.6 ms for LeNet-5's 442,368 first-layer outputs), where the
     * {@code Tanh} transform DL4J's activation calls computes one float at a time (1.6-2.3 ms); both agree to
     * within 1e-7.
     */
    static void activateInPlace(IActivation activation, INDArray x, boolean training) {
        if (activation instanceof ActivationTanH) {
            Nd4j.exec(DynamicCustomOp.builder("tanh").addInputs(x).addOutputs(x).build());
            return;
        }
        INDArray activated = activation.getActivation(x, training);
        if (activated != x) {
            x.assign(activated);
        }
    }

    /**
     * The derivative from the forward output through oneDNN in one pass ({@link DnnlEltwise}, the layer's own for its
     * activation): a new array laid out as {@code output}; null where the layer has none (an activation other than
     * tanh or plain ReLU) or oneDNN does not take the arrays.
     */
    static INDArray throughOneDnn(INDArray output, INDArray epsilon, LayerWorkspaceMgr workspaceMgr,
                                  DnnlEltwise derivative) {
        if (derivative == null) {
            return null;
        }
        INDArray dy = ChannelsLast.inLayoutOf(output, epsilon, workspaceMgr, ArrayType.BP_WORKING_MEM);
        INDArray delta = ChannelsLast.createInLayoutOf(workspaceMgr, ArrayType.BP_WORKING_MEM, output);
        return derivative.backward(output, dy, delta) ? delta : null;
    }
}
