package cnnlabs.onednn;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The runtime's batch norm: DL4J's own {@link BatchNormalization} layer (same configuration object, parameters,
 * moving-statistics update and results) whose training passes on float activations run through
 * {@link FastBatchNormHelper} instead of DL4J's oneDNN helper.
 *
 * <p>Only the helper is replaced. DL4J M2.1 creates the helper in the layer's constructor (only where its helper
 * switch allows) and keeps it in a package-private field with no setter, so the replacement is made by reflection,
 * here and nowhere else; {@code FastLayersTest} fails if it stops happening and checks outputs, gradients and moving
 * statistics against DL4J's own layer.
 */
final class FastBatchNormalization {

    private static final Field HELPER = helperField();

    private FastBatchNormalization() {
    }

    private static Field helperField() {
        try {
            Field f = BatchNormalization.class.getDeclaredField("helper");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("DL4J's BatchNormalization layer has no 'helper' field any more (is this "
                    + "DL4J 1.0.0-M2.1?); cnnlabs' FastBatchNormalization needs updating", e);
        }
    }

    /**
     * DL4J's batch-norm layer for {@code conf} with {@link FastBatchNormHelper} as its helper, which falls back to
     * DL4J's oneDNN helper (attached here whatever DL4J's helper switch says) for what it does not cover; DL4J's
     * layer as it is where that helper cannot run.
     */
    static BatchNormalization create(NeuralNetConfiguration conf, DataType dataType) {
        BatchNormalization layer = new BatchNormalization(conf, dataType);
        try {
            BatchNormalizationHelper dl4j = OneDnnRuntime.dl4jHelper((BatchNormalizationHelper) HELPER.get(layer),
                    () -> new MKLDNNBatchNormHelper(dataType));
            if (dl4j instanceof MKLDNNBatchNormHelper) {
                HELPER.set(layer, new FastBatchNormHelper(dl4j));
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot replace the batch-norm helper of layer "
                    + conf.getLayer().getLayerName(), e);
        }
        return layer;
    }
}
