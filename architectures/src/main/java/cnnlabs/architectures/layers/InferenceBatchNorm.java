package cnnlabs.architectures.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.api.Layer.TrainingMode;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalisation that always normalises with its moving statistics, also in training, while gamma and beta
 * train: a Keras {@code BatchNormalization} layer that is trainable but called with {@code training=False}, as in
 * Lab 3's fine-tuning ({@code x = base_model(inputs, training=False)}, then {@code base_model.trainable = True}).
 *
 * <p>{@code y = gamma * (x - mean) / sqrt(var + eps) + beta} per channel of (N, C, H, W) activations. Backward:
 * {@code dgamma = sum(dy * xhat)}, {@code dbeta = sum(dy)}, {@code dx = dy * gamma / sqrt(var + eps)}, and zero for
 * the moving mean and variance (whose updater is DL4J's no-op, which applies the gradient as it is: so they stay
 * put). DL4J's own batch norm cannot do this: in training it always uses the batch's statistics and its backward
 * pass assumes so. The configuration is DL4J's {@link BatchNormalization} (same parameters, shapes and names,
 * variance stored as is), so weights copy between the two by name; only the layer behind it differs.
 */
public class InferenceBatchNorm extends BatchNormalization {

    /** For Jackson; Keras' epsilon 1e-3. */
    public InferenceBatchNorm() {
        super();
        setUseLogStd(false);
        setEps(1e-3);
    }

    public InferenceBatchNorm(double eps) {
        this();
        if (!(eps > 0)) {
            throw new IllegalArgumentException("batch-norm epsilon must be positive, got " + eps);
        }
        setEps(eps);
    }

    @Override
    public InferenceBatchNorm clone() {
        return (InferenceBatchNorm) super.clone();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        Impl layer = new Impl(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        layer.setParamTable(initializer().init(conf, layerParamsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    /** The layer: DL4J's batch norm with the inference-mode forward pass always, and its exact backward pass. */
    public static final class Impl extends org.deeplearning4j.nn.layers.normalization.BatchNormalization {

        Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            return preOutput(input, TrainingMode.TEST, workspaceMgr);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            if (epsilon.rank() != 4 || layerConf().getCnn2DFormat() != org.deeplearning4j.nn.conf.CNN2DFormat.NCHW) {
                throw new IllegalStateException("InferenceBatchNorm supports NCHW convolutional activations only, got rank "
                        + epsilon.rank() + " in layer " + layerId());
            }
            INDArray x = input.castTo(dataType);
            long channels = x.size(1);
            INDArray mean = getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).reshape(channels);
            INDArray var = getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).reshape(channels);
            INDArray gamma = getParam(BatchNormalizationParamInitializer.GAMMA).reshape(channels);
            INDArray std = Transforms.sqrt(var.add(layerConf().getEps()), false);

            INDArray xHat = Nd4j.createUninitialized(dataType, x.shape(), 'c');
            Nd4j.getExecutioner().exec(new BroadcastSubOp(x, mean, xHat, 1));
            Nd4j.getExecutioner().exec(new BroadcastDivOp(xHat, std, xHat, 1));
            INDArray dGamma = epsilon.mul(xHat).sum(0, 2, 3);
            INDArray dBeta = epsilon.sum(0, 2, 3);

            INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, epsilon.shape(), 'c');
            Nd4j.getExecutioner().exec(new BroadcastMulOp(epsilon, gamma.div(std), dx, 1));

            Gradient gradient = new DefaultGradient();
            INDArray gammaView = gradientViews.get(BatchNormalizationParamInitializer.GAMMA);
            INDArray betaView = gradientViews.get(BatchNormalizationParamInitializer.BETA);
            INDArray meanView = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
            INDArray varView = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_VAR);
            gammaView.assign(dGamma.reshape(gammaView.shape()));
            betaView.assign(dBeta.reshape(betaView.shape()));
            meanView.assign(0);
            varView.assign(0);
            gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, gammaView);
            gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, betaView);
            gradient.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_MEAN, meanView);
            gradient.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_VAR, varView);
            return new Pair<>(gradient, dx);
        }
    }
}
