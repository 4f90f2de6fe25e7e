package cnnlabs.onednn;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DepthwiseConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The runtime's stand-in for DL4J's depthwise convolution layer (the layer of a {@link DepthwiseConvolution2D}
 * configuration: same configuration object, parameters and results), running its forward and backward passes as
 * oneDNN grouped convolutions ({@link DnnlConvolution} in depthwise mode, one group per input channel).
 *
 * <p>Why: in DL4J M2.1 the depthwise layer's backward pass runs its forward convolution again to get the
 * pre-activation, then libnd4j's {@code depthwise_conv2d_bp}; in MobileNetV2 (17 depthwise layers) that was 28% of a
 * training step. This layer keeps its training output and takes the activation's derivative from it (identity, ReLU,
 * tanh: {@link ActivationDerivatives}), and oneDNN's depthwise kernels read the input in whatever layout it lies
 * (channels-last included) and write the output channels-last where {@link FastGraph} says every reader takes it.
 * NHWC configurations, weight noise, dropout on its input, a cache mode, another data type, or an input other than
 * the one the forward pass saw: DL4J's own path, unchanged. {@code FastLayersTest} checks outputs and gradients
 * against DL4J's own layer.
 */
public final class FastDepthwiseConvolutionLayer
        extends org.deeplearning4j.nn.layers.convolution.DepthwiseConvolution2DLayer
        implements FastGraph.KeepsOutput, FastGraph.ChannelsLastWriter, BatchNormFold.Folding,
        PaddingFold.Reader {

    private static final String W = DepthwiseConvolutionParamInitializer.WEIGHT_KEY;
    private static final String B = DepthwiseConvolutionParamInitializer.BIAS_KEY;

    private final KeptArray kept = new KeptArray();
    private final DnnlConvolution dnnl = new DnnlConvolution(true);
    private final DnnlEltwise derivative;
    private boolean keepOutput = true;
    private boolean channelsLastOutput;
    private BatchNormFold fold;
    private PaddingFold padding;
    private long dnnlForwards;
    private long dnnlBackwards;

    FastDepthwiseConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        derivative = DnnlEltwise.fromOutputOf(depthwiseConf().getActivationFn());
    }

    /** See {@link FastGraph.KeepsOutput#keepOutput}. */
    @Override
    public void keepOutput(boolean keep) {
        keepOutput = keep;
    }

    /** See {@link FastConvolutionLayer#channelsLastOutput(boolean)}. */
    @Override
    public void channelsLastOutput(boolean channelsLast) {
        channelsLastOutput = channelsLast;
    }

    @Override
    public void fold(BatchNormFold fold) {
        this.fold = fold;
    }

    @Override
    public void padding(PaddingFold padding) {
        this.padding = padding;
    }

    /** How many forward and backward passes oneDNN ran. */
    public long[] dnnlPasses() {
        return new long[] {dnnlForwards, dnnlBackwards};
    }

    /** oneDNN's implementations of the primitives built so far (see {@link DnnlConvolution#implementations()}). */
    public java.util.List<String> implementations() {
        return dnnl.implementations();
    }

    private DepthwiseConvolution2D depthwiseConf() {
        return (DepthwiseConvolution2D) layerConf();
    }

    private boolean applies() {
        DepthwiseConvolution2D c = depthwiseConf();
        return input != null && input.rank() == 4 && input.dataType() == DataType.FLOAT && dataType == DataType.FLOAT
                && input.size(1) == c.getNIn() && c.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && c.getWeightNoise() == null && c.getIDropout() == null
                && (cacheMode == null || cacheMode == CacheMode.NONE)
                && ActivationDerivatives.supported(c.getActivationFn());
    }

    private DnnlConvolution.Geometry geometry(long outHeight, long outWidth) {
        DepthwiseConvolution2D c = depthwiseConf();
        int[] padding = SlidingWindow.padding(input, outHeight, outWidth, c.getKernelSize(), c.getStride(),
                c.getPadding(), c.getDilation(), convolutionMode);
        return new DnnlConvolution.Geometry(c.getKernelSize(), c.getStride(), c.getDilation(), padding);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        kept.forget();
        INDArray output = applies() ? ownForward(training, workspaceMgr) : null;
        if (output == null) {
            if (padding != null) {
                padding.fill();
            }
            return super.activate(training, workspaceMgr);
        }
        if (training && keepOutput) {
            kept.keep(output, input);
        }
        return output;
    }

    /** The convolution through oneDNN, then the activation; null where oneDNN has no primitive for it. */
    private INDArray ownForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        DepthwiseConvolution2D c = depthwiseConf();
        INDArray weights = getParamWithNoise(W, training, workspaceMgr);
        if (!DnnlConvolution.supports(input, weights)) {
            return null;
        }
        SlidingWindow window = SlidingWindow.of(input, c.getKernelSize(), c.getStride(), c.getPadding(),
                c.getDilation(), convolutionMode);
        long channels = weights.size(2) * weights.size(3);
        // at inference the unpadded array behind a padding left to this layer (PaddingFold), read with that padding
        INDArray unpadded = !training && padding != null ? padding.unpadded(input) : null;
        INDArray source = unpadded == null ? input : unpadded;
        DnnlConvolution.Geometry geometry = geometry(window.outHeight(), window.outWidth());
        if (unpadded != null) {
            geometry = new DnnlConvolution.Geometry(geometry.kernel(), geometry.strides(), geometry.dilation(),
                    padding.around(geometry.padding()));
        }
        if (!training && fold != null && fold.on()) {
            INDArray folded = fold.forward(dnnl, source, weights, hasBias() ? getParamWithNoise(B, false, workspaceMgr)
                    : null, new long[] {input.size(0), channels, window.outHeight(), window.outWidth()},
                    channelsLastOutput, geometry, true);
            if (folded != null) {
                dnnlForwards++;
                return folded;
            }
        }
        INDArray out = channelsLastOutput
                ? ChannelsLast.create(workspaceMgr, ArrayType.ACTIVATIONS, dataType, input.size(0), channels,
                        window.outHeight(), window.outWidth())
                : workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                        new long[] {input.size(0), channels, window.outHeight(), window.outWidth()}, 'c');
        IActivation afn = c.getActivationFn();
        DnnlConvolution.PostOp postOp = DnnlConvolution.PostOp.of(afn);
        if (!dnnl.forward(source, weights, hasBias() ? getParamWithNoise(B, training, workspaceMgr) : null, out,
                geometry, training, postOp)) {
            return null;
        }
        dnnlForwards++;
        if (postOp.none()) {
            ActivationDerivatives.activateInPlace(afn, channelsLastOutput ? ChannelsLast.nhwc(out) : out, training);
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray output = kept.forInput(input);
        kept.forget();
        if (output != null && applies() && epsilon.dataType() == dataType) {
            Pair<Gradient, INDArray> fast = ownBackward(output, epsilon, workspaceMgr);
            if (fast != null) {
                return fast;
            }
        }
        return super.backpropGradient(epsilon, workspaceMgr);
    }

    private Pair<Gradient, INDArray> ownBackward(INDArray output, INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray weights = getParamWithNoise(W, true, workspaceMgr);
        IActivation afn = depthwiseConf().getActivationFn();
        INDArray delta = ActivationDerivatives.throughOneDnn(output, epsilon, workspaceMgr, derivative);
        if (delta == null) {
            delta = ActivationDerivatives.fromOutput(afn, output, afn instanceof ActivationIdentity ? epsilon
                    : ChannelsLast.inLayoutOf(output, epsilon, workspaceMgr, ArrayType.BP_WORKING_MEM));
        }
        INDArray weightGrad = gradientViews.get(W);
        INDArray biasGrad = hasBias() ? gradientViews.get(B) : null;
        INDArray inputGrad = ChannelsLast.createInLayoutOf(workspaceMgr, ArrayType.ACTIVATION_GRAD, input);
        if (!dnnl.backward(input, weights, delta, inputGrad, weightGrad, biasGrad,
                geometry(delta.size(2), delta.size(3)))) {
            return null;
        }
        dnnlBackwards++;
        Gradient g = new DefaultGradient();
        if (biasGrad != null) {
            g.gradientForVariable().put(B, biasGrad);
        }
        g.gradientForVariable().put(W, weightGrad);
        return new Pair<>(g, backpropDropOutIfPresent(inputGrad));
    }

    @Override
    public void clear() {
        super.clear();
        kept.forget();
    }
}
