package cnnlabs.onednn;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The output size and top-left padding of a 2D convolution or pooling window over an NCHW input, worked out as DL4J's
 * oneDNN helpers work them out (Same mode: DL4J's Same padding; otherwise the configured padding), which also
 * validates the configuration against the input.
 */
record SlidingWindow(int outHeight, int outWidth, int[] padding) {

    static SlidingWindow of(INDArray input, int[] kernel, int[] strides, int[] padding, int[] dilation,
                            ConvolutionMode mode) {
        if (mode == ConvolutionMode.Same) {
            int[] out = ConvolutionUtils.getOutputSize(input, kernel, strides, null, mode, dilation, CNN2DFormat.NCHW);
            return new SlidingWindow(out[0], out[1], padding(input, out[0], out[1], kernel, strides, padding, dilation,
                    mode));
        }
        int[] out = ConvolutionUtils.getOutputSize(input, kernel, strides, padding, mode, dilation, CNN2DFormat.NCHW);
        return new SlidingWindow(out[0], out[1], padding);
    }

    /**
     * The top-left padding for an NCHW {@code input} whose output is {@code outHeight x outWidth} (a backward pass
     * knows it from the output gradient): DL4J's Same padding in Same mode, else the configured {@code padding}.
     */
    static int[] padding(INDArray input, long outHeight, long outWidth, int[] kernel, int[] strides, int[] padding,
                         int[] dilation, ConvolutionMode mode) {
        return mode == ConvolutionMode.Same
                ? ConvolutionUtils.getSameModeTopLeftPadding(new int[] {(int) outHeight, (int) outWidth},
                        new int[] {(int) input.size(2), (int) input.size(3)}, kernel, strides, dilation)
                : padding;
    }
}
