package cnnlabs.onednn;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.primitive;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_clip_v2_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_tanh_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;

/**
 * An element-wise activation's passes run by oneDNN 2.5 itself (JavaCPP's {@code dnnl}, as {@link DnnlConvolution}):
 * the backward pass from the output of tanh ({@code dx = dy (1 - y^2)}, one pass where ND4J takes three) and of plain
 * ReLU ({@code dx = y > 0 ? dy : 0}, one pass where ND4J's step and multiply take two) for the convolutions and
 * ReLU layers, and for {@link FastActivationLayer} ReLU6, {@code min(max(x, 0), 6)}, as oneDNN's {@code clip_v2}
 * whose backward pass reads the forward output ({@code dx = 0 < y < 6 ? dy : 0}, DL4J's {@code relu6_bp} everywhere
 * but at exactly 0 and 6). Arrays are ND4J's, by address with their strides; input and output, and both gradients,
 * share one layout; where oneDNN does not take them ({@link #supports}), a pass returns false and the caller computes.
 *
 * <p>Why: DL4J's activation layer copies its input, applies the activation in place, and in its backward pass copies
 * the input again and runs libnd4j's {@code relu6_bp}, which calls a function per element; MobileNetV2's 35 ReLU6
 * layers took 12% of a training step. oneDNN's JIT kernels make each pass one vectorised sweep.
 */
final class DnnlEltwise {

    private final int algorithm;
    private final float alpha;
    private final float beta;
    private final Map<String, eltwise_forward.primitive_desc> hints = new HashMap<>();
    private final Map<String, Pass> built = new HashMap<>();
    private long backwards;

    private DnnlEltwise(int algorithm, float alpha, float beta) {
        this.algorithm = algorithm;
        this.alpha = alpha;
        this.beta = beta;
    }

    /** ReLU6: clip to [0, 6], its gradient from the output. */
    static DnnlEltwise relu6() {
        return new DnnlEltwise(dnnl_eltwise_clip_v2_use_dst_for_bwd, 0f, 6f);
    }

    /** tanh, its gradient from the output ({@code dx = dy (1 - y^2)}). */
    static DnnlEltwise tanh() {
        return new DnnlEltwise(dnnl_eltwise_tanh_use_dst_for_bwd, 0f, 0f);
    }

    /** Plain ReLU, {@code max(x, 0)}, its gradient from the output ({@code dx = y > 0 ? dy : 0}). */
    static DnnlEltwise relu() {
        return new DnnlEltwise(dnnl_eltwise_relu_use_dst_for_bwd, 0f, 0f);
    }

    /**
     * The passes of a layer's {@code activation} where oneDNN takes its derivative from the output (tanh, plain ReLU);
     * null for any other.
     */
    static DnnlEltwise fromOutputOf(IActivation activation) {
        if (activation instanceof ActivationTanH) {
            return tanh();
        }
        return ActivationDerivatives.isPlainRelu(activation) ? relu() : null;
    }

    /** Whether oneDNN takes these arrays: float32, rank 4, the same layout, no negative strides. */
    static boolean supports(INDArray a, INDArray b) {
        return Dnnl.available() && a.rank() == 4 && a.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT
                && b.dataType() == a.dataType() && java.util.Arrays.equals(a.shape(), b.shape())
                && java.util.Arrays.equals(a.stride(), b.stride()) && Dnnl.nonNegative(a);
    }

    /**
     * {@code y = f(x)}; false, with nothing written, where oneDNN does not take the arrays ({@link #supports}) or has
     * only its reference implementation.
     */
    boolean forward(INDArray x, INDArray y, boolean training) {
        if (!supports(x, y)) {
            return false;
        }
        Pass p = built.computeIfAbsent((training ? "T" : "I") + DnnlArguments.key(x), k -> forwardPass(x, training));
        if (p.primitive == null) {
            return false;
        }
        p.args.bind(DNNL_ARG_SRC, x);
        p.args.bind(DNNL_ARG_DST, y);
        p.primitive.execute(Dnnl.stream(), p.args.map);
        return true;
    }

    /**
     * {@code dx} from the forward output {@code y} and the gradient {@code dy} at it; false, with nothing written,
     * where oneDNN does not take the arrays ({@link #supports}) or cannot.
     */
    boolean backward(INDArray y, INDArray dy, INDArray dx) {
        if (!supports(y, dy) || !supports(y, dx)) {
            return false;
        }
        Pass p = built.computeIfAbsent("B" + DnnlArguments.key(y), k -> backwardPass(y));
        if (p.primitive == null) {
            return false;
        }
        p.args.bind(DNNL_ARG_DST, y);
        p.args.bind(DNNL_ARG_DIFF_DST, dy);
        p.args.bind(DNNL_ARG_DIFF_SRC, dx);
        p.primitive.execute(Dnnl.stream(), p.args.map);
        backwards++;
        return true;
    }

    /** How many backward passes oneDNN ran. */
    long backwards() {
        return backwards;
    }

    private eltwise_forward.primitive_desc hint(INDArray a, boolean training) {
        return hints.computeIfAbsent((training ? "T" : "I") + DnnlArguments.key(a),
                k -> DnnlArguments.notReference(() -> new eltwise_forward.primitive_desc(new eltwise_forward.desc(
                        training ? dnnl_forward_training : dnnl_forward_inference, algorithm,
                        Dnnl.desc(a), alpha, beta), Dnnl.engine())));
    }

    private Pass forwardPass(INDArray x, boolean training) {
        eltwise_forward.primitive_desc pd = hint(x, training);
        return new Pass(pd == null ? null : new eltwise_forward(pd));
    }

    private Pass backwardPass(INDArray y) {
        eltwise_forward.primitive_desc hint = hint(y, true);
        if (hint == null) {
            return new Pass(null);
        }
        eltwise_backward.primitive_desc pd = DnnlArguments.notReference(() -> new eltwise_backward.primitive_desc(
                new eltwise_backward.desc(algorithm, Dnnl.desc(y), Dnnl.desc(y), alpha, beta),
                Dnnl.engine(), hint));
        return new Pass(pd == null ? null : new eltwise_backward(pd));
    }

    /** One primitive and its arguments. */
    private static final class Pass {
        final primitive primitive;
        final DnnlArguments args = new DnnlArguments();

        Pass(primitive primitive) {
            this.primitive = primitive;
        }
    }
}
