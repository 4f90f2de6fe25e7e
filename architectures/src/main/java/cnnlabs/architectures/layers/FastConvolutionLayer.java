package cnnlabs.architectures.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DL4J's {@link ConvolutionLayer} (same configuration, parameters and results) whose backward pass does not run the
 * convolution a second time.
 *
 * <p>Why: in DL4J M2.1 {@code ConvolutionLayer.backpropGradient} recomputes the layer's pre-activation output
 * (a full forward convolution) to take the activation's derivative, unless the graph uses a cache mode, whose
 * extra copies cost about as much as they save here. With the oneDNN helper attached, this layer keeps the output its
 * training forward pass produced and, for the activations whose derivative follows from their output (identity,
 * plain ReLU, tanh: {@link ActivationDerivatives}), takes the derivative from it and hands the result straight to
 * the helper's backward convolution. Any other activation, weight noise, no helper (e.g. dilated convolutions, or
 * helpers switched off), a helper that has failed once, NHWC, a consumer with dropout ({@link KeptOutput#guard}),
 * or an input other than the one the forward pass saw: DL4J's own path, unchanged. During a {@link FastGraph}'s
 * training step a one-channel, stride-1 first layer computes only its weight and bias gradients
 * ({@link ConvWeightGradients}). {@code FastLayersTest} checks the gradients equal DL4J's own.
 */
public class FastConvolutionLayer extends ConvolutionLayer implements FastLayer, KeptOutput {

    private boolean keepOutput = true;

    /** For Jackson. */
    public FastConvolutionLayer() {
        super();
    }

    /** The layer {@code builder} describes; validated as {@code builder.build()} validates it. */
    public FastConvolutionLayer(ConvolutionLayer.Builder builder) {
        super(validated(builder));
    }

    private static ConvolutionLayer.Builder validated(ConvolutionLayer.Builder builder) {
        builder.build();
        return builder;
    }

    @Override
    public boolean isKeepOutput() {
        return keepOutput;
    }

    @Override
    public void setKeepOutput(boolean keepOutput) {
        this.keepOutput = keepOutput;
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && o instanceof FastConvolutionLayer other && keepOutput == other.keepOutput;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Boolean.hashCode(keepOutput);
    }

    @Override
    public FastConvolutionLayer clone() {
        return (FastConvolutionLayer) super.clone();
    }

    @Override
    public Class<? extends org.deeplearning4j.nn.conf.layers.Layer> standsFor() {
        return ConvolutionLayer.class;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        org.deeplearning4j.nn.conf.layers.LayerValidation.assertNInNOutSet("ConvolutionLayer", getLayerName(), layerIndex,
                getNIn(), getNOut());
        return LayerWiring.wire(new Impl(conf, networkDataType), conf, trainingListeners, layerIndex, layerParamsView,
                initializeParams);
    }

    /** The layer: DL4J's, keeping its training forward output for the backward pass. */
    public static final class Impl extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {

        private static final Logger LOG = LoggerFactory.getLogger(FastConvolutionLayer.class);

        private final KeptArray kept = new KeptArray();
        private long reused;
        private boolean inputGradientWanted = true;
        private long skippedInputGradients;

        Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
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
            FastConvolutionLayer conf = (FastConvolutionLayer) layerConf();
            return helper != null && helperCountFail == 0 && conf.isKeepOutput() && conf.getWeightNoise() == null
                    && ActivationDerivatives.supported(conf.getActivationFn());
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            kept.forget();
            INDArray output = super.activate(training, workspaceMgr);
            if (training && reusable()) {
                kept.keep(output, input);
            }
            return output;
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
            INDArray delta = ActivationDerivatives.fromOutput(afn, output, epsilon);
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
            if (!inputGradientWanted && ConvWeightGradients.supports(input, strides, dilation)) {
                INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
                INDArray realBiasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
                ConvWeightGradients.compute(input, delta, kernel, pad, convolutionMode, weightGrad, realBiasGrad,
                        workspaceMgr);
                Gradient g = new DefaultGradient();
                if (realBiasGrad != null) {
                    g.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, realBiasGrad);
                }
                g.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad);
                reused++;
                skippedInputGradients++;
                return new Pair<>(g, null);
            }
            Pair<Gradient, INDArray> ret;
            try {
                ret = helper.backpropGradient(input, weights, bias, delta, kernel, strides, pad, biasGradView,
                        gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY), afn, layerConf().getCudnnAlgoMode(),
                        layerConf().getCudnnBwdFilterAlgo(), layerConf().getCudnnBwdDataAlgo(), convolutionMode, dilation,
                        CNN2DFormat.NCHW, workspaceMgr);
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
}
