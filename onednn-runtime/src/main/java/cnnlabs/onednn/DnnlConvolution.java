package cnnlabs.onednn;

import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_clip;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_tanh;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One float32 2D convolution layer's forward and backward passes run by oneDNN 2.5 itself, through JavaCPP's
 * {@code dnnl} preset, for {@link FastConvolutionLayer}. Arrays are ND4J's, passed to oneDNN by address with their
 * strides (NCHW, channels-last or any other layout); weights are DL4J's {@code [oC, iC, kH, kW]}.
 *
 * <p>Why: libnd4j M2.1 runs its convolutions through the oneDNN 2.3 it embeds, but decides for us: its
 * {@code conv2d_bp} always computes the input gradient, picks Winograd for small layers where it is slow, and converts
 * the output gradient to oneDNN's blocked layout once for each of its two backward convolutions. Here the choice is
 * ours, made from measurements on this machine (batch 128, oneDNN's verbose timings): Winograd, on blocked arrays each
 * converted once, for the forward and both backward convolutions where oneDNN offers it, the layer has at least 64
 * input channels and at least 7x7 output positions (ResNet-style's 64-channel 28x28 layer: about 42 ms forward and
 * backward against about 71 ms through libnd4j; its 256-channel 7x7 layer 57 ms against 100 ms direct; but the simple
 * CNN's 32-channel layer, 11x11 out, took 3.1 ms for Winograd's backward-data pass against 1.9 ms direct, and its
 * 64-channel 3x3 one 1.0 against 0.5 ms). Elsewhere direct convolutions: forward on the arrays as they lie (channels-last, which
 * oneDNN's brgemm kernels read), backward on blocked arrays where there are at least 16 input channels (1.9 against
 * 3.3 ms) and on the arrays as they lie where fewer (the one-channel first layer would be padded to 16). A backward
 * pass whose input gradient nobody reads (a graph's first layer) computes only the weight and bias gradients, and a
 * ReLU layer's activation is applied by the forward convolution as it writes its output (a oneDNN post-op).
 * Primitives are built once per input shape and layout and kept; converted arrays live in buffers shared by all
 * layers of the thread.
 *
 * <p>This class keeps each layer's primitives by shape and layout and runs them; {@link ConvolutionDescs} describes
 * a convolution to oneDNN and holds the rule above, {@link ConvolutionForward} and {@link ConvolutionBackward} are the
 * built primitives, and {@link Dnnl} the oneDNN engine, streams and buffers all the runtime's primitives share.
 *
 * <p>Winograd's arithmetic rounds differently from a direct convolution (libnd4j's backward pass already used it);
 * {@code FastLayersTest} checks outputs and gradients against DL4J's own layers.
 */
final class DnnlConvolution {

    /** The layer's geometry: kernel, strides and DL4J dilation (1 = none), top-left padding. */
    record Geometry(int[] kernel, int[] strides, int[] dilation, int[] padding) {
    }

    /**
     * An activation oneDNN applies as a primitive writes its output (a post-op): eltwise {@code algorithm} with
     * {@code alpha} and {@code beta} (clip's bounds), or {@link #NONE}.
     */
    record PostOp(int algorithm, float alpha, float beta) {
        static final PostOp NONE = new PostOp(0, 0f, 0f);
        static final PostOp RELU = new PostOp(dnnl_eltwise_relu, 0f, 0f);
        static final PostOp RELU6 = new PostOp(dnnl_eltwise_clip, 0f, 6f);

        /** ReLU for a plain ReLU, tanh, {@link #NONE} for anything else (see {@link DnnlConvolution#postOp}). */
        static PostOp of(org.nd4j.linalg.activations.IActivation activation) {
            int algorithm = postOp(activation);
            return algorithm == 0 ? NONE : new PostOp(algorithm, 0f, 0f);
        }

        boolean none() {
            return algorithm == 0;
        }
    }

    private final boolean depthwise;
    private final Map<String, ConvolutionForward> forwards = new HashMap<>();
    private final Map<String, ConvolutionBackward> backwards = new HashMap<>();
    private final List<String> implementations = new ArrayList<>();

    /** A convolution with DL4J's {@code [oC, iC, kH, kW]} weights. */
    DnnlConvolution() {
        this(false);
    }

    /**
     * A convolution with DL4J's weights: {@code [oC, iC, kH, kW]}, or where {@code depthwise} a depthwise one's
     * {@code [kH, kW, iC, multiplier]} (DL4J's {@code DepthwiseConvolution2D}: output channel {@code c * multiplier +
     * m} convolves input channel {@code c} alone), which oneDNN runs as a grouped convolution of {@code iC} groups.
     */
    DnnlConvolution(boolean depthwise) {
        this.depthwise = depthwise;
    }

    /**
     * Whether this class computes a layer with these arrays: float32 rank-4 arrays with non-negative strides and
     * weights {@code [oC, iC, kH, kW]}.
     */
    static boolean supports(INDArray input, INDArray weights) {
        return Dnnl.available() && input.rank() == 4 && input.dataType() == DataType.FLOAT && weights.rank() == 4
                && weights.dataType() == DataType.FLOAT && Dnnl.nonNegative(input) && Dnnl.nonNegative(weights);
    }

    /**
     * Writes the convolution of {@code input} with {@code weights} plus {@code bias} (null: none) into {@code output}
     * (any layout), passed through the activation {@code postOp} ({@link PostOp#NONE} for none), which oneDNN applies as the convolution writes each
     * output, a post-op, saving a pass over the output); false, with nothing written, where oneDNN has no
     * implementation for it.
     */
    boolean forward(INDArray input, INDArray weights, INDArray bias, INDArray output, Geometry g, boolean training,
                    PostOp postOp) {
        return forward(input, weights, bias, output, g, training, postOp, 0);
    }

    /**
     * {@link #forward(INDArray, INDArray, INDArray, INDArray, Geometry, boolean, PostOp)}, keeping the weights as
     * converted into the primitive's layout where {@code version} is not 0, and converting them again only where
     * this primitive did not convert that version already (the caller vouches that {@code weights} holds the same
     * values wherever it passes the same version: {@link FoldedWeights#version()}). Each input shape has its
     * primitive, so the version, not "unchanged since the last call", says whether a primitive's conversion is
     * current: a validation pass's last, smaller batch runs a primitive last used a whole epoch earlier.
     */
    boolean forward(INDArray input, INDArray weights, INDArray bias, INDArray output, Geometry g, boolean training,
                    PostOp postOp, long version) {
        String key = key(training, input, weights, bias, output) + "|" + postOp;
        ConvolutionForward f = forwards.get(key);
        if (f == null) {
            f = ConvolutionForward.create(ConvolutionDescs.of(input, weights, bias, output, g, depthwise), training,
                    postOp);
            forwards.put(key, f);
            implementations.add("forward " + f.implementation);
        }
        if (!f.usable()) {
            return false;
        }
        f.run(Dnnl.context(), input, weights, bias, output, version);
        return true;
    }

    /**
     * Writes the gradients of a convolution with input {@code input} and gradient at its output {@code delta}: into
     * {@code inputGrad} (null: not computed), {@code weightGrad} and {@code biasGrad} (null: no bias); false, with
     * nothing written, where oneDNN has no implementation for it.
     */
    boolean backward(INDArray input, INDArray weights, INDArray delta, INDArray inputGrad, INDArray weightGrad,
                     INDArray biasGrad, Geometry g) {
        String key = key(true, input, weights, biasGrad, delta, weightGrad, inputGrad);
        ConvolutionBackward b = backwards.get(key);
        if (b == null) {
            b = new ConvolutionBackward(ConvolutionDescs.of(input, weights, biasGrad, delta, g, depthwise), inputGrad);
            backwards.put(key, b);
            implementations.add("backward " + b.implementation);
        }
        if (!b.usable()) {
            return false;
        }
        b.run(Dnnl.context(), input, weights, delta, inputGrad, weightGrad, biasGrad);
        return true;
    }

    /**
     * The oneDNN post-op that applies {@code activation} as a primitive writes its output: ReLU for a plain ReLU,
     * tanh, 0 (none) for anything else (the identity, or an activation the caller applies itself).
     */
    static int postOp(org.nd4j.linalg.activations.IActivation activation) {
        return ActivationDerivatives.isPlainRelu(activation) ? dnnl_eltwise_relu
                : activation instanceof org.nd4j.linalg.activations.impl.ActivationTanH ? dnnl_eltwise_tanh : 0;
    }

    /**
     * Whether oneDNN, asked for the Winograd algorithm by name, has a forward primitive for this convolution on this
     * CPU (oneDNN 2.5 has Winograd kernels for some x86-64 CPUs only, and chooses among its kernels by the CPU it
     * finds). For tests: the layers pick Winograd by the rule in the class comment, never where this is false.
     */
    static boolean offersWinograd(INDArray input, INDArray weights, INDArray output, Geometry g) {
        return Dnnl.available() && ConvolutionDescs.of(input, weights, null, output, g, false).offersWinograd();
    }

    /**
     * The oneDNN implementations of the primitives built so far, in order: "forward IMPL" (with "+src conversion"
     * and "+dst conversion" where the input or output is converted to or from oneDNN's layout) and "backward DATA
     * WEIGHTS" (e.g. {@code jit_wino_4x3:avx512_core}; "none" where oneDNN had none or the pass was not wanted).
     */
    List<String> implementations() {
        return List.copyOf(implementations);
    }

    /** The shapes and strides of {@code arrays} ("-" for a null one), after the training flag. */
    private static String key(boolean training, INDArray... arrays) {
        return (training ? "T|" : "F|") + DnnlArguments.key(arrays);
    }
}
