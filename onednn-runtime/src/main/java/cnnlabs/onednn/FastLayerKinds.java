package cnnlabs.onednn;

import static cnnlabs.onednn.FastLayerKind.ChannelsLastUse.NONE;
import static cnnlabs.onednn.FastLayerKind.ChannelsLastUse.PASSES_ON;
import static cnnlabs.onednn.FastLayerKind.ChannelsLastUse.READS;
import static cnnlabs.onednn.FastLayerKind.ChannelsLastUse.WRITES;

import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.layers.pooling.GlobalPoolingLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Every kind of fast layer the runtime has, one entry each: which configurations {@link RuntimePlan} makes fast (and
 * why not the others), what {@link StandIns} creates for them, and how {@link FastGraph} lays out activations around
 * them. A new fast layer is one entry here, plus the layer class itself.
 */
final class FastLayerKinds {

    private static final String NHWC = "channels-last (NHWC) configuration";

    /** The kinds, one per DL4J configuration class. */
    static final List<FastLayerKind> ALL = List.of(
            new FastLayerKind.OfLayer<>(ConvolutionLayer.class, FastLayerKinds::whyNotConvolution,
                    FastLayerKinds::convolution, FastConvolutionLayer.class::isInstance, WRITES),
            new FastLayerKind.OfLayer<>(DepthwiseConvolution2D.class, FastLayerKinds::whyNotConvolution,
                    (conf, index, type) -> new FastDepthwiseConvolutionLayer(conf, type),
                    FastDepthwiseConvolutionLayer.class::isInstance, WRITES),
            new FastLayerKind.OfLayer<>(DenseLayer.class, FastLayerKinds::whyNotDense,
                    FastLayerKinds::dense, FastDenseLayer.class::isInstance, NONE),
            new FastLayerKind.OfLayer<>(SubsamplingLayer.class, FastLayerKinds::whyNotPooling,
                    (conf, index, type) -> new FastSubsamplingLayer(conf, type),
                    FastSubsamplingLayer.class::isInstance, READS),
            new FastLayerKind.OfLayer<>(BatchNormalization.class, b -> nchw(b.getCnn2DFormat()),
                    FastLayerKinds::batchNorm, FastLayerKinds::fastBatchNorm, PASSES_ON),
            new FastLayerKind.OfLayer<>(ZeroPaddingLayer.class, z -> nchw(z.getDataFormat()),
                    (conf, index, type) -> new FastZeroPaddingLayer(conf, type),
                    FastZeroPaddingLayer.class::isInstance, PASSES_ON),
            new FastLayerKind.OfLayer<>(ActivationLayer.class, a -> whyNotActivation(a.getActivationFn()),
                    (conf, index, type) -> new FastActivationLayer(conf, type),
                    l -> l instanceof FastActivationLayer a && (a.plainRelu() || a.relu6()), PASSES_ON),
            new FastLayerKind.OfVertex<>(ElementWiseVertex.class, e -> "ElementWiseVertex(" + e.getOp() + ")",
                    e -> e.getOp() == ElementWiseVertex.Op.Add ? null : "only additions have a faster vertex",
                    e -> new StandIns.FastAdd(), FastAddVertex.class::isInstance, PASSES_ON));

    private FastLayerKinds() {
    }

    /** The kind for a layer configuration of exactly {@code layer}'s class, or null. */
    static FastLayerKind.OfLayer<?> forLayer(Layer layer) {
        for (FastLayerKind kind : ALL) {
            if (kind instanceof FastLayerKind.OfLayer<?> l && l.configuration() == layer.getClass()) {
                return l;
            }
        }
        return null;
    }

    /** The kind for a vertex configuration of exactly {@code vertex}'s class, or null. */
    static FastLayerKind.OfVertex<?> forVertex(GraphVertex vertex) {
        for (FastLayerKind kind : ALL) {
            if (kind instanceof FastLayerKind.OfVertex<?> v && v.configuration() == vertex.getClass()) {
                return v;
            }
        }
        return null;
    }

    /** Null where the runtime has a faster layer for {@code layer}, else why it does not. */
    static String whyPlain(Layer layer) {
        FastLayerKind.OfLayer<?> kind = forLayer(layer);
        return kind == null ? "no faster layer for " + layer.getClass().getSimpleName() : kind.whyPlain(layer);
    }

    /**
     * How {@code built}, a layer or vertex of an initialised graph (or null), treats channels-last activations. DL4J's
     * own global pooling, which the runtime leaves as it is, reads them too: it averages them where they lie and
     * hands back an NCHW gradient.
     */
    static FastLayerKind.ChannelsLastUse channelsLastUse(Object built) {
        if (built instanceof GlobalPoolingLayer) {
            return READS;
        }
        for (FastLayerKind kind : ALL) {
            if (kind.isFast().test(built)) {
                return kind.channelsLast();
            }
        }
        return NONE;
    }

    /** 2D and depthwise convolutions: NCHW, no dilation, identity, ReLU or tanh. */
    private static String whyNotConvolution(ConvolutionLayer c) {
        if (c.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            return NHWC;
        }
        for (int d : c.getDilation()) {
            if (d != 1) {
                return "dilated convolution (DL4J M2.1's oneDNN helper cannot run it)";
            }
        }
        return ActivationDerivatives.supported(c.getActivationFn()) ? null
                : "activation " + c.getActivationFn() + " (fast convolutions take identity, ReLU or tanh)";
    }

    /** Dense layers: identity, ReLU or tanh, no layer normalisation. */
    private static String whyNotDense(DenseLayer d) {
        if (d.hasLayerNorm()) {
            return "layer normalisation";
        }
        return ActivationDerivatives.supported(d.getActivationFn()) ? null
                : "activation " + d.getActivationFn() + " (fast dense layers take identity, ReLU or tanh)";
    }

    /**
     * Max and average pooling, NCHW; not average pooling that counts the padding in its divisor over padded windows,
     * whose gradient DL4J M2.1's oneDNN helper gets wrong.
     */
    private static String whyNotPooling(SubsamplingLayer s) {
        if (s.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            return NHWC;
        }
        if (s.getPoolingType() != PoolingType.MAX && s.getPoolingType() != PoolingType.AVG) {
            return s.getPoolingType() + " pooling";
        }
        if (s.getPoolingType() == PoolingType.AVG && s.isAvgPoolIncludePadInDivisor() && padded(s)) {
            return "average pooling counting padding in its divisor (DL4J M2.1's oneDNN helper gets its "
                    + "gradient wrong)";
        }
        return null;
    }

    private static boolean padded(SubsamplingLayer s) {
        return s.getConvolutionMode() == ConvolutionMode.Same || s.getPadding()[0] != 0 || s.getPadding()[1] != 0;
    }

    /** Activation layers: the plain ReLU and ReLU6. */
    private static String whyNotActivation(IActivation a) {
        return ActivationDerivatives.isPlainRelu(a) || a.getClass() == ActivationReLU6.class ? null
                : "activation " + a + " (only the plain ReLU and ReLU6 are faster)";
    }

    private static String nchw(CNN2DFormat format) {
        return format == CNN2DFormat.NCHW ? null : NHWC;
    }

    private static org.deeplearning4j.nn.api.Layer convolution(NeuralNetConfiguration conf, int index, DataType type) {
        ConvolutionLayer c = (ConvolutionLayer) conf.getLayer();
        LayerValidation.assertNInNOutSet("ConvolutionLayer", c.getLayerName(), index, c.getNIn(), c.getNOut());
        return new FastConvolutionLayer(conf, type);
    }

    private static org.deeplearning4j.nn.api.Layer dense(NeuralNetConfiguration conf, int index, DataType type) {
        DenseLayer d = (DenseLayer) conf.getLayer();
        LayerValidation.assertNInNOutSet("DenseLayer", d.getLayerName(), index, d.getNIn(), d.getNOut());
        return new FastDenseLayer(conf, type);
    }

    private static org.deeplearning4j.nn.api.Layer batchNorm(NeuralNetConfiguration conf, int index, DataType type) {
        BatchNormalization bn = (BatchNormalization) conf.getLayer();
        LayerValidation.assertNOutSet("BatchNormalization", bn.getLayerName(), index, bn.getNOut());
        return FastBatchNormalization.create(conf, type);
    }

    /** DL4J's batch-norm layer running {@link FastBatchNormHelper} (where that could not be attached, it is not). */
    private static boolean fastBatchNorm(Object built) {
        return built instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization bn
                && bn.getHelper() instanceof FastBatchNormHelper;
    }
}
