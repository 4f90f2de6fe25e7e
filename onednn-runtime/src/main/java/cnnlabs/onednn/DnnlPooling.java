package cnnlabs.onednn;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_v2_backward;
import org.bytedeco.dnnl.pooling_v2_forward;
import org.bytedeco.dnnl.primitive;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_pooling_avg_exclude_padding;
import static org.bytedeco.dnnl.global.dnnl.dnnl_pooling_avg_include_padding;
import static org.bytedeco.dnnl.global.dnnl.dnnl_pooling_max;

/**
 * One float32 2D pooling layer's passes, max or average, run by oneDNN 2.5 itself (JavaCPP's {@code dnnl}, as
 * {@link DnnlConvolution}), for {@link FastSubsamplingLayer}. Arrays are ND4J's (N, C, H, W), passed by address with
 * their strides.
 *
 * <p>Why: libnd4j's max-pooling backward op runs oneDNN's forward pooling again to find where each window's
 * maximum was (the simple CNN's two pooling layers: 1.7 ms of a 36-42 ms training step). Here the training forward
 * pass keeps oneDNN's record of those positions (its workspace, one per layer) and the backward pass reads it; it is
 * used only for the input the forward pass saw ({@link KeptArray}), and any other backward pass returns false (the
 * caller then runs libnd4j's op, which pools again). Average pooling needs no record: its backward pass spreads each
 * gradient over its window, divided by the window's size (padding counted or not, as DL4J's layer says); libnd4j's
 * ops for it, which LeNet-5's two layers ran on before, work outside oneDNN.
 */
final class DnnlPooling {

    private final int algorithm;
    private final Map<String, Pass> built = new HashMap<>();
    private final KeptArray workspaceInput = new KeptArray();
    private memory workspace;

    /** Max pooling. */
    static DnnlPooling max() {
        return new DnnlPooling(dnnl_pooling_max);
    }

    /** Average pooling, dividing by the whole window where {@code includePadding}, else by its part inside the input. */
    static DnnlPooling average(boolean includePadding) {
        return new DnnlPooling(includePadding ? dnnl_pooling_avg_include_padding : dnnl_pooling_avg_exclude_padding);
    }

    private DnnlPooling(int algorithm) {
        this.algorithm = algorithm;
    }

    /**
     * Pools {@code input} into {@code output}; in training, for max pooling, records where the maxima were for
     * {@link #backward}. False, with nothing written, where oneDNN has only its reference implementation for these
     * layouts.
     */
    boolean forward(INDArray input, INDArray output, DnnlConvolution.Geometry g, boolean training) {
        Pass p = pass(false, training, input, output, g);
        if (p.primitive == null) {
            return false;
        }
        p.args.bind(DNNL_ARG_SRC, input);
        p.args.bind(DNNL_ARG_DST, output);
        workspaceInput.forget();
        if (p.workspace != null) {
            workspace = p.workspace;
            p.args.set(DNNL_ARG_WORKSPACE, workspace);
            workspaceInput.keep(output, input);
        }
        p.primitive.execute(Dnnl.stream(), p.args.map);
        return true;
    }

    /**
     * The gradient at the pooling's input, for gradient {@code delta} at its output, into {@code inputGrad}; false,
     * with nothing written, where oneDNN has only its reference implementation, or, for max pooling, where the last
     * training forward pass did not see {@code input}.
     */
    boolean backward(INDArray input, INDArray delta, INDArray inputGrad, DnnlConvolution.Geometry g) {
        if (algorithm == dnnl_pooling_max && workspaceInput.forInput(input) == null) {
            return false;
        }
        Pass p = pass(true, true, inputGrad, delta, g);
        if (p.primitive == null) {
            return false;
        }
        p.args.bind(DNNL_ARG_DIFF_DST, delta);
        p.args.bind(DNNL_ARG_DIFF_SRC, inputGrad);
        if (algorithm == dnnl_pooling_max) {
            p.args.set(DNNL_ARG_WORKSPACE, workspace);
        }
        p.primitive.execute(Dnnl.stream(), p.args.map);
        return true;
    }

    /** The pass between {@code src} (input or its gradient) and {@code dst} (output or its gradient). */
    private Pass pass(boolean backward, boolean training, INDArray src, INDArray dst, DnnlConvolution.Geometry g) {
        String key = (backward ? "B" : training ? "T" : "I") + DnnlArguments.key(src, dst)
                + Arrays.toString(g.kernel()) + Arrays.toString(g.strides()) + Arrays.toString(g.dilation())
                + Arrays.toString(g.padding());
        return built.computeIfAbsent(key, k -> new Pass(algorithm, backward, training, src, dst, g));
    }

    /** The primitive of one pass for one shape, layout and window; null where oneDNN offers only its reference one. */
    private static final class Pass {
        final primitive primitive;
        final memory workspace;
        final DnnlArguments args = new DnnlArguments();

        Pass(int algorithm, boolean backward, boolean training, INDArray src, INDArray dst,
             DnnlConvolution.Geometry g) {
            long[] strides = {g.strides()[0], g.strides()[1]};
            long[] kernel = {g.kernel()[0], g.kernel()[1]};
            long[] dilation = new long[2];
            long[] padL = {g.padding()[0], g.padding()[1]};
            long[] padR = new long[2];
            for (int d = 0; d < 2; d++) {
                dilation[d] = g.dilation()[d] - 1L;
                long span = (kernel[d] - 1) * g.dilation()[d] + 1;
                padR[d] = Math.max(0, (dst.size(2 + d) - 1) * strides[d] + span - src.size(2 + d) - padL[d]);
            }
            memory.desc srcDesc = Dnnl.desc(src);
            memory.desc dstDesc = Dnnl.desc(dst);
            pooling_v2_forward.primitive_desc fpd = DnnlArguments.notReference(() -> new pooling_v2_forward.primitive_desc(
                    new pooling_v2_forward.desc(training ? dnnl_forward_training : dnnl_forward_inference,
                            algorithm, srcDesc, dstDesc, strides, kernel, dilation, padL, padR),
                    Dnnl.engine()));
            if (fpd == null) {
                primitive = null;
                workspace = null;
            } else if (!backward) {
                primitive = new pooling_v2_forward(fpd);
                workspace = training && algorithm == dnnl_pooling_max
                        ? new memory(fpd.workspace_desc(), Dnnl.engine()) : null;
            } else {
                pooling_v2_backward.primitive_desc bpd = DnnlArguments.notReference(() -> new pooling_v2_backward.primitive_desc(
                        new pooling_v2_backward.desc(algorithm, srcDesc, dstDesc, strides, kernel, dilation, padL,
                                padR), Dnnl.engine(), fpd));
                primitive = bpd == null ? null : new pooling_v2_backward(bpd);
                workspace = null;
            }
        }
    }
}
