package cnnlabs.onednn;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_scale;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_shift;

/**
 * One float32 batch-normalisation layer's training passes run by oneDNN 2.5 itself (JavaCPP's {@code dnnl}, as
 * {@link DnnlConvolution}), for {@link FastBatchNormHelper}: forward, the batch mean and biased variance per channel
 * and the normalised, scaled and shifted output; backward, the input gradient and the gradients of gamma and beta.
 * Arrays are ND4J's (N, C, H, W), NCHW or channels-last, passed by address with their strides; the per-channel
 * vectors are contiguous float arrays of length C.
 *
 * <p>Why: oneDNN's batch norm reads the batch twice for the statistics (the variance centred, in one fused kernel)
 * and once more to write the output, and backward reads input and output gradient twice and writes once: for
 * ResNet-style's 128x64x28x28 channels-last batch 2.8 ms forward and 4.3 ms backward, against 10.3 and 15.2 ms for
 * the matrix-product sums and libnd4j's affine maps of {@link FastBatchNormHelper}'s own path, which make about
 * eighteen passes over the array. Primitives are built once per shape, layout and epsilon and kept.
 */
final class DnnlBatchNorm {

    private static final int FLAGS = dnnl_use_scale | dnnl_use_shift;

    private final Map<String, Pass> built = new HashMap<>();

    /**
     * Whether oneDNN takes these arrays: float32 rank-4 activations with non-negative strides, and float vectors
     * of length C, each contiguous.
     */
    static boolean supports(INDArray x, INDArray... vectors) {
        if (!Dnnl.available() || x.rank() != 4 || x.dataType() != DataType.FLOAT
                || !Dnnl.nonNegative(x)) {
            return false;
        }
        for (INDArray v : vectors) {
            if (v == null || v.dataType() != DataType.FLOAT || v.length() != x.size(1)
                    || v.length() > 1 && v.elementWiseStride() != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code out = (x - mean) / sqrt(var + eps) * gamma + beta} per channel with the batch's mean and biased
     * variance, which are written to {@code mean} and {@code var}; false, with nothing written, where oneDNN has only
     * its reference implementation for these layouts.
     */
    boolean forward(INDArray x, INDArray gamma, INDArray beta, double eps, INDArray out, INDArray mean,
                    INDArray var) {
        Pass p = pass(false, x, x, out, eps);
        if (p.primitive == null) {
            return false;
        }
        p.args.bind(DNNL_ARG_SRC, x);
        p.args.bind(DNNL_ARG_DST, out);
        p.args.bind(DNNL_ARG_SCALE, gamma);
        p.args.bind(DNNL_ARG_SHIFT, beta);
        p.args.bind(DNNL_ARG_MEAN, mean);
        p.args.bind(DNNL_ARG_VARIANCE, var);
        p.primitive.execute(Dnnl.stream(), p.args.map);
        return true;
    }

    /**
     * The gradients of {@link #forward} at input {@code x}, with the batch's {@code mean} and {@code var}, for
     * output gradient {@code dy}: into {@code dx}, {@code dGamma} and {@code dBeta}; false, with nothing written,
     * where oneDNN has only its reference implementation for these layouts.
     */
    boolean backward(INDArray x, INDArray dy, INDArray gamma, INDArray beta, INDArray mean, INDArray var, double eps,
                     INDArray dx, INDArray dGamma, INDArray dBeta) {
        Pass p = pass(true, x, dy, dx, eps);
        if (p.primitive == null) {
            return false;
        }
        p.args.bind(DNNL_ARG_SRC, x);
        p.args.bind(DNNL_ARG_DIFF_DST, dy);
        p.args.bind(DNNL_ARG_SCALE, gamma);
        // oneDNN 2.5's argument check asks for the shift too, though the backward pass does not read it
        p.args.bind(DNNL_ARG_SHIFT, beta);
        p.args.bind(DNNL_ARG_MEAN, mean);
        p.args.bind(DNNL_ARG_VARIANCE, var);
        p.args.bind(DNNL_ARG_DIFF_SRC, dx);
        p.args.bind(DNNL_ARG_DIFF_SCALE, dGamma);
        p.args.bind(DNNL_ARG_DIFF_SHIFT, dBeta);
        p.primitive.execute(Dnnl.stream(), p.args.map);
        return true;
    }

    /** The pass for input {@code x}, output gradient (backward) {@code dy} and result {@code out}. */
    private Pass pass(boolean backward, INDArray x, INDArray dy, INDArray out, double eps) {
        String key = (backward ? "B" : "F") + DnnlArguments.key(x, dy, out) + eps;
        return built.computeIfAbsent(key, k -> new Pass(backward, x, dy, out, (float) eps));
    }

    /**
     * The primitive of one pass for one shape and layout, null where oneDNN offers only its reference
     * implementation or none, and its arguments' memory objects, pointed at the arrays on each run.
     */
    private static final class Pass {
        final primitive primitive;
        final DnnlArguments args = new DnnlArguments();

        Pass(boolean backward, INDArray x, INDArray dy, INDArray out, float eps) {
            memory.desc src = Dnnl.desc(x);
            batch_normalization_forward.primitive_desc fpd = DnnlArguments.notReference(() ->
                    new batch_normalization_forward.primitive_desc(new batch_normalization_forward.desc(
                            dnnl_forward_training, src, eps, FLAGS), Dnnl.engine()));
            if (fpd == null) {
                primitive = null;
            } else if (!backward) {
                primitive = Dnnl.desc(out).equals(fpd.dst_desc())
                        ? new batch_normalization_forward(fpd) : null;
            } else {
                batch_normalization_backward.primitive_desc bpd = DnnlArguments.notReference(() ->
                        new batch_normalization_backward.primitive_desc(new batch_normalization_backward.desc(
                                dnnl_backward, Dnnl.desc(dy), src, eps, FLAGS),
                                Dnnl.engine(), fpd));
                primitive = bpd != null && Dnnl.desc(out).equals(bpd.diff_src_desc())
                        ? new batch_normalization_backward(bpd) : null;
            }
        }
    }
}
