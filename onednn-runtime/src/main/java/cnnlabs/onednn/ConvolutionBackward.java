package cnnlabs.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A convolution's backward primitives for one input shape and layout: the weight (and bias) gradient, and the input
 * gradient where one is wanted, built once from {@link ConvolutionDescs}' choice (with the forward primitive's
 * description as oneDNN's hint) and run on each call on the caller's arrays. Where both backward convolutions read
 * the output gradient in the same layout it is converted once.
 */
final class ConvolutionBackward {
    final primitive data;
    final primitive weights;
    final DnnlOperand deltaForData;
    final DnnlOperand weightsForData;
    final DnnlOperand inputGrad;
    final DnnlOperand src;
    final DnnlOperand deltaForWeights;
    final DnnlOperand weightGrad;
    final memory biasGrad;
    final IntMemoryMap dataArgs = new IntMemoryMap();
    final IntMemoryMap weightArgs = new IntMemoryMap();
    final boolean usable;
    final String implementation;

    ConvolutionBackward(ConvolutionDescs d, INDArray inputGradArray) {
        convolution_forward.primitive_desc hint = d.forward(dnnl_forward_training, DnnlConvolution.PostOp.NONE);
        convolution_backward_weights.primitive_desc wpd = hint == null ? null : d.backwardWeights(hint);
        convolution_backward_data.primitive_desc dpd = hint == null || wpd == null || inputGradArray == null
                ? null : d.backwardData(hint);
        usable = wpd != null && (inputGradArray == null || dpd != null);
        implementation = (dpd == null ? "none" : Dnnl.impl(dpd)) + " " + (wpd == null ? "none" : Dnnl.impl(wpd));
        if (!usable) {
            data = weights = null;
            deltaForData = weightsForData = inputGrad = src = deltaForWeights = weightGrad = null;
            biasGrad = null;
            return;
        }
        if (dpd != null) {
            data = new convolution_backward_data(dpd);
            deltaForData = new DnnlOperand(d.dst(), dpd.diff_dst_desc(), true, 0);
            weightsForData = new DnnlOperand(d.weights(), dpd.weights_desc(), true, 1);
            inputGrad = new DnnlOperand(Dnnl.desc(inputGradArray), dpd.diff_src_desc(), false, 2);
            dataArgs.put(DNNL_ARG_DIFF_DST, deltaForData.op);
            dataArgs.put(DNNL_ARG_WEIGHTS, weightsForData.op);
            dataArgs.put(DNNL_ARG_DIFF_SRC, inputGrad.op);
        } else {
            data = null;
            deltaForData = weightsForData = inputGrad = null;
        }
        weights = new convolution_backward_weights(wpd);
        src = new DnnlOperand(d.src(), wpd.src_desc(), true, 3);
        // The output gradient converted once where both backward convolutions read it in the same layout.
        deltaForWeights = deltaForData != null && deltaForData.op.get_desc().equals(wpd.diff_dst_desc()) ? null
                : new DnnlOperand(d.dst(), wpd.diff_dst_desc(), true, 4);
        weightGrad = new DnnlOperand(d.weights(), wpd.diff_weights_desc(), false, 5);
        biasGrad = d.bias() == null ? null : new memory(wpd.diff_bias_desc(), Dnnl.engine(), (Pointer) null);
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

    void run(Dnnl.Context c, INDArray input, INDArray w, INDArray delta, INDArray inputGradArray,
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
            biasGrad.set_data_handle(Dnnl.address(biasGradArray));
        }
        weights.execute(c.stream, weightArgs);
        weightGrad.writeBack(c);
    }
}
