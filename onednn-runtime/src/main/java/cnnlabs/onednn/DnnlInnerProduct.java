package cnnlabs.onednn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.inner_product_backward_data;
import org.bytedeco.dnnl.inner_product_backward_weights;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_tanh;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_tanh_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;

/**
 * A fully connected layer's passes run by oneDNN 2.5 itself (JavaCPP's {@code dnnl}, as {@link DnnlConvolution}), for
 * {@link FastDenseLayer}: {@code y = f(x W + b)} with {@code f} the identity, a plain ReLU or tanh applied as the
 * product is written (a oneDNN post-op), and its backward pass: {@code f}'s derivative taken from {@code y} (one oneDNN
 * eltwise pass), then the input gradient and the weight and bias gradients (oneDNN's inner-product primitives).
 * Arrays are ND4J's, passed by address with their strides: input and output (N, C) in any layout, DL4J's
 * {@code [nIn, nOut]} weights (oneDNN's {@code [OC, IC]} read through their strides, never converted), the bias and
 * its gradient as vectors. Primitives are built once per shape and layout and kept; where oneDNN has only its
 * reference implementation for them, nothing is run and the caller takes DL4J's path.
 *
 * <p>Why: DL4J's dense layer runs each step as a string of separate ND4J operations: the product, the bias, tanh
 * through a transform that computes one float at a time, then in its backward pass the product again (it recomputes
 * the pre-activation), the activation's derivative, a bias sum along an axis (one float at a time) and two more
 * products. For LeNet-5's small layers that string was a quarter of a training step.
 */
final class DnnlInnerProduct {

    private static final memory.data_type F32 = memory.data_type.f32;

    /** oneDNN's eltwise algorithm for the activation, or 0 for the identity. */
    private final int algorithm;
    /** The same activation as its backward pass sees it: the derivative from the output. */
    private final int fromOutput;
    private final Map<String, Forward> forwards = new HashMap<>();
    private final Map<String, Backward> backwards = new HashMap<>();
    private final List<String> implementations = new ArrayList<>();

    /**
     * The product through {@code activation} (identity, plain ReLU or tanh: {@link ActivationDerivatives#supported}),
     * applied as the convolutions apply it ({@link DnnlConvolution#postOp}).
     */
    DnnlInnerProduct(org.nd4j.linalg.activations.IActivation activation) {
        if (!ActivationDerivatives.supported(activation)) {
            throw new IllegalArgumentException("no oneDNN inner product for activation " + activation);
        }
        algorithm = DnnlConvolution.postOp(activation);
        fromOutput = algorithm == dnnl_eltwise_relu ? dnnl_eltwise_relu_use_dst_for_bwd
                : algorithm == dnnl_eltwise_tanh ? dnnl_eltwise_tanh_use_dst_for_bwd : 0;
    }

    /** Whether oneDNN takes these arrays: float32 matrices (weights too) with non-negative strides. */
    static boolean supports(INDArray input, INDArray weights) {
        return Dnnl.available() && input.rank() == 2 && weights.rank() == 2
                && input.dataType() == DataType.FLOAT && weights.dataType() == DataType.FLOAT
                && input.size(1) == weights.size(0) && Dnnl.nonNegative(input)
                && Dnnl.nonNegative(weights);
    }

    /**
     * Writes {@code f(input weights + bias)} ({@code bias} null: none) into {@code output} (N, nOut); false, with
     * nothing written, where oneDNN has only its reference implementation.
     */
    boolean forward(INDArray input, INDArray weights, INDArray bias, INDArray output, boolean training) {
        String key = (training ? "T|" : "I|") + DnnlArguments.key(input, weights, bias, output);
        Forward f = forwards.get(key);
        if (f == null) {
            f = new Forward(input, weights, bias, output, training);
            forwards.put(key, f);
            implementations.add("forward " + f.implementation);
        }
        if (f.primitive == null) {
            return false;
        }
        f.src.set_data_handle(Dnnl.address(input));
        f.weights.set_data_handle(Dnnl.address(weights));
        f.dst.set_data_handle(Dnnl.address(output));
        if (f.bias != null) {
            f.bias.set_data_handle(Dnnl.address(bias));
        }
        f.primitive.execute(Dnnl.stream(), f.args);
        return true;
    }

    /**
     * The gradients for the forward output {@code output} and the gradient {@code outputGrad} at it: the gradient
     * at the pre-activation into {@code delta} (an array laid out as {@code output}; unused for the identity, whose
     * delta is {@code outputGrad} itself), then the gradient at the input into {@code inputGrad} (null: not computed),
     * and the weight and bias gradients into {@code weightGrad} and {@code biasGrad} (null: no bias). False, with
     * nothing written, where oneDNN has only its reference implementation.
     */
    boolean backward(INDArray input, INDArray weights, INDArray output, INDArray outputGrad, INDArray delta,
                     INDArray inputGrad, INDArray weightGrad, INDArray biasGrad) {
        String key = DnnlArguments.key(input, weights, output, outputGrad, delta, inputGrad, weightGrad, biasGrad);
        Backward b = backwards.get(key);
        if (b == null) {
            b = new Backward(input, weights, output, outputGrad, delta, inputGrad, weightGrad, biasGrad);
            backwards.put(key, b);
            implementations.add("backward " + b.implementation);
        }
        if (!b.usable) {
            return false;
        }
        b.delta.set_data_handle(Dnnl.address(b.activation == null ? outputGrad : delta));
        if (b.activation != null) {
            b.dst.set_data_handle(Dnnl.address(output));
            b.diffDst.set_data_handle(Dnnl.address(outputGrad));
            b.activation.execute(Dnnl.stream(), b.activationArgs);
        }
        if (b.data != null) {
            b.weightsForData.set_data_handle(Dnnl.address(weights));
            b.inputGrad.set_data_handle(Dnnl.address(inputGrad));
            b.data.execute(Dnnl.stream(), b.dataArgs);
        }
        b.src.set_data_handle(Dnnl.address(input));
        b.weightGrad.set_data_handle(Dnnl.address(weightGrad));
        if (b.biasGrad != null) {
            b.biasGrad.set_data_handle(Dnnl.address(biasGrad));
        }
        b.weights.execute(Dnnl.stream(), b.weightArgs);
        return true;
    }

    /** The oneDNN implementations of the primitives built so far, in order ("none" where oneDNN had none). */
    List<String> implementations() {
        return List.copyOf(implementations);
    }

    /** A matrix as it lies: its dimensions and strides. */
    private static memory.desc matrix(INDArray a) {
        return new memory.desc(a.shape(), F32, a.stride());
    }

    /** DL4J's {@code [nIn, nOut]} weights as oneDNN's {@code [OC, IC]}: the same floats, the strides swapped. */
    private static memory.desc weights(INDArray w) {
        return new memory.desc(new long[] {w.size(1), w.size(0)}, F32, new long[] {w.stride(1), w.stride(0)});
    }

    private static memory.desc vector(long length) {
        return new memory.desc(new long[] {length}, F32, memory.format_tag.x);
    }

    private static memory bound(memory.desc d) {
        return new memory(d, Dnnl.engine(), (Pointer) null);
    }

    private static String impl(org.bytedeco.dnnl.primitive_desc_base pd) {
        return pd == null ? "none" : pd.impl_info_str().getString();
    }

    /** The forward description (the hint the backward passes need too), with the activation as a post-op. */
    private inner_product_forward.primitive_desc forwardDesc(INDArray input, INDArray w, boolean hasBias,
                                                             INDArray output, boolean training) {
        return DnnlArguments.notReference(() -> {
            primitive_attr attr = new primitive_attr();
            if (algorithm != 0) {
                post_ops ops = new post_ops();
                ops.append_eltwise(1.0f, algorithm, 0.0f, 0.0f);
                attr.set_post_ops(ops);
            }
            int prop = training ? dnnl_forward_training : dnnl_forward_inference;
            inner_product_forward.desc d = hasBias
                    ? new inner_product_forward.desc(prop, matrix(input), weights(w), vector(w.size(1)), matrix(output))
                    : new inner_product_forward.desc(prop, matrix(input), weights(w), matrix(output));
            return new inner_product_forward.primitive_desc(d, attr, Dnnl.engine());
        });
    }

    /** The forward primitive for one shape and layout. */
    private final class Forward {
        final primitive primitive;
        final memory src;
        final memory weights;
        final memory bias;
        final memory dst;
        final IntMemoryMap args = new IntMemoryMap();
        final String implementation;

        Forward(INDArray input, INDArray w, INDArray b, INDArray output, boolean training) {
            inner_product_forward.primitive_desc pd = forwardDesc(input, w, b != null, output, training);
            implementation = impl(pd);
            primitive = pd == null ? null : new inner_product_forward(pd);
            src = bound(matrix(input));
            weights = bound(weights(w));
            dst = bound(matrix(output));
            bias = b == null ? null : bound(vector(w.size(1)));
            args.put(DNNL_ARG_SRC, src);
            args.put(DNNL_ARG_WEIGHTS, weights);
            args.put(DNNL_ARG_DST, dst);
            if (bias != null) {
                args.put(DNNL_ARG_BIAS, bias);
            }
        }
    }

    /** The backward primitives (activation derivative, input gradient optional) for one shape and layout. */
    private final class Backward {
        final boolean usable;
        final String implementation;
        final primitive activation;
        final memory dst;
        final memory diffDst;
        /** The gradient at the pre-activation: the activation's pass writes it, both products read it. */
        final memory delta;
        final IntMemoryMap activationArgs = new IntMemoryMap();
        final primitive data;
        final memory weightsForData;
        final memory inputGrad;
        final IntMemoryMap dataArgs = new IntMemoryMap();
        final primitive weights;
        final memory src;
        final memory weightGrad;
        final memory biasGrad;
        final IntMemoryMap weightArgs = new IntMemoryMap();

        Backward(INDArray input, INDArray w, INDArray output, INDArray outputGrad, INDArray deltaArray,
                 INDArray inputGradArray, INDArray weightGradArray, INDArray biasGradArray) {
            INDArray d = algorithm == 0 ? outputGrad : deltaArray;
            inner_product_forward.primitive_desc hint = forwardDesc(input, w, biasGradArray != null, d, true);
            eltwise_backward.primitive_desc apd = algorithm == 0 || hint == null ? null
                    : DnnlArguments.notReference(() -> new eltwise_backward.primitive_desc(new eltwise_backward.desc(
                            fromOutput, matrix(outputGrad), matrix(output), 0.0f, 0.0f), Dnnl.engine(),
                            new eltwise_forward.primitive_desc(new eltwise_forward.desc(dnnl_forward_training,
                                    fromOutput, matrix(output), 0.0f, 0.0f), Dnnl.engine())));
            inner_product_backward_data.primitive_desc dpd = hint == null || inputGradArray == null ? null
                    : DnnlArguments.notReference(() -> new inner_product_backward_data.primitive_desc(
                            new inner_product_backward_data.desc(matrix(inputGradArray), weights(w), matrix(d)),
                            Dnnl.engine(), hint));
            inner_product_backward_weights.primitive_desc wpd = hint == null ? null
                    : DnnlArguments.notReference(() -> new inner_product_backward_weights.primitive_desc(
                            biasGradArray == null
                                    ? new inner_product_backward_weights.desc(matrix(input), weights(weightGradArray),
                                            matrix(d))
                                    : new inner_product_backward_weights.desc(matrix(input), weights(weightGradArray),
                                            vector(w.size(1)), matrix(d)),
                            Dnnl.engine(), hint));
            usable = hint != null && (algorithm == 0 || apd != null) && (inputGradArray == null || dpd != null)
                    && wpd != null && (algorithm == 0 || matrix(deltaArray).equals(matrix(outputGrad)));
            implementation = (algorithm == 0 ? "" : impl(apd) + " ") + impl(dpd) + " " + impl(wpd);
            activation = usable && apd != null ? new eltwise_backward(apd) : null;
            dst = bound(matrix(output));
            diffDst = bound(matrix(outputGrad));
            delta = bound(matrix(d));
            activationArgs.put(DNNL_ARG_DST, dst);
            activationArgs.put(DNNL_ARG_DIFF_DST, diffDst);
            activationArgs.put(DNNL_ARG_DIFF_SRC, delta);
            data = usable && dpd != null ? new inner_product_backward_data(dpd) : null;
            weightsForData = bound(weights(w));
            inputGrad = inputGradArray == null ? null : bound(matrix(inputGradArray));
            dataArgs.put(DNNL_ARG_DIFF_DST, delta);
            dataArgs.put(DNNL_ARG_WEIGHTS, weightsForData);
            if (inputGrad != null) {
                dataArgs.put(DNNL_ARG_DIFF_SRC, inputGrad);
            }
            weights = usable ? new inner_product_backward_weights(wpd) : null;
            src = bound(matrix(input));
            weightGrad = bound(weights(weightGradArray));
            biasGrad = biasGradArray == null ? null : bound(vector(w.size(1)));
            weightArgs.put(DNNL_ARG_SRC, src);
            weightArgs.put(DNNL_ARG_DIFF_DST, delta);
            weightArgs.put(DNNL_ARG_DIFF_WEIGHTS, weightGrad);
            if (biasGrad != null) {
                weightArgs.put(DNNL_ARG_DIFF_BIAS, biasGrad);
            }
        }
    }
}
