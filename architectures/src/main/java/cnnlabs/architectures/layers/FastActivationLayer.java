package cnnlabs.architectures.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's {@link ActivationLayer} (same configuration and results) that runs a plain ReLU without DL4J's copies.
 *
 * <p>Why: in DL4J M2.1 the layer copies its input before applying the activation in place (forward), and in the
 * backward pass copies the input again, lets the activation write the derivative into a third array and, usually,
 * copies that into the gradient workspace: four passes over the array where two do. For the plain ReLU this layer
 * writes {@code max(x, 0)} straight into the output and {@code dy * (x > 0)} straight into the gradient. Every other
 * activation runs DL4J's code unchanged. {@code FastLayersTest} checks the gradients equal DL4J's own.
 */
public class FastActivationLayer extends ActivationLayer implements FastLayer {

    /** For Jackson. */
    public FastActivationLayer() {
        super();
    }

    public FastActivationLayer(Activation activation) {
        super(activation);
    }

    @Override
    public FastActivationLayer clone() {
        return (FastActivationLayer) super.clone();
    }

    @Override
    public Class<? extends org.deeplearning4j.nn.conf.layers.Layer> standsFor() {
        return ActivationLayer.class;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return LayerWiring.wire(new Impl(conf, networkDataType), conf, trainingListeners, layerIndex, layerParamsView,
                initializeParams);
    }

    /** The layer: DL4J's, with a copy-free plain ReLU. */
    public static final class Impl extends org.deeplearning4j.nn.layers.ActivationLayer {

        Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private boolean plainRelu() {
            return FastConvolutionLayer.isPlainRelu(layerConf().getActivationFn());
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (!training || !plainRelu()) {
                return super.activate(training, workspaceMgr);
            }
            assertInputSet(false);
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(),
                    input.ordering());
            Nd4j.getExecutioner().exec(new RectifiedLinear(input, out, 0.0));
            return out;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            if (!plainRelu()) {
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            assertInputSet(true);
            INDArray delta = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(),
                    input.ordering());
            Nd4j.getExecutioner().exec(new RectifiedLinearDerivative(input, epsilon, delta));
            return new Pair<>(new DefaultGradient(), delta);
        }
    }
}
