package cnnlabs.architectures.layers;

import java.lang.reflect.Field;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link BatchNormalization} (same configuration, parameters, moving-statistics update and results) whose
 * training pass on NCHW float activations runs through {@link FastBatchNormHelper} instead of DL4J's oneDNN helper.
 *
 * <p>The layer is DL4J's own; only its helper is replaced, and only where DL4J chose its oneDNN helper (so with
 * helpers switched off, or on the CUDA backend, nothing changes). DL4J M2.1 creates the helper in the layer's
 * constructor and keeps it in a package-private field with no setter, so the replacement is made by reflection,
 * here and nowhere else; {@code FastLayersTest} fails if it stops happening and checks outputs, gradients and
 * moving statistics against DL4J's own layer.
 */
public class FastBatchNormalization extends BatchNormalization implements FastLayer {

    /** For Jackson: DL4J's defaults. */
    public FastBatchNormalization() {
        super();
    }

    /** Keras' {@code BatchNormalization(momentum=decay, epsilon=eps)}. */
    public FastBatchNormalization(double decay, double eps) {
        this();
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("batch-norm momentum must be in [0, 1), got " + decay);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("batch-norm epsilon must be positive, got " + eps);
        }
        setDecay(decay);
        setEps(eps);
    }

    @Override
    public FastBatchNormalization clone() {
        return (FastBatchNormalization) super.clone();
    }

    @Override
    public Class<? extends org.deeplearning4j.nn.conf.layers.Layer> standsFor() {
        return BatchNormalization.class;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNOutSet("BatchNormalization", getLayerName(), layerIndex, getNOut());
        org.deeplearning4j.nn.layers.normalization.BatchNormalization layer =
                new org.deeplearning4j.nn.layers.normalization.BatchNormalization(conf, networkDataType);
        installFastHelper(layer);
        return LayerWiring.wire(layer, conf, trainingListeners, layerIndex, layerParamsView, initializeParams);
    }

    private static final Field HELPER = helperField();

    private static Field helperField() {
        try {
            Field f = org.deeplearning4j.nn.layers.normalization.BatchNormalization.class.getDeclaredField("helper");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("DL4J's BatchNormalization layer has no 'helper' field any more (is this "
                    + "DL4J 1.0.0-M2.1?); cnnlabs' FastBatchNormalization needs updating", e);
        }
    }

    /** Wraps DL4J's oneDNN helper of {@code layer} in {@link FastBatchNormHelper}; other helpers are left alone. */
    static void installFastHelper(org.deeplearning4j.nn.layers.normalization.BatchNormalization layer) {
        try {
            Object helper = HELPER.get(layer);
            if (helper instanceof MKLDNNBatchNormHelper mkl) {
                HELPER.set(layer, new FastBatchNormHelper(mkl));
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot replace the batch-norm helper of layer " + layer.getIndex(), e);
        }
    }

    /** The helper DL4J's layer runs with, for tests and diagnostics. */
    public static BatchNormalizationHelper helperOf(org.deeplearning4j.nn.layers.normalization.BatchNormalization layer) {
        return (BatchNormalizationHelper) layer.getHelper();
    }
}
