package cnnlabs.architectures.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link ConvolutionLayer} (same configuration, parameters and results) whose backward pass does not run the
 * convolution a second time.
 *
 * <p>Why: in DL4J M2.1 {@code ConvolutionLayer.backpropGradient} recomputes the layer's pre-activation output
 * (a full forward convolution) to take the activation's derivative, unless the graph uses a cache mode, whose
 * extra copies cost about as much as they save here. With the oneDNN helper attached, this layer keeps the array its
 * training forward pass produced and hands it back to the backward pass. That array has by then been overwritten by
 * the activation in place, so this is done only where the activation's derivative is the same whether taken at the
 * pre-activation or at the activation: the identity and the plain ReLU (the sign is kept). Any other activation,
 * weight noise, no helper (e.g. dilated convolutions, or helpers switched off), a helper that has failed once, or an
 * input other than the one the forward pass saw: DL4J's own path, unchanged. {@code FastLayersTest} checks the
 * gradients equal DL4J's own.
 */
public class FastConvolutionLayer extends ConvolutionLayer implements FastLayer {

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

    /** Whether the derivative of {@code activation} at its own output equals that at its input. */
    static boolean derivativeFromOutput(IActivation activation) {
        return activation instanceof ActivationIdentity || isPlainRelu(activation);
    }

    private static final ActivationReLU PLAIN_RELU = new ActivationReLU();

    /** max(x, 0): DL4J's ReLU without a maximum, slope or threshold. */
    static boolean isPlainRelu(IActivation activation) {
        return activation.getClass() == ActivationReLU.class && activation.equals(PLAIN_RELU);
    }

    /** The layer: DL4J's, keeping its training forward output for the backward pass. */
    public static final class Impl extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {

        private INDArray keptOutput;
        private INDArray keptFor;
        private long reused;

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
            return helper != null && helperCountFail == 0 && layerConf().getWeightNoise() == null
                    && derivativeFromOutput(layerConf().getActivationFn());
        }

        @Override
        protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
            if (forBackprop && keptOutput != null && keptFor == input && reusable()) {
                reused++;
                return new Pair<>(keptOutput, null);
            }
            Pair<INDArray, INDArray> out = super.preOutput(training, forBackprop, workspaceMgr);
            if (training && !forBackprop && reusable()) {
                keptOutput = out.getFirst();
                keptFor = input;
            } else {
                forget();
            }
            return out;
        }

        @Override
        public Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray> backpropGradient(INDArray epsilon,
                                                                                         LayerWorkspaceMgr workspaceMgr) {
            try {
                return super.backpropGradient(epsilon, workspaceMgr);
            } finally {
                forget();
            }
        }

        @Override
        public void clear() {
            super.clear();
            forget();
        }

        private void forget() {
            keptOutput = null;
            keptFor = null;
        }
    }
}
