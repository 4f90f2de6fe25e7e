package cnnlabs.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A convolution's forward primitive for one input shape and layout, built once from {@link ConvolutionDescs}' choice
 * and run on each call on the caller's arrays: each operand bound by address, converted into and out of oneDNN's
 * layout ({@link DnnlOperand}) where the chosen primitive works in another one.
 */
final class ConvolutionForward {
    final primitive conv;
    final DnnlOperand src;
    final DnnlOperand weights;
    final DnnlOperand dst;
    final memory bias;
    final IntMemoryMap args = new IntMemoryMap();
    final String implementation;
    /** The weights in the primitive's layout, kept between calls for {@link #run}'s {@code version}; null until asked. */
    private memory kept;
    /** The version of the weights {@link #kept} holds converted; 0: none. */
    private long keptVersion;

    ConvolutionForward(ConvolutionDescs d, convolution_forward.primitive_desc pd) {
        conv = pd == null ? null : new convolution_forward(pd);
        src = pd == null ? null : new DnnlOperand(d.src(), pd.src_desc(), true, 0);
        weights = pd == null ? null : new DnnlOperand(d.weights(), pd.weights_desc(), true, 1);
        dst = pd == null ? null : new DnnlOperand(d.dst(), pd.dst_desc(), false, 2);
        implementation = pd == null ? "none" : Dnnl.impl(pd) + (src.reorder == null ? "" : " +src conversion")
                + (dst.reorder == null ? "" : " +dst conversion");
        bias = pd == null || d.bias() == null ? null : new memory(pd.bias_desc(), Dnnl.engine(), (Pointer) null);
        if (pd != null) {
            args.put(DNNL_ARG_SRC, src.op);
            args.put(DNNL_ARG_WEIGHTS, weights.op);
            args.put(DNNL_ARG_DST, dst.op);
            if (bias != null) {
                args.put(DNNL_ARG_BIAS, bias);
            }
        }
    }

    static ConvolutionForward create(ConvolutionDescs d, boolean training, DnnlConvolution.PostOp postOp) {
        return new ConvolutionForward(d, d.forward(training ? dnnl_forward_training : dnnl_forward_inference,
                postOp));
    }

    boolean usable() {
        return conv != null;
    }

    /**
     * Runs the convolution. A {@code version} other than 0: the weights converted into the primitive's layout stay in
     * a buffer of this primitive's own, and where this primitive converted that same version before (the caller
     * vouches that {@code w} then holds the same values) that conversion is used again instead of converting
     * {@code w}.
     */
    void run(Dnnl.Context c, INDArray input, INDArray w, INDArray b, INDArray out, long version) {
        src.bind(c, input, true);
        if (version != 0 && weights.reorder != null) {
            if (kept == null) {
                kept = new memory(weights.op.get_desc(), Dnnl.engine());
            }
            weights.user.set_data_handle(Dnnl.address(w));
            weights.op.set_data_handle(kept.get_data_handle());
            if (keptVersion != version) {
                weights.reorder.execute(c.stream, weights.args);
                keptVersion = version;
            }
        } else {
            weights.bind(c, w, true);
        }
        dst.bind(c, out, false);
        if (bias != null) {
            bias.set_data_handle(Dnnl.address(b));
        }
        conv.execute(c.stream, args);
        dst.writeBack(c);
    }
}
