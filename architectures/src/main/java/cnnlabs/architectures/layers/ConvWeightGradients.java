package cnnlabs.architectures.layers;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A 2D convolution's weight and bias gradients alone, for a one-channel NCHW first layer with stride 1 and no
 * dilation whose input gradient nobody reads (the first layer of a graph being trained, see {@link FastGraph}).
 *
 * <p>Why: libnd4j's {@code conv2d_bp} always computes the input gradient too; for the MNIST models' first layer
 * oneDNN's backward-data convolution and its layout conversions cost more than the weight gradient (4.7 ms of a
 * LeNet-5 step at batch 128). The weight gradient is itself a forward convolution, run by oneDNN:
 * {@code dW[o, 0, kh, kw] = sum over b, i, j of delta[b, o, i, j] * x[b, 0, kh + i - p, kw + j - p]}, i.e. the input
 * as one image with the batch as channels, convolved with the output gradient as {@code oC} filters of
 * {@code oH x oW}. (Stride s > 1 would need dilation s there, which libnd4j's oneDNN convolution refuses in M2.1.)
 */
final class ConvWeightGradients {

    private ConvWeightGradients() {
    }

    /** Whether {@link #compute} handles a layer with this input, stride and dilation. */
    static boolean supports(INDArray input, int[] strides, int[] dilation) {
        return input.rank() == 4 && input.size(1) == 1 && strides[0] == 1 && strides[1] == 1 && dilation[0] == 1
                && dilation[1] == 1;
    }

    /**
     * Writes dL/dW into {@code weightGrad} ({@code [oC, 1, kH, kW]}) and, unless {@code biasGrad} is null, dL/db
     * into it, for {@code input} {@code [b, 1, iH, iW]} and the gradient at the pre-activation output {@code delta}
     * {@code [b, oC, oH, oW]}.
     */
    static void compute(INDArray input, INDArray delta, int[] kernel, int[] pad, ConvolutionMode mode,
                        INDArray weightGrad, INDArray biasGrad, LayerWorkspaceMgr workspaceMgr) {
        long b = input.size(0);
        long[] in = {input.size(2), input.size(3)};
        long oC = delta.size(1);
        long[] out = {delta.size(2), delta.size(3)};
        int[] top = mode == ConvolutionMode.Same
                ? ConvolutionUtils.getSameModeTopLeftPadding(new int[] {(int) out[0], (int) out[1]},
                        new int[] {(int) in[0], (int) in[1]}, kernel, new int[] {1, 1}, new int[] {1, 1})
                : pad;
        int[] sym = new int[2];
        long[] size = new long[2];
        for (int d = 0; d < 2; d++) {
            long bottom = Math.max(0, out[d] - 1 + kernel[d] - in[d] - top[d]);
            sym[d] = (int) Math.max(top[d], bottom); // libnd4j pads both sides alike; crop the extra rows below
            size[d] = in[d] + 2L * sym[d] - out[d] + 1;
        }
        INDArray image = input.reshape('c', 1, b, in[0], in[1]);
        // The output gradient as oC filters of b channels: a permuted view, which libnd4j hands to oneDNN with its
        // strides (oneDNN reorders it into its own filter layout anyway, so a contiguous copy would be a wasted pass).
        INDArray filters = delta.permute(1, 0, 2, 3);
        INDArray result = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, delta.dataType(),
                new long[] {1, oC, size[0], size[1]}, 'c');
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(image, filters).addOutputs(result)
                .addIntegerArguments((int) out[0], (int) out[1], 1, 1, sym[0], sym[1], 1, 1, 0, 0, 1).build());
        weightGrad.assign(result.get(NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(sym[0] - top[0], sym[0] - top[0] + kernel[0]),
                NDArrayIndex.interval(sym[1] - top[1], sym[1] - top[1] + kernel[1])).permute(1, 0, 2, 3));
        if (biasGrad != null && ChannelsLast.is(delta)) {
            INDArray rows = ChannelsLast.nhwc(delta).reshape('c', b * out[0] * out[1], oC);
            biasGrad.assign(RowSums.ofColumns(rows, workspaceMgr, ArrayType.BP_WORKING_MEM).reshape(biasGrad.shape()));
        } else if (biasGrad != null) {
            INDArray planeSums = RowSums.of(delta, b, oC, workspaceMgr, ArrayType.BP_WORKING_MEM);
            biasGrad.assign(planeSums.sum(0).reshape(biasGrad.shape()));
        }
    }
}
