package cnnlabs.onednn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Which layers of a graph configuration the runtime runs with its own layers ("fast") and which it leaves to DL4J
 * ("plain"), and why: decided by layer type, from the configuration alone.
 *
 * <p>Fast, when DL4J's oneDNN helpers can run in this process and the graph is float32: a 2D convolution
 * ({@link ConvolutionLayer} itself, NCHW, no dilation, identity/ReLU/tanh), a dense layer ({@link DenseLayer} itself, identity/ReLU/tanh, no layer
 * normalisation), a depthwise convolution
 * ({@link DepthwiseConvolution2D} itself, the same conditions), max or average pooling ({@link SubsamplingLayer},
 * NCHW; not average pooling that counts padding in its divisor over padded windows, whose gradient DL4J M2.1's oneDNN
 * helper gets wrong), batch norm ({@link BatchNormalization} itself, NCHW), a plain-ReLU or ReLU6
 * {@link ActivationLayer}, zero padding ({@link ZeroPaddingLayer} itself, NCHW), an addition
 * ({@link ElementWiseVertex} {@code Add}), and any of those wrapped by DL4J's {@link FrozenLayer} or
 * {@link FrozenLayerWithBackprop}. Everything else is plain: DL4J's own layer, created exactly as DL4J creates it.
 * Subclasses of those layer types are plain too: they are somebody's own layer, with their own behaviour.
 *
 * @param entries one per layer vertex and addition, in the configuration's order
 */
public record RuntimePlan(List<Entry> entries) {

    /** One layer (or addition) of the graph: its vertex name, DL4J's type name, fast or plain, and why plain. */
    public record Entry(String vertex, String type, boolean fast, String reason) {
    }

    public RuntimePlan {
        entries = List.copyOf(entries);
    }

    /** The plan for {@code configuration}, the runtime available or not ({@code unavailable}: why not, else null). */
    static RuntimePlan of(ComputationGraphConfiguration configuration, String unavailable) {
        DataType dataType = configuration.getDataType();
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, GraphVertex> e : configuration.getVertices().entrySet()) {
            GraphVertex v = e.getValue();
            String type;
            String reason;
            if (v instanceof LayerVertex lv) {
                Layer layer = lv.getLayerConf().getLayer();
                type = layer.getClass().getSimpleName();
                reason = reasonPlain(unwrap(layer));
            } else if (v instanceof ElementWiseVertex ew && ew.getClass() == ElementWiseVertex.class) {
                type = "ElementWiseVertex(" + ew.getOp() + ")";
                reason = ew.getOp() == ElementWiseVertex.Op.Add ? null : "only additions have a faster vertex";
            } else {
                continue; // inputs, reshapes, merges, custom vertices: not layers
            }
            if (reason == null && unavailable != null) {
                reason = unavailable;
            } else if (reason == null && dataType != DataType.FLOAT) {
                reason = "the runtime's layers compute in float32; this graph is " + dataType;
            }
            out.add(new Entry(e.getKey(), type, reason == null, reason));
        }
        return new RuntimePlan(out);
    }

    /** The layer a frozen wrapper holds (frozen layers are fast where their layer is), else {@code layer}. */
    static Layer unwrap(Layer layer) {
        if (layer instanceof FrozenLayer f) {
            return f.getLayer();
        }
        if (layer instanceof FrozenLayerWithBackprop f) {
            return f.getUnderlying();
        }
        return layer;
    }

    /** Null where the runtime has a faster layer for {@code layer}, else why it does not. */
    private static String reasonPlain(Layer layer) {
        if (layer.getClass() == ConvolutionLayer.class || layer.getClass() == DepthwiseConvolution2D.class) {
            ConvolutionLayer c = (ConvolutionLayer) layer;
            if (c.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
                return "channels-last (NHWC) configuration";
            }
            for (int d : c.getDilation()) {
                if (d != 1) {
                    return "dilated convolution (DL4J M2.1's oneDNN helper cannot run it)";
                }
            }
            if (!ActivationDerivatives.supported(c.getActivationFn())) {
                return "activation " + c.getActivationFn() + " (fast convolutions take identity, ReLU or tanh)";
            }
            return null;
        }
        if (layer.getClass() == DenseLayer.class) {
            DenseLayer d = (DenseLayer) layer;
            if (d.hasLayerNorm()) {
                return "layer normalisation";
            }
            return ActivationDerivatives.supported(d.getActivationFn()) ? null
                    : "activation " + d.getActivationFn() + " (fast dense layers take identity, ReLU or tanh)";
        }
        if (layer.getClass() == SubsamplingLayer.class) {
            SubsamplingLayer s = (SubsamplingLayer) layer;
            if (s.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
                return "channels-last (NHWC) configuration";
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
        if (layer.getClass() == BatchNormalization.class) {
            return ((BatchNormalization) layer).getCnn2DFormat() == CNN2DFormat.NCHW ? null
                    : "channels-last (NHWC) configuration";
        }
        if (layer.getClass() == ZeroPaddingLayer.class) {
            return ((ZeroPaddingLayer) layer).getDataFormat() == CNN2DFormat.NCHW ? null
                    : "channels-last (NHWC) configuration";
        }
        if (layer.getClass() == ActivationLayer.class) {
            org.nd4j.linalg.activations.IActivation a = ((ActivationLayer) layer).getActivationFn();
            return ActivationDerivatives.isPlainRelu(a) || a.getClass() == ActivationReLU6.class ? null
                    : "activation " + a + " (only the plain ReLU and ReLU6 are faster)";
        }
        return "no faster layer for " + layer.getClass().getSimpleName();
    }

    private static boolean padded(SubsamplingLayer s) {
        return s.getConvolutionMode() == ConvolutionMode.Same || s.getPadding()[0] != 0 || s.getPadding()[1] != 0;
    }

    /** Whether vertex {@code name} runs with the runtime's layer. */
    public boolean isFast(String name) {
        return entries.stream().anyMatch(e -> e.fast() && e.vertex().equals(name));
    }

    public long fastCount() {
        return entries.stream().filter(Entry::fast).count();
    }

    public long plainCount() {
        return entries.size() - fastCount();
    }

    /** Vertex name -> why it runs DL4J's own layer, for every plain entry. */
    public Map<String, String> plainReasons() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (!e.fast()) {
                out.put(e.vertex(), e.type() + ": " + e.reason());
            }
        }
        return out;
    }

    /** One line: "12 fast, 3 plain (DL4J's own) of 15 layers". */
    public String summary() {
        return fastCount() + " fast, " + plainCount() + " plain (DL4J's own) of " + entries.size() + " layers";
    }
}
