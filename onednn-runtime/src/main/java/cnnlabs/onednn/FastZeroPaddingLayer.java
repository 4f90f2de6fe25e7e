package cnnlabs.onednn;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The runtime's stand-in for the layer of DL4J's {@link org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer} (same
 * configuration object and results) that keeps a channels-last input channels-last.
 *
 * <p>Why: MobileNetV2 pads before each stride-2 depthwise convolution (Keras' {@code correct_pad}). DL4J's layer
 * writes an NCHW array whatever its input's layout: from a channels-last ReLU6 that is a strided copy, and the
 * depthwise convolution behind it then ran on an NCHW input, for which oneDNN 2.5 has no depthwise kernel computing
 * weight gradients (it fell back to a GEMM-based convolution, most of a MobileNetV2 step's depthwise time). This layer
 * writes the padded array channels-last, copying the input into its interior where both lie the same way, and hands
 * the gradient's interior back channels-last. Any other input (NCHW, or an NHWC configuration) takes DL4J's own code.
 */
public final class FastZeroPaddingLayer extends org.deeplearning4j.nn.layers.convolution.ZeroPaddingLayer {

    private long channelsLastPasses;
    private PaddingFold padding;

    FastZeroPaddingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** The fold that may leave this padding to its reader at inference ({@link PaddingFold}). */
    void padding(PaddingFold padding) {
        this.padding = padding;
    }

    /** How many forward and backward passes ran channels-last. */
    public long channelsLastPasses() {
        return channelsLastPasses;
    }

    private boolean applies() {
        return input != null && ChannelsLast.is(input) && layerConf().getDataFormat() == CNN2DFormat.NCHW;
    }

    /** The interior of a padded (N, C, H, W) array: where the input lies. */
    private INDArrayIndex[] interior() {
        int[] p = layerConf().getPadding(); // top, bottom, left, right
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(p[0], p[0] + input.size(2)), NDArrayIndex.interval(p[2], p[2] + input.size(3))};
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray placeholder = !training && padding != null ? padding.placeholder(input, workspaceMgr) : null;
        if (placeholder != null) {
            return placeholder;
        }
        if (!applies()) {
            return super.activate(training, workspaceMgr);
        }
        int[] p = layerConf().getPadding();
        INDArray out = ChannelsLast.create(workspaceMgr, ArrayType.ACTIVATIONS, input.dataType(), input.size(0),
                input.size(1), input.size(2) + p[0] + p[1], input.size(3) + p[2] + p[3]);
        ChannelsLast.nhwc(out).assign(0);
        ChannelsLast.nhwc(out.get(interior())).assign(ChannelsLast.nhwc(input));
        channelsLastPasses++;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!applies()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        INDArray inputGrad = ChannelsLast.createLike(workspaceMgr, ArrayType.ACTIVATION_GRAD, input);
        ChannelsLast.nhwc(inputGrad).assign(epsilon.get(interior()).permute(0, 2, 3, 1));
        channelsLastPasses++;
        return new Pair<>(new DefaultGradient(), inputGrad);
    }
}
