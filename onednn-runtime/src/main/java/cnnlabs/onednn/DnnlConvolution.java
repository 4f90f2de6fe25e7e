package cnnlabs.onednn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_auto;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_winograd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_tanh;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;

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
 * <p>Winograd's arithmetic rounds differently from a direct convolution (libnd4j's backward pass already used it);
 * {@code FastLayersTest} checks outputs and gradients against DL4J's own layers.
 */
final class DnnlConvolution {

    private static final Logger LOG = LoggerFactory.getLogger(DnnlConvolution.class);
    private static final memory.data_type F32 = memory.data_type.f32;
    /** oneDNN's channel block on AVX-512: layers with fewer input channels pad them up to it in blocked layouts. */
    private static final long BLOCK = 16;
    /** Input channels and output positions (7x7) from which Winograd beat direct convolutions, see the class comment. */
    private static final long WINOGRAD_MIN_CHANNELS = 64;
    private static final long WINOGRAD_MIN_POSITIONS = 49;
    private static volatile Boolean available;
    private static engine cpu;
    private static final ThreadLocal<Context> CONTEXT = ThreadLocal.withInitial(Context::new);

    /** The layer's geometry: kernel, strides and DL4J dilation (1 = none), top-left padding. */
    record Geometry(int[] kernel, int[] strides, int[] dilation, int[] padding) {
    }

    private final boolean depthwise;
    private final Map<String, Forward> forwards = new HashMap<>();
    private final Map<String, Backward> backwards = new HashMap<>();
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

    /** Whether JavaCPP's oneDNN loads on this machine (tried once; the reason it does not is logged once). */
    static boolean available() {
        if (available == null) {
            synchronized (DnnlConvolution.class) {
                if (available == null) {
                    try {
                        cpu = new engine(engine.kind.cpu, 0);
                        available = true;
                    } catch (Throwable e) {
                        LOG.warn("oneDNN (org.bytedeco:dnnl) did not load, so convolutions go through libnd4j: {}",
                                e.toString());
                        available = false;
                    }
                }
            }
        }
        return available;
    }

    /** oneDNN's CPU engine, once {@link #available()} said yes. */
    static engine engine() {
        return cpu;
    }

    /** This thread's oneDNN stream, shared by all layers of the thread (they run one after another). */
    static stream stream() {
        return CONTEXT.get().stream;
    }

    /** The loaded oneDNN's version ("2.5.2"), or "not loaded". */
    static String version() {
        if (!available()) {
            return "not loaded";
        }
        org.bytedeco.dnnl.dnnl_version_t v = org.bytedeco.dnnl.global.dnnl.dnnl_version();
        return v.major() + "." + v.minor() + "." + v.patch();
    }

    /**
     * Whether this class computes a layer with these arrays: float32 rank-4 arrays with non-negative strides and
     * weights {@code [oC, iC, kH, kW]}.
     */
    static boolean supports(INDArray input, INDArray weights) {
        return available() && input.rank() == 4 && input.dataType() == DataType.FLOAT && weights.rank() == 4
                && weights.dataType() == DataType.FLOAT && nonNegative(input) && nonNegative(weights);
    }

    /** Whether none of {@code x}'s strides is negative (oneDNN's descriptions take none). */
    static boolean nonNegative(INDArray x) {
        for (long s : x.stride()) {
            if (s < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes the convolution of {@code input} with {@code weights} plus {@code bias} (null: none) into {@code output}
     * (any layout), passed through the activation {@code postOp} (a oneDNN eltwise algorithm, {@link #postOp}; 0 for
     * none), which oneDNN applies as the convolution writes each
     * output, a post-op, saving a pass over the output); false, with nothing written, where oneDNN has no
     * implementation for it.
     */
    boolean forward(INDArray input, INDArray weights, INDArray bias, INDArray output, Geometry g, boolean training,
                    int postOp) {
        String key = key(training, input, weights, bias, output) + "|" + postOp;
        Forward f = forwards.get(key);
        if (f == null) {
            f = Forward.create(Descs.of(input, weights, bias, output, g, depthwise), training, postOp);
            forwards.put(key, f);
            implementations.add("forward " + f.implementation);
        }
        if (!f.usable()) {
            return false;
        }
        f.run(CONTEXT.get(), input, weights, bias, output);
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
        Backward b = backwards.get(key);
        if (b == null) {
            b = new Backward(Descs.of(input, weights, biasGrad, delta, g, depthwise), inputGrad);
            backwards.put(key, b);
            implementations.add("backward " + b.implementation);
        }
        if (!b.usable()) {
            return false;
        }
        b.run(CONTEXT.get(), input, weights, delta, inputGrad, weightGrad, biasGrad);
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
        if (!available()) {
            return false;
        }
        Descs d = Descs.of(input, weights, null, output, g, false);
        return d.forward(dnnl_forward_training, new primitive_attr(), dnnl_convolution_winograd, any(d.srcDims()),
                any(d.weightDims()), any(d.dstDims())) != null;
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

    /**
     * oneDNN's description of an ND4J array: its dimensions and strides. A one-channel (N, 1, H, W) array is
     * described channels-last (channel stride 1, which any stride describes for a size-1 dimension), so that
     * oneDNN's channels-last kernels take it next to a channels-last output rather than its reference one.
     */
    static memory.desc desc(INDArray a) {
        long[] strides = a.stride().clone();
        if (a.rank() == 4 && a.size(1) == 1) {
            strides[1] = 1;
        }
        return new memory.desc(a.shape(), F32, strides);
    }

    private static memory.desc any(long... dims) {
        return new memory.desc(dims, F32, memory.format_tag.any);
    }

    /** The address of {@code a}'s first element, as a pointer oneDNN takes. */
    static Pointer address(INDArray a) {
        long at = a.data().address() + a.offset() * a.data().getElementSize();
        return new Pointer() {
            {
                address = at;
            }
        };
    }

    private static String impl(org.bytedeco.dnnl.primitive_desc_base pd) {
        return pd.impl_info_str().getString();
    }

    private static long[] longs(int[] v) {
        return new long[] {v[0], v[1]};
    }

    /** The stream and the conversion buffers, shared by all layers of a thread. */
    private static final class Context {
        final stream stream = new stream(cpu);
        final memory[] buffers = new memory[6];
        final long[] sizes = new long[6];
        final Pointer[] handles = new Pointer[6];

        /** Buffer {@code slot}, grown to at least {@code bytes} (oneDNN allocates it, aligned as its kernels like). */
        Pointer buffer(int slot, long bytes) {
            if (sizes[slot] < bytes) {
                buffers[slot] = new memory(new memory.desc(new long[] {bytes}, memory.data_type.u8,
                        memory.format_tag.a), cpu);
                sizes[slot] = bytes;
                handles[slot] = buffers[slot].get_data_handle();
            }
            return handles[slot];
        }
    }

    /**
     * An array as the caller holds it ({@code user}) and as a primitive reads or writes it ({@code op}): the same
     * memory where the layouts agree, else a conversion buffer and the reorder between the two.
     */
    private static final class Operand {
        final memory user;
        final memory op;
        final primitive reorder;
        final IntMemoryMap args;
        final int slot;
        final long bytes;

        Operand(memory.desc userDesc, memory.desc opDesc, boolean toOp, int slot) {
            user = new memory(userDesc, cpu, (Pointer) null);
            this.slot = slot;
            if (userDesc.equals(opDesc)) {
                op = user;
                reorder = null;
                args = null;
                bytes = 0;
            } else {
                op = new memory(opDesc, cpu, (Pointer) null);
                reorder = toOp ? new reorder(user, op) : new reorder(op, user);
                args = new IntMemoryMap();
                args.put(DNNL_ARG_FROM, toOp ? user : op);
                args.put(DNNL_ARG_TO, toOp ? op : user);
                bytes = opDesc.get_size();
            }
        }

        /** Points this operand at {@code a}, converting it into the primitive's layout if it is read. */
        void bind(Context c, INDArray a, boolean read) {
            user.set_data_handle(address(a));
            if (reorder != null) {
                op.set_data_handle(c.buffer(slot, bytes));
                if (read) {
                    reorder.execute(c.stream, args);
                }
            }
        }

        /** Converts a written operand back into the caller's array. */
        void writeBack(Context c) {
            if (reorder != null) {
                reorder.execute(c.stream, args);
            }
        }
    }

    /** The forward primitive for one input shape and layout. */
    private static final class Forward {
        final primitive conv;
        final Operand src;
        final Operand weights;
        final Operand dst;
        final memory bias;
        final IntMemoryMap args = new IntMemoryMap();
        final String implementation;

        private Forward(Descs d, convolution_forward.primitive_desc pd) {
            conv = pd == null ? null : new convolution_forward(pd);
            src = pd == null ? null : new Operand(d.src, pd.src_desc(), true, 0);
            weights = pd == null ? null : new Operand(d.weights, pd.weights_desc(), true, 1);
            dst = pd == null ? null : new Operand(d.dst, pd.dst_desc(), false, 2);
            implementation = pd == null ? "none" : impl(pd) + (src.reorder == null ? "" : " +src conversion")
                    + (dst.reorder == null ? "" : " +dst conversion");
            bias = pd == null || d.bias == null ? null : new memory(pd.bias_desc(), cpu, (Pointer) null);
            if (pd != null) {
                args.put(DNNL_ARG_SRC, src.op);
                args.put(DNNL_ARG_WEIGHTS, weights.op);
                args.put(DNNL_ARG_DST, dst.op);
                if (bias != null) {
                    args.put(DNNL_ARG_BIAS, bias);
                }
            }
        }

        static Forward create(Descs d, boolean training, int postOp) {
            return new Forward(d, d.forward(training ? dnnl_forward_training : dnnl_forward_inference, postOp));
        }

        boolean usable() {
            return conv != null;
        }

        void run(Context c, INDArray input, INDArray w, INDArray b, INDArray out) {
            src.bind(c, input, true);
            weights.bind(c, w, true);
            dst.bind(c, out, false);
            if (bias != null) {
                bias.set_data_handle(address(b));
            }
            conv.execute(c.stream, args);
            dst.writeBack(c);
        }
    }

    /** The backward primitives (input gradient optional) for one input shape and layout. */
    private static final class Backward {
        final primitive data;
        final primitive weights;
        final Operand deltaForData;
        final Operand weightsForData;
        final Operand inputGrad;
        final Operand src;
        final Operand deltaForWeights;
        final Operand weightGrad;
        final memory biasGrad;
        final IntMemoryMap dataArgs = new IntMemoryMap();
        final IntMemoryMap weightArgs = new IntMemoryMap();
        final boolean usable;
        final String implementation;

        private Backward(Descs d, INDArray inputGradArray) {
            convolution_forward.primitive_desc hint = d.forward(dnnl_forward_training, 0);
            convolution_backward_weights.primitive_desc wpd = hint == null ? null : d.backwardWeights(hint);
            convolution_backward_data.primitive_desc dpd = hint == null || wpd == null || inputGradArray == null
                    ? null : d.backwardData(hint);
            usable = wpd != null && (inputGradArray == null || dpd != null);
            implementation = (dpd == null ? "none" : impl(dpd)) + " " + (wpd == null ? "none" : impl(wpd));
            if (!usable) {
                data = weights = null;
                deltaForData = weightsForData = inputGrad = src = deltaForWeights = weightGrad = null;
                biasGrad = null;
                return;
            }
            if (dpd != null) {
                data = new convolution_backward_data(dpd);
                deltaForData = new Operand(d.dst, dpd.diff_dst_desc(), true, 0);
                weightsForData = new Operand(d.weights, dpd.weights_desc(), true, 1);
                inputGrad = new Operand(desc(inputGradArray), dpd.diff_src_desc(), false, 2);
                dataArgs.put(DNNL_ARG_DIFF_DST, deltaForData.op);
                dataArgs.put(DNNL_ARG_WEIGHTS, weightsForData.op);
                dataArgs.put(DNNL_ARG_DIFF_SRC, inputGrad.op);
            } else {
                data = null;
                deltaForData = weightsForData = inputGrad = null;
            }
            weights = new convolution_backward_weights(wpd);
            src = new Operand(d.src, wpd.src_desc(), true, 3);
            // The output gradient converted once where both backward convolutions read it in the same layout.
            deltaForWeights = deltaForData != null && deltaForData.op.get_desc().equals(wpd.diff_dst_desc()) ? null
                    : new Operand(d.dst, wpd.diff_dst_desc(), true, 4);
            weightGrad = new Operand(d.weights, wpd.diff_weights_desc(), false, 5);
            biasGrad = d.bias == null ? null : new memory(wpd.diff_bias_desc(), cpu, (Pointer) null);
            weightArgs.put(DNNL_ARG_SRC, src.op);
            weightArgs.put(DNNL_ARG_DIFF_DST, deltaForWeights == null ? deltaForData.op : deltaForWeights.op);
            weightArgs.put(DNNL_ARG_DIFF_WEIGHTS, weightGrad.op);
            if (biasGrad != null) {
                weightArgs.put(DNNL_ARG_DIFF_BIAS, biasGrad);
            }
        }

        boolean usable() {
            return usable;
        }

        void run(Context c, INDArray input, INDArray w, INDArray delta, INDArray inputGradArray,
                 INDArray weightGradArray, INDArray biasGradArray) {
            if (data != null) {
                deltaForData.bind(c, delta, true);
                weightsForData.bind(c, w, true);
                inputGrad.bind(c, inputGradArray, false);
                data.execute(c.stream, dataArgs);
                inputGrad.writeBack(c);
            }
            src.bind(c, input, true);
            if (deltaForWeights != null) {
                deltaForWeights.bind(c, delta, true);
            }
            weightGrad.bind(c, weightGradArray, false);
            if (biasGrad != null) {
                biasGrad.set_data_handle(address(biasGradArray));
            }
            weights.execute(c.stream, weightArgs);
            weightGrad.writeBack(c);
        }
    }

    /**
     * The descriptions of one convolution, and the rule that picks its primitives (see the class comment); where
     * the rule's choice has only oneDNN's slow reference implementation, a direct convolution on oneDNN's own
     * layouts.
     */
    private record Descs(memory.desc src, memory.desc weights, memory.desc bias, memory.desc dst, long[] strides,
                         long[] dilation, long[] padL, long[] padR, long[] srcDims, long[] weightDims,
                         long[] dstDims, boolean channelsLast) {

        static Descs of(INDArray input, INDArray w, INDArray b, INDArray out, Geometry g, boolean depthwise) {
            long[] padL = longs(g.padding());
            long[] padR = new long[2];
            long[] dilation = new long[2];
            for (int d = 0; d < 2; d++) {
                dilation[d] = g.dilation()[d] - 1L;
                long span = (g.kernel()[d] - 1L) * g.dilation()[d] + 1;
                padR[d] = (out.size(2 + d) - 1) * g.strides()[d] + span - input.size(2 + d) - padL[d];
                if (padR[d] < 0 && padR[d] > -g.strides()[d]) {
                    // the last input rows no window reaches (a 1x1 stride-2 Same convolution of an even size):
                    // oneDNN's output size, (in + padL + padR - span) / stride + 1, rounds down to the same
                    padR[d] = 0;
                }
            }
            memory.desc weights = depthwise ? depthwiseDesc(w) : desc(w);
            long[] weightDims = depthwise ? depthwiseDims(w) : w.shape();
            long outChannels = depthwise ? w.size(2) * w.size(3) : w.size(0);
            return new Descs(desc(input), weights, b == null ? null : new memory.desc(new long[] {outChannels}, F32,
                    memory.format_tag.x), desc(out), longs(g.strides()), dilation, padL, padR, input.shape(),
                    weightDims, out.shape(), ChannelsLast.is(input) && ChannelsLast.is(out));
        }

        /**
         * DL4J's depthwise weights {@code [kH, kW, iC, m]} described, by their strides, as oneDNN's grouped weights
         * {@code [groups = iC, m, 1, kH, kW]}: no copy.
         */
        private static memory.desc depthwiseDesc(INDArray w) {
            long[] st = w.stride();
            long[] strides = {st[2], st[3], st[3] * w.size(3), st[0], st[1]};
            return new memory.desc(depthwiseDims(w), F32, strides);
        }

        private static long[] depthwiseDims(INDArray w) {
            return new long[] {w.size(2), w.size(3), 1, w.size(0), w.size(1)};
        }

        private boolean grouped() {
            return weightDims.length == 5;
        }

        private boolean valid() {
            return padR[0] >= 0 && padR[1] >= 0;
        }

        /**
         * Whether a backward pass asks oneDNN for its blocked layouts: Winograd, or a dense convolution with at least
         * {@link #BLOCK} input channels, but not a pointwise one (1x1, stride 1) on channels-last arrays. A depthwise
         * one takes the arrays as they lie: oneDNN's depthwise kernels read channels-last, in both backward passes
         * (MobileNetV2 trained at 390-530 images/s so, against 240-330 with its depthwise backward passes on blocked
         * arrays, on the Zen 4 EPYC). So does a pointwise one: oneDNN's 1x1 kernels read channels-last too, and on
         * the Zen 4 EPYC both backward passes of MobileNetV2's 1x1 layers (batch 128, oneDNN alone, fastest of 7
         * timings) took 0.29-4.4 ms on the arrays as they lie against 0.53-4.6 ms on blocked ones with their
         * conversions, faster in each of the nine shapes measured.
         */
        private boolean blockedBackward(boolean wino) {
            return wino || !grouped() && srcDims[1] >= BLOCK && !(pointwise() && channelsLast);
        }

        /** A 1x1 convolution of stride 1. */
        private boolean pointwise() {
            return weightDims.length == 4 && weightDims[2] == 1 && weightDims[3] == 1 && strides[0] == 1
                    && strides[1] == 1;
        }

        /**
         * Whether oneDNN's choice on the arrays as they lie is too slow to take: its reference kernels, and for a
         * depthwise convolution its GEMM-based one (what it picks for an NCHW input's weight gradient), where its
         * blocked layouts have a depthwise kernel.
         */
        private boolean slow(String impl) {
            return impl.startsWith("ref") || grouped() && impl.contains("gemm");
        }

        /** Whether Winograd is worth trying: enough input channels and output positions (measured, see above). */
        private boolean winogradCandidate() {
            return !grouped() && srcDims[1] >= WINOGRAD_MIN_CHANNELS && dstDims[2] * dstDims[3] >= WINOGRAD_MIN_POSITIONS;
        }

        /**
         * The forward primitive's description, with the eltwise post-op {@code postOp} (0: none); null where there is
         * none.
         */
        convolution_forward.primitive_desc forward(int prop, int postOp) {
            if (!valid()) {
                return null;
            }
            primitive_attr attr = new primitive_attr();
            if (postOp != 0) {
                post_ops ops = new post_ops();
                ops.append_eltwise(1.0f, postOp, 0.0f, 0.0f);
                attr.set_post_ops(ops);
            }
            if (winogradCandidate()) {
                convolution_forward.primitive_desc blocked = forward(prop, attr, dnnl_convolution_auto, any(srcDims),
                        any(weightDims), any(dstDims));
                if (blocked != null && impl(blocked).contains("wino")) {
                    return blocked;
                }
            }
            convolution_forward.primitive_desc plain = forward(prop, attr, dnnl_convolution_direct, src,
                    any(weightDims), dst);
            return plain != null && !slow(impl(plain)) ? plain
                    : forward(prop, attr, dnnl_convolution_direct, any(srcDims), any(weightDims), any(dstDims));
        }

        private convolution_forward.primitive_desc forward(int prop, primitive_attr attr, int alg, memory.desc s,
                                                           memory.desc w, memory.desc d) {
            try {
                convolution_forward.desc desc = bias == null
                        ? new convolution_forward.desc(prop, alg, s, w, d, strides, dilation, padL, padR)
                        : new convolution_forward.desc(prop, alg, s, w, bias, d, strides, dilation, padL, padR);
                return new convolution_forward.primitive_desc(desc, attr, cpu);
            } catch (RuntimeException e) {
                return null;
            }
        }

        private boolean winograd(convolution_forward.primitive_desc hint) {
            return impl(hint).contains("wino");
        }

        convolution_backward_data.primitive_desc backwardData(convolution_forward.primitive_desc hint) {
            boolean wino = winograd(hint);
            boolean blocked = blockedBackward(wino);
            convolution_backward_data.primitive_desc pd = backwardData(hint, wino ? dnnl_convolution_auto
                    : dnnl_convolution_direct, blocked ? any(srcDims) : src, blocked ? any(dstDims) : dst);
            return pd != null && !slow(impl(pd)) ? pd
                    : backwardData(hint, dnnl_convolution_direct, any(srcDims), any(dstDims));
        }

        private convolution_backward_data.primitive_desc backwardData(convolution_forward.primitive_desc hint, int alg,
                                                                      memory.desc s, memory.desc d) {
            try {
                return new convolution_backward_data.primitive_desc(new convolution_backward_data.desc(alg, s,
                        any(weightDims), d, strides, dilation, padL, padR), cpu, hint);
            } catch (RuntimeException e) {
                return null;
            }
        }

        convolution_backward_weights.primitive_desc backwardWeights(convolution_forward.primitive_desc hint) {
            boolean wino = winograd(hint);
            boolean blocked = blockedBackward(wino);
            convolution_backward_weights.primitive_desc pd = backwardWeights(hint, wino ? dnnl_convolution_auto
                    : dnnl_convolution_direct, blocked ? any(srcDims) : src, blocked ? any(dstDims) : dst);
            return pd != null && !slow(impl(pd)) ? pd
                    : backwardWeights(hint, dnnl_convolution_direct, any(srcDims), any(dstDims));
        }

        private convolution_backward_weights.primitive_desc backwardWeights(convolution_forward.primitive_desc hint,
                                                                            int alg, memory.desc s, memory.desc d) {
            try {
                convolution_backward_weights.desc desc = bias == null
                        ? new convolution_backward_weights.desc(alg, s, any(weightDims), d, strides, dilation, padL,
                                padR)
                        : new convolution_backward_weights.desc(alg, s, any(weightDims), bias, d, strides, dilation,
                                padL, padR);
                return new convolution_backward_weights.primitive_desc(desc, cpu, hint);
            } catch (RuntimeException e) {
                return null;
            }
        }
    }
}
