package cnnlabs.onednn;

import static cnnlabs.onednn.Dnnl.F32;
import static cnnlabs.onednn.Dnnl.desc;
import static cnnlabs.onednn.Dnnl.impl;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_auto;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_winograd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;

import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The oneDNN descriptions of one convolution ({@link DnnlConvolution}), and the rule that picks its primitives: the
 * algorithm (Winograd or direct) and the layouts each pass works in (the arrays as they lie, or oneDNN's blocked
 * ones); where the rule's choice has only oneDNN's slow reference implementation, a direct convolution on oneDNN's own
 * layouts. Depthwise weights are described here too, by their strides. The measurements behind the rule are in
 * {@link DnnlConvolution}'s class comment.
 */
record ConvolutionDescs(memory.desc src, memory.desc weights, memory.desc bias, memory.desc dst, long[] strides,
                        long[] dilation, long[] padL, long[] padR, long[] srcDims, long[] weightDims,
                        long[] dstDims, boolean channelsLast, boolean outputChannelsLast) {

    /** oneDNN's channel block on AVX-512: layers with fewer input channels pad them up to it in blocked layouts. */
    private static final long BLOCK = 16;
    /** Input channels and output positions (7x7) from which Winograd beat direct convolutions. */
    private static final long WINOGRAD_MIN_CHANNELS = 64;
    private static final long WINOGRAD_MIN_POSITIONS = 49;

    static ConvolutionDescs of(INDArray input, INDArray w, INDArray b, INDArray out, DnnlConvolution.Geometry g,
                               boolean depthwise) {
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
        memory.desc bias = b == null ? null : new memory.desc(new long[] {outChannels}, F32, memory.format_tag.x);
        return new ConvolutionDescs(desc(input), weights, bias, desc(out), longs(g.strides()), dilation, padL, padR,
                input.shape(), weightDims, out.shape(), ChannelsLast.is(input) && ChannelsLast.is(out),
                ChannelsLast.is(out));
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

    /** Whether Winograd is worth trying: enough input channels and output positions ({@link DnnlConvolution}). */
    private boolean winogradCandidate() {
        return !grouped() && srcDims[1] >= WINOGRAD_MIN_CHANNELS && dstDims[2] * dstDims[3] >= WINOGRAD_MIN_POSITIONS;
    }

    /**
     * The forward primitive's description, with the eltwise post-op {@code postOp}; null where there is none.
     */
    convolution_forward.primitive_desc forward(int prop, DnnlConvolution.PostOp postOp) {
        if (!valid()) {
            return null;
        }
        primitive_attr attr = new primitive_attr();
        if (!postOp.none()) {
            post_ops ops = new post_ops();
            ops.append_eltwise(1.0f, postOp.algorithm(), postOp.alpha(), postOp.beta());
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
        if (plain != null && !slow(impl(plain))) {
            return plain;
        }
        convolution_forward.primitive_desc converted = convertsInput()
                ? forward(prop, attr, dnnl_convolution_direct, nhwc(srcDims), any(weightDims), dst) : null;
        return converted != null && !slow(impl(converted)) ? converted
                : forward(prop, attr, dnnl_convolution_direct, any(srcDims), any(weightDims), any(dstDims));
    }

    /**
     * Whether the forward pass converts an NCHW input of a few channels (a first layer's image) beside a channels-last
     * output channels-last: oneDNN's channels-last kernel then writes the output where it lies, where on oneDNN's own
     * layouts the whole output was converted. SmallCNN's first layer (128 x 3 x 32 x 32 in, 32 channels out, on the
     * Zen 4): the input's conversion takes about 0.15 ms where the output's took 0.8. The backward passes keep
     * oneDNN's own layouts: its channels-last weight gradient for such a layer took 3.2 ms against 1.4 ms plus a
     * 1.0 ms conversion of the output gradient.
     */
    private boolean convertsInput() {
        return outputChannelsLast && !channelsLast && !grouped() && srcDims[1] < BLOCK;
    }

    private static memory.desc nhwc(long[] dims) {
        return new memory.desc(dims, F32, memory.format_tag.nhwc);
    }

    private convolution_forward.primitive_desc forward(int prop, primitive_attr attr, int alg, memory.desc s,
                                                       memory.desc w, memory.desc d) {
        try {
            convolution_forward.desc desc = bias == null
                    ? new convolution_forward.desc(prop, alg, s, w, d, strides, dilation, padL, padR)
                    : new convolution_forward.desc(prop, alg, s, w, bias, d, strides, dilation, padL, padR);
            return new convolution_forward.primitive_desc(desc, attr, Dnnl.engine());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether oneDNN, asked for the Winograd algorithm by name, has a forward primitive for this convolution on this
     * CPU (see {@link DnnlConvolution#offersWinograd}).
     */
    boolean offersWinograd() {
        return forward(dnnl_forward_training, new primitive_attr(), dnnl_convolution_winograd, any(srcDims),
                any(weightDims), any(dstDims)) != null;
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
                    any(weightDims), d, strides, dilation, padL, padR), Dnnl.engine(), hint);
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
            return new convolution_backward_weights.primitive_desc(desc, Dnnl.engine(), hint);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A description that leaves the layout to oneDNN. */
    static memory.desc any(long... dims) {
        return new memory.desc(dims, F32, memory.format_tag.any);
    }

    private static long[] longs(int[] v) {
        return new long[] {v[0], v[1]};
    }
}
