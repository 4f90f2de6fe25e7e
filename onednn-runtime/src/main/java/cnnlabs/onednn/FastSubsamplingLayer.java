package cnnlabs.onednn;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2DDerivative;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The runtime's stand-in for the layer of DL4J's {@link SubsamplingLayer} (same configuration object and results)
 * that pools channels-last activations ({@link ChannelsLast}) where they lie, and hands them on channels-last.
 *
 * <p>Why: given an NCHW array, libnd4j runs oneDNN's max pooling on the NCHW layout (2.3 ms forward and 2.1 ms backward
 * for the simple CNN's 128 x 32 x 26 x 26 batch); channels-last it is faster, and the convolutions on either side
 * need no layout conversion. With DL4J's oneDNN helper attached (this layer attaches it itself), for max and average
 * pooling of such an input, this layer pools channels-last: through oneDNN directly ({@link DnnlPooling}, whose max
 * pooling's backward pass reads the forward pass's record of the maxima where libnd4j's pools again), and where
 * {@link DnnlPooling} declines through libnd4j's pooling ops with the arguments DL4J passes them (its layer's forward
 * op, its helper's backward op), told the data is NHWC; any other input or configuration, or no helper: DL4J's own
 * layer, unchanged. {@code FastLayersTest} checks it against DL4J's layer.
 */
public final class FastSubsamplingLayer extends org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer
        implements FastGraph.KeepsOutput {

    private long channelsLastPasses;
    private long dnnlPasses;
    private final DnnlPooling dnnl;
    private final KeptArray kept = new KeptArray();
    private boolean keepOutput = true;
    private DnnlEltwise reluBelow;
    private INDArray maskedGradient;
    private long reluDerivatives;

    FastSubsamplingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        helper = OneDnnRuntime.dl4jHelper(helper, () -> new MKLDNNSubsamplingHelper(dataType));
        SubsamplingLayer c = (SubsamplingLayer) conf.getLayer();
        dnnl = isMax(c) ? DnnlPooling.max() : DnnlPooling.average(c.isAvgPoolIncludePadInDivisor());
    }

    /** How many forward and backward passes ran channels-last. */
    public long channelsLastPasses() {
        return channelsLastPasses;
    }

    /** How many of those oneDNN ran through {@link DnnlPooling}. */
    public long dnnlPasses() {
        return dnnlPasses;
    }

    /** Whether this layer is a max pooling (see {@link #takeReluDerivative}). */
    boolean maxPooling() {
        return isMax(layerConf());
    }

    /**
     * Tells this max pooling that its input is the output of a plain ReLU whose layer it is the only reader of
     * ({@link FastGraph}): its training passes then keep their output, and its backward pass applies the ReLU's
     * derivative to its output gradient ({@code dy = y > 0 ? dy : 0}, one oneDNN pass over the pooled array) before
     * pooling it back, so that the input gradient it hands the ReLU's layer needs no derivative any more
     * ({@link #handedBackWithReluDerivative}). Exact: a maximum is positive where the input it came from is, and an
     * input element receives gradient only from the windows whose maximum it is; so masking the windows is masking
     * the elements, and the ReLU's own pass, over an array a quarter the size for 2x2 windows, is left out.
     */
    void takeReluDerivative() {
        if (maxPooling()) {
            reluBelow = DnnlEltwise.relu();
        }
    }

    /**
     * Whether {@code inputGradient} is the input gradient this layer's last backward pass returned with the ReLU's
     * derivative already applied ({@link #takeReluDerivative}); the ReLU's layer then skips its own.
     */
    boolean handedBackWithReluDerivative(INDArray inputGradient) {
        return inputGradient != null && inputGradient == maskedGradient;
    }

    /** How many backward passes applied the ReLU's derivative for the layer below ({@link #takeReluDerivative}). */
    public long reluDerivatives() {
        return reluDerivatives;
    }

    /** See {@link FastGraph.KeepsOutput#keepOutput}; only kept at all after {@link #takeReluDerivative}. */
    @Override
    public void keepOutput(boolean keep) {
        keepOutput = keep;
    }

    private boolean channelsLastApplies() {
        SubsamplingLayer conf = layerConf();
        return helper instanceof MKLDNNSubsamplingHelper && helperCountFail == 0 && input != null
                && conf.getIDropout() == null
                && ChannelsLast.is(input) && input.dataType() == DataType.FLOAT && dataType == DataType.FLOAT
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && (isMax(conf) || conf.getPoolingType() == org.deeplearning4j.nn.conf.layers.PoolingType.AVG);
    }

    // (inside a SubsamplingLayer subclass the simple name PoolingType means its nested enum, not this one)
    private static boolean isMax(SubsamplingLayer conf) {
        return conf.getPoolingType() == org.deeplearning4j.nn.conf.layers.PoolingType.MAX;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        kept.forget();
        if (!channelsLastApplies()) {
            return super.activate(training, workspaceMgr);
        }
        SubsamplingLayer conf = layerConf();
        int[] kernel = conf.getKernelSize();
        int[] strides = conf.getStride();
        int[] dilation = conf.getDilation();
        SlidingWindow window = SlidingWindow.of(input, kernel, strides, conf.getPadding(), dilation, convolutionMode);
        int[] pad = window.padding();
        boolean same = convolutionMode == ConvolutionMode.Same;
        INDArray out = ChannelsLast.create(workspaceMgr, ArrayType.ACTIVATIONS, dataType, input.size(0),
                input.size(1), window.outHeight(), window.outWidth());
        channelsLastPasses++;
        if (training && keepOutput && reluBelow != null) {
            kept.keep(out, input);
        }
        if (Dnnl.available() && dnnl.forward(input, out,
                new DnnlConvolution.Geometry(kernel, strides, dilation, pad), training)) {
            dnnlPasses++;
            return out;
        }
        int extra = !isMax(conf) && conf.isAvgPoolIncludePadInDivisor() ? 1 : 0; // as DL4J's forward pass
        Nd4j.exec(DynamicCustomOp.builder(isMax(conf) ? "maxpool2d" : "avgpool2d")
                .addInputs(ChannelsLast.nhwc(input)).addOutputs(ChannelsLast.nhwc(out))
                .addIntegerArguments(kernel[0], kernel[1], strides[0], strides[1], pad[0], pad[1], dilation[0],
                        dilation[1], same ? 1 : 0, extra, 1) // 1 = NHWC
                .build());
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        maskedGradient = null;
        INDArray output = kept.forInput(input);
        kept.forget();
        if (!channelsLastApplies() || epsilon.dataType() != dataType || epsilon.rank() != 4) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        INDArray masked = output == null ? null
                : ActivationDerivatives.throughOneDnn(output, epsilon, workspaceMgr, reluBelow);
        Pair<Gradient, INDArray> result = channelsLastBackprop(masked == null ? epsilon : masked, workspaceMgr);
        if (masked != null) {
            reluDerivatives++;
            maskedGradient = result.getSecond();
        }
        return result;
    }

    private Pair<Gradient, INDArray> channelsLastBackprop(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        SubsamplingLayer conf = layerConf();
        int[] kernel = conf.getKernelSize();
        int[] strides = conf.getStride();
        int[] dilation = conf.getDilation();
        int[] pad = SlidingWindow.padding(input, epsilon.size(2), epsilon.size(3), kernel, strides,
                conf.getPadding(), dilation, convolutionMode);
        INDArray gradIn = ChannelsLast.createLike(workspaceMgr, ArrayType.ACTIVATION_GRAD, input);
        channelsLastPasses++;
        if (Dnnl.available() && dnnl.backward(input,
                ChannelsLast.inLayoutOf(input, epsilon, workspaceMgr, ArrayType.BP_WORKING_MEM), gradIn,
                new DnnlConvolution.Geometry(kernel, strides, dilation, pad))) {
            dnnlPasses++;
            return new Pair<>(new DefaultGradient(), gradIn);
        }
        Pooling2DConfig pooling = Pooling2DConfig.builder()
                .paddingMode(ConvolutionMode.mapToMode(convolutionMode))
                .kH(kernel[0]).kW(kernel[1])
                .sH(strides[0]).sW(strides[1])
                .dH(dilation[0]).dW(dilation[1])
                .pH(pad[0]).pW(pad[1])
                .isNHWC(true)
                .build();
        pooling.setType(isMax(conf) ? Pooling2D.Pooling2DType.MAX : Pooling2D.Pooling2DType.AVG);
        // an NCHW gradient goes in as a permuted view; libnd4j passes its strides on
        INDArray gradOut = epsilon.permute(0, 2, 3, 1);
        Nd4j.exec(new Pooling2DDerivative(ChannelsLast.nhwc(input), gradOut, ChannelsLast.nhwc(gradIn), pooling));
        return new Pair<>(new DefaultGradient(), gradIn);
    }

    @Override
    public void clear() {
        super.clear();
        kept.forget();
        maskedGradient = null;
    }
}
