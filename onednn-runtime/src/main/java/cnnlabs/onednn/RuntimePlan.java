package cnnlabs.onednn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Which layers of a graph configuration the runtime runs with its own layers ("fast") and which it leaves to DL4J
 * ("plain"), and why: decided by layer type, from the configuration alone.
 *
 * <p>Fast, when DL4J's oneDNN helpers can run in this process and the graph is float32, where an entry of
 * {@link FastLayerKinds} covers the layer's configuration: a 2D convolution ({@code ConvolutionLayer} itself, NCHW,
 * no dilation, identity/ReLU/tanh), a depthwise convolution ({@code DepthwiseConvolution2D} itself, the same
 * conditions), a dense layer ({@code DenseLayer} itself, identity/ReLU/tanh, no layer normalisation), max or average
 * pooling ({@code SubsamplingLayer}, NCHW; not average pooling that counts padding in its divisor over padded windows,
 * whose gradient DL4J M2.1's oneDNN helper gets wrong), batch norm ({@code BatchNormalization} itself, NCHW), a
 * plain-ReLU or ReLU6 {@code ActivationLayer}, zero padding ({@code ZeroPaddingLayer} itself, NCHW), an addition
 * ({@code ElementWiseVertex} {@code Add}), and any of those wrapped by DL4J's {@link FrozenLayer} or
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
                reason = FastLayerKinds.whyPlain(unwrap(layer));
            } else {
                FastLayerKind.OfVertex<?> kind = FastLayerKinds.forVertex(v);
                if (kind == null) {
                    continue; // inputs, reshapes, merges, custom vertices: not layers
                }
                type = kind.typeOf(v);
                reason = kind.whyPlain(v);
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
