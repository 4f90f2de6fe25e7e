package cnnlabs.onednn;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's stand-in for DL4J's convolution layer (the layer of a {@link ConvolutionLayer} configuration, same configuration object, parameters and results) whose backward pass does not run the convolution a
 * second time.
 *
 * <p>Why: in DL4J M2.1 {@code ConvolutionLayer.backpropGradient} recomputes the layer's pre-activation output
 * (a full forward convolution) to take the activation's derivative, unless the graph uses a cache mode, whose
 * extra copies cost about as much as they save here. With DL4J's oneDNN helper attached (this layer attaches it
 * itself, whatever DL4J's helper switch says), this layer keeps the output its training forward pass produced and,
 * for the activations whose derivative follows from their output (identity, plain ReLU, tanh:
 * {@link ActivationDerivatives}), takes the derivative from it and hands the result straight to the backward
 * convolution. Weight noise, no helper, a helper that has failed once, NHWC, a consumer with dropout
 * ({@link FastGraph} turns output keeping off there), or an input other than the one the forward pass saw: DL4J's
 * own path, unchanged. Its forward convolutions run through oneDNN directly ({@link DnnlConvolution}), writing
 * channels-last arrays ({@link ChannelsLast}) where {@link FastGraph} says so and NCHW elsewhere; so do its backward
 * ones where the input is channels-last, else they run through libnd4j's {@code conv2d_bp} as the helper runs them.
 * During a {@link FastGraph}'s training step the first layer computes only its weight and bias gradients, and a
 * plain ReLU's derivative is left to the max pooling that alone reads the output where the graph says so.
 * {@code FastLayersTest} checks the gradients equal DL4J's own.
 */
public final class FastConvolutionLayer extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer
        implements FastGraph.KeepsOutput, FastGraph.ChannelsLastWriter, BatchNormFold.Folding,
        PaddingFold.Reader {

    private static final Logger LOG = LoggerFactory.getLogger(FastConvolutionLayer.class);

    private final KeptArray kept = new KeptArray();
    private long reused;
    private boolean inputGradientWanted = true;
    private boolean channelsLastOutput;
    private long channelsLastForwards;
    private long skippedInputGradients;
    private final DnnlConvolution dnnl = new DnnlConvolution();
    private final DnnlEltwise derivative;
    private long dnnlForwards;
    private long dnnlBackwards;

    private boolean keepOutput = true;
    private BatchNormFold fold;
    private PaddingFold padding;
    private FastSubsamplingLayer reluReader;
    private long derivativesLeftToReader;

    FastConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        helper = OneDnnRuntime.dl4jHelper(helper, () -> new MKLDNNConvHelper(dataType));
        derivative = DnnlEltwise.fromOutputOf(layerConf().getActivationFn());
    }

    /** How many backward passes took the activation's derivative from the output through oneDNN (tanh, plain ReLU). */
    public long oneDnnDerivatives() {
        return derivative == null ? 0 : derivative.backwards();
    }

    /** See {@link FastGraph.KeepsOutput#keepOutput}. */
    @Override
    public void keepOutput(boolean keep) {
        keepOutput = keep;
    }

    /** Whether the training forward pass keeps its output for the backward pass. */
    boolean keepsOutput() {
        return keepOutput;
    }

    /** Whether the activation is the plain ReLU, {@code max(x, 0)}. */
    boolean plainRelu() {
        return ActivationDerivatives.isPlainRelu(layerConf().getActivationFn());
    }

    /** The max pooling, its only reader, that applies this ReLU's derivative ({@link FastGraph}). */
    void reluDerivativeTakenBy(FastSubsamplingLayer reader) {
        reluReader = reader;
    }

    /** How many backward passes found the ReLU's derivative already applied by the pooling that reads this layer. */
    public long derivativesLeftToReader() {
        return derivativesLeftToReader;
    }

    /** Whether DL4J's oneDNN (or cuDNN) helper runs this layer. */
    public boolean hasHelper() {
        return helper != null;
    }

    /** How many backward passes took the forward pass's output instead of convolving again. */
    public long reusedForwardPasses() {
        return reused;
    }

    private boolean reusable() {
        ConvolutionLayer conf = layerConf();
        return helper != null && helperCountFail == 0 && keepOutput && conf.getWeightNoise() == null
                && ActivationDerivatives.supported(conf.getActivationFn());
    }

    /**
     * Whether forward passes write their output channels-last ({@link ChannelsLast}); {@link FastGraph} turns it
     * on where every reader of the output takes such arrays where they lie.
     */
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

    /** How many forward and backward passes oneDNN ran through {@link DnnlConvolution}. */
    public long[] dnnlPasses() {
        return new long[] {dnnlForwards, dnnlBackwards};
    }

    /** How many forward passes wrote their output channels-last. */
    public long channelsLastForwards() {
        return channelsLastForwards;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        kept.forget();
        INDArray output = ownForwardApplies() ? ownForward(training, workspaceMgr) : null;
        if (output == null) {
            if (padding != null) {
                padding.fill();
            }
            output = super.activate(training, workspaceMgr);
        }
        if (training && reusable()) {
            kept.keep(output, input);
        }
        return output;
    }

    private boolean ownForwardApplies() {
        ConvolutionLayer conf = layerConf();
        return helper instanceof MKLDNNConvHelper && helperCountFail == 0 && input != null && input.rank() == 4
                && input.dataType() == DataType.FLOAT && dataType == DataType.FLOAT && input.size(1) == conf.getNIn()
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW && conf.getWeightNoise() == null
                && conf.getIDropout() == null && (cacheMode == null || cacheMode == CacheMode.NONE)
                && ActivationDerivatives.supported(conf.getActivationFn());
    }

    /**
     * What DL4J's helper path computes (libnd4j's oneDNN {@code conv2d} with the same arguments, then the
     * activation), through {@link DnnlConvolution} where it can, written channels-last where
     * {@link #channelsLastOutput} says so, else NCHW; null where the helper fails (then DL4J's own path runs, as
     * it would).
     */
    private INDArray ownForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        ConvolutionLayer conf = layerConf();
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        int[] kernel = conf.getKernelSize();
        int[] strides = conf.getStride();
        int[] dilation = conf.getDilation();
        SlidingWindow window = SlidingWindow.of(input, kernel, strides, conf.getPadding(), dilation, convolutionMode);
        int[] pad = window.padding();
        boolean same = convolutionMode == ConvolutionMode.Same;
        long[] shape = {input.size(0), weights.size(0), window.outHeight(), window.outWidth()};
        // at inference the unpadded array behind a padding left to this layer (PaddingFold), read with that padding
        INDArray unpadded = !training && padding != null ? padding.unpadded(input) : null;
        INDArray source = unpadded == null ? input : unpadded;
        DnnlConvolution.Geometry geometry = new DnnlConvolution.Geometry(kernel, strides, dilation,
                unpadded == null ? pad : padding.around(pad));
        if (!training && fold != null && fold.on() && DnnlConvolution.supports(source, weights)) {
            INDArray folded = fold.forward(dnnl, source, weights, hasBias()
                    ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, false, workspaceMgr) : null, shape,
                    channelsLastOutput, geometry, false);
            if (folded != null) {
                dnnlForwards++;
                channelsLastForwards += channelsLastOutput ? 1 : 0;
                return folded;
            }
        }
        INDArray out = channelsLastOutput
                ? ChannelsLast.create(workspaceMgr, ArrayType.ACTIVATIONS, dataType, shape[0], shape[1], shape[2],
                        shape[3])
                : workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, shape, 'c');
        INDArray[] inputs = hasBias()
                ? new INDArray[] {input, weights,
                    getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr)}
                : new INDArray[] {input, weights};
        DnnlConvolution.PostOp postOp = DnnlConvolution.PostOp.of(conf.getActivationFn());
        boolean activated = false;
        try {
            if (DnnlConvolution.supports(source, weights) && dnnl.forward(source, weights,
                    hasBias() ? inputs[2] : null, out, geometry, training, postOp)) {
                dnnlForwards++;
                activated = !postOp.none();
            } else {
                if (unpadded != null) {
                    padding.fill();
                }
                Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(inputs).addOutputs(out)
                        .addIntegerArguments(kernel[0], kernel[1], strides[0], strides[1], pad[0], pad[1],
                                dilation[0], dilation[1], same ? 1 : 0, 0, 1) // NCHW; weights [oC, iC, kH, kW]
                        .build());
            }
        } catch (RuntimeException e) {
            if (!conf.isCudnnAllowFallback() || String.valueOf(e.getMessage()).contains("Failed to allocate")) {
                throw e;
            }
            helperCountFail++;
            LOG.warn("Helper execution failed - falling back on built-in implementation", e);
            return null;
        }
        if (!activated) {
            ActivationDerivatives.activateInPlace(conf.getActivationFn(), channelsLastOutput ? ChannelsLast.nhwc(out) : out, training);
        }
        if (channelsLastOutput) {
            channelsLastForwards++;
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        try {
            INDArray output = kept.forInput(input);
            if (output != null && reusable() && epsilon.dataType() == dataType && input.dataType() == dataType
                    && layerConf().getCnn2dDataFormat() == CNN2DFormat.NCHW) {
                Pair<Gradient, INDArray> fast = helperBackprop(output, epsilon, workspaceMgr);
                if (fast != null) {
                    return fast;
                }
            }
            return super.backpropGradient(epsilon, workspaceMgr);
        } finally {
            kept.forget();
        }
    }

    /**
     * DL4J's helper branch of {@code ConvolutionLayer.backpropGradient} (NCHW, no casts, no weight noise), with
     * the activation's derivative taken from the kept forward output; null where the helper declines or fails
     * (then DL4J's own path runs, as it would have).
     */
    private Pair<Gradient, INDArray> helperBackprop(INDArray output, INDArray epsilon,
                                                    LayerWorkspaceMgr workspaceMgr) {
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        INDArray bias = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, workspaceMgr);
        IActivation afn = layerConf().getActivationFn();
        INDArray delta;
        if (reluReader != null && reluReader.handedBackWithReluDerivative(epsilon)) {
            delta = epsilon;
            derivativesLeftToReader++;
        } else {
            delta = ActivationDerivatives.throughOneDnn(output, epsilon, workspaceMgr, derivative);
        }
        if (delta == null) {
            delta = ActivationDerivatives.fromOutput(afn, output, afn instanceof ActivationIdentity ? epsilon
                    : ChannelsLast.inLayoutOf(output, epsilon, workspaceMgr, ArrayType.BP_WORKING_MEM));
        }
        int[] kernel = layerConf().getKernelSize();
        int[] strides = layerConf().getStride();
        int[] dilation = layerConf().getDilation();
        int[] pad = layerConf().getPadding(); // the helper works out Same-mode padding itself
        INDArray biasGradView = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
        if (!hasBias() && !(helper instanceof MKLDNNConvHelper)) {
            if (dummyBiasGrad == null) {
                try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    dummyBiasGrad = Nd4j.create(1, layerConf().getNOut());
                }
            }
            biasGradView = dummyBiasGrad;
        }
        if (!inputGradientWanted && DnnlConvolution.supports(input, weights)) {
            INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            INDArray realBiasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            int[] padding = SlidingWindow.padding(input, delta.size(2), delta.size(3), kernel, strides, pad,
                    dilation, convolutionMode);
            if (dnnl.backward(input, weights, delta, null, weightGrad, realBiasGrad,
                    new DnnlConvolution.Geometry(kernel, strides, dilation, padding))) {
                reused++;
                skippedInputGradients++;
                dnnlBackwards++;
                return new Pair<>(gradient(weightGrad, realBiasGrad), null);
            }
        }
        Pair<Gradient, INDArray> ret;
        try {
            ret = ChannelsLast.is(input)
                    ? channelsLastBackprop(weights, bias, delta, kernel, strides, pad, dilation, biasGradView,
                            workspaceMgr)
                    : helper.backpropGradient(input, weights, bias, delta, kernel, strides, pad, biasGradView,
                            gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY), afn,
                            layerConf().getCudnnAlgoMode(), layerConf().getCudnnBwdFilterAlgo(),
                            layerConf().getCudnnBwdDataAlgo(), convolutionMode, dilation, CNN2DFormat.NCHW,
                            workspaceMgr);
        } catch (RuntimeException e) {
            if (!layerConf().isCudnnAllowFallback() || String.valueOf(e.getMessage()).contains("Failed to allocate")) {
                throw e;
            }
            helperCountFail++;
            LOG.warn("Helper execution failed - falling back on built-in implementation", e);
            return null;
        }
        if (ret != null) {
            reused++;
            ret.setSecond(backpropDropOutIfPresent(ret.getSecond()));
        }
        return ret;
    }

    /**
     * What DL4J's helper does in its backward pass (libnd4j's oneDNN {@code conv2d_bp}, same arguments) for a
     * channels-last input, with the input gradient written channels-last too, so that the layer before, which
     * wrote that input, gets its output gradient in the layout of its output.
     */
    private Pair<Gradient, INDArray> channelsLastBackprop(INDArray weights, INDArray bias, INDArray delta,
                                                          int[] kernel, int[] strides, int[] pad, int[] dilation,
                                                          INDArray biasGrad, LayerWorkspaceMgr workspaceMgr) {
        boolean same = convolutionMode == ConvolutionMode.Same;
        pad = SlidingWindow.padding(input, delta.size(2), delta.size(3), kernel, strides, pad, dilation,
                convolutionMode);
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray inputGrad = ChannelsLast.createLike(workspaceMgr, ArrayType.ACTIVATION_GRAD, input);
        Gradient g = gradient(weightGrad, biasGrad);
        if (DnnlConvolution.supports(input, weights) && dnnl.backward(input, weights, delta, inputGrad, weightGrad,
                biasGrad, new DnnlConvolution.Geometry(kernel, strides, dilation, pad))) {
            dnnlBackwards++;
            return new Pair<>(g, inputGrad);
        }
        // Told the data is NHWC and given C-contiguous NHWC arrays: conv2d_bp zeroes its input-gradient output
        // first, one float at a time for a strided view (10% of a VGG-style step), at memory speed here. (Told
        // NHWC, M2.1's conv2d_bp misreads strided views, so an NCHW output gradient is copied channels-last.)
        INDArray x = ChannelsLast.nhwc(input);
        INDArray dz = ChannelsLast.nhwc(ChannelsLast.is(delta) ? delta
                : ChannelsLast.copy(workspaceMgr, ArrayType.BP_WORKING_MEM, delta));
        INDArray dx = ChannelsLast.nhwc(inputGrad);
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                .addInputs(biasGrad == null ? new INDArray[] {x, weights, dz} : new INDArray[] {x, weights, bias, dz})
                .addOutputs(biasGrad == null ? new INDArray[] {dx, weightGrad}
                        : new INDArray[] {dx, weightGrad, biasGrad})
                .addIntegerArguments(kernel[0], kernel[1], strides[0], strides[1], pad[0], pad[1], dilation[0],
                        dilation[1], same ? 1 : 0, 1, 1) // NHWC; weights [oC, iC, kH, kW]
                .build());
        return new Pair<>(g, inputGrad);
    }

    /** The layer's gradient: {@code biasGrad} (null: no bias) and {@code weightGrad}, in DL4J's order. */
    private static Gradient gradient(INDArray weightGrad, INDArray biasGrad) {
        Gradient g = new DefaultGradient();
        if (biasGrad != null) {
            g.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        g.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad);
        return g;
    }

    /**
     * Whether backward passes compute the gradient at the layer's input (the default). {@link FastGraph} turns it
     * off for its first layers while it computes the gradient for a training step, whose input gradient
     * nobody reads; the backward pass then returns null for it.
     */
    void inputGradientWanted(boolean wanted) {
        inputGradientWanted = wanted;
    }

    /** How many backward passes skipped the input gradient (see {@link FastGraph}). */
    public long skippedInputGradients() {
        return skippedInputGradients;
    }

    @Override
    public void clear() {
        super.clear();
        kept.forget();
    }
}
