package cnnlabs.architectures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex;
import org.deeplearning4j.nn.graph.vertex.impl.FrozenVertex;
import org.deeplearning4j.nn.graph.vertex.impl.InputVertex;
import org.deeplearning4j.nn.graph.vertex.impl.MergeVertex;
import org.deeplearning4j.nn.graph.vertex.impl.PreprocessorVertex;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Keras-style {@code model.summary()} of a {@link ComputationGraph}: one row per vertex in topological
 * order with its output shape and parameter count, then Total / Trainable / Non-trainable.
 *
 * <p>Counted as Keras counts: batch-norm moving mean and variance are parameters but not trainable;
 * every parameter of a frozen layer is non-trainable. Shapes are channels-first, as the graph computes
 * them: Keras' {@code (None, 26, 26, 32)} is {@code (None, 32, 26, 26)} here.
 *
 * <p>PyTorch counts differently: {@code sum(p.numel() for p in model.parameters())} leaves out batch-norm
 * running statistics (they are buffers) and counts frozen parameters too: {@link #pytorchParams()}.
 */
public record ModelSummary(List<Row> rows, long totalParams, long trainableParams, long bnStatistics) {

    private static final Set<String> BN_STATISTICS = Set.of(BatchNormalizationParamInitializer.GLOBAL_MEAN,
            BatchNormalizationParamInitializer.GLOBAL_VAR, BatchNormalizationParamInitializer.GLOBAL_LOG_STD);

    /** One vertex: name, kind, output shape (channels first), parameters, of which trainable. */
    public record Row(String name, String type, String outputShape, long params, long trainable, List<String> inputs) {
    }

    public long nonTrainableParams() {
        return totalParams - trainableParams;
    }

    /** The count PyTorch reports: every parameter except batch-norm moving statistics, frozen or not. */
    public long pytorchParams() {
        return totalParams - bnStatistics;
    }

    public static ModelSummary of(ComputationGraph graph, InputShape... inputs) {
        InputType[] inputTypes = new InputType[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            inputTypes[i] = inputs[i].toInputType();
        }
        Map<String, InputType> shapes = graph.getConfiguration().getLayerActivationTypes(false, inputTypes);
        List<Row> rows = new ArrayList<>();
        long total = 0;
        long trainable = 0;
        long statistics = 0;
        for (int index : graph.topologicalSortOrder()) {
            GraphVertex vertex = graph.getVertices()[index];
            String name = vertex.getVertexName();
            long params = 0;
            long vertexTrainable = 0;
            boolean frozen = vertex instanceof FrozenVertex || isFrozen(vertex.getLayer());
            for (Map.Entry<String, INDArray> p : vertex.paramTable(false).entrySet()) {
                long n = p.getValue().length();
                params += n;
                if (BN_STATISTICS.contains(p.getKey())) {
                    statistics += n;
                } else if (!frozen) {
                    vertexTrainable += n;
                }
            }
            total += params;
            trainable += vertexTrainable;
            rows.add(new Row(name, typeOf(vertex), format(shapes.get(name)), params, vertexTrainable,
                    inputNames(graph, vertex)));
        }
        return new ModelSummary(List.copyOf(rows), total, trainable, statistics);
    }

    /** The names of the graph's frozen layers (DL4J's {@code FrozenLayer} or {@code FrozenLayerWithBackprop}). */
    public static Set<String> frozenLayers(ComputationGraph graph) {
        Set<String> names = new java.util.TreeSet<>();
        for (GraphVertex v : graph.getVertices()) {
            if (v.hasLayer() && isFrozen(v.getLayer())) {
                names.add(v.getVertexName());
            }
        }
        return names;
    }

    private static boolean isFrozen(Layer layer) {
        return layer instanceof FrozenLayer || layer instanceof FrozenLayerWithBackprop;
    }

    private static String typeOf(GraphVertex vertex) {
        if (vertex instanceof InputVertex) {
            return "InputLayer";
        }
        if (vertex instanceof PreprocessorVertex p) {
            String pre = p.getPreProcessor().getClass().getSimpleName();
            return pre.startsWith("CnnToFeedForward") ? "Flatten" : pre;
        }
        if (vertex instanceof ElementWiseVertex) {
            return "Add";
        }
        if (vertex instanceof MergeVertex) {
            return "Concatenate";
        }
        if (vertex.hasLayer()) {
            Layer layer = vertex.getLayer();
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            String type = conf.getClass().getSimpleName();
            return isFrozen(layer) ? "Frozen(" + type + ")" : type;
        }
        return vertex.getClass().getSimpleName();
    }

    private static List<String> inputNames(ComputationGraph graph, GraphVertex vertex) {
        List<String> names = new ArrayList<>();
        if (vertex.getInputVertices() != null) {
            for (var in : vertex.getInputVertices()) {
                names.add(graph.getVertices()[in.getVertexIndex()].getVertexName());
            }
        }
        return names;
    }

    static String format(InputType type) {
        if (type instanceof InputType.InputTypeConvolutional c) {
            return "(None, " + c.getChannels() + ", " + c.getHeight() + ", " + c.getWidth() + ")";
        }
        if (type instanceof InputType.InputTypeFeedForward f) {
            return "(None, " + f.getSize() + ")";
        }
        return type == null ? "?" : type.toString();
    }

    /** The summary as a fixed-width text table, like Keras prints it. */
    public String toText(String title) {
        int nameWidth = Math.max(28, rows.stream().mapToInt(r -> r.name().length() + r.type().length() + 3).max().orElse(0));
        int shapeWidth = Math.max(20, rows.stream().mapToInt(r -> r.outputShape().length()).max().orElse(0));
        String rule = "_".repeat(nameWidth + shapeWidth + 30);
        StringBuilder out = new StringBuilder();
        out.append("Model: \"").append(title).append("\"\n").append(rule).append('\n');
        out.append(String.format("%-" + nameWidth + "s %-" + shapeWidth + "s %12s   %s%n", "Layer (type)", "Output Shape",
                "Param #", "Connected to"));
        out.append("=".repeat(rule.length())).append('\n');
        for (Row r : rows) {
            out.append(String.format("%-" + nameWidth + "s %-" + shapeWidth + "s %,12d   %s%n", r.name() + " (" + r.type() + ")",
                    r.outputShape(), r.params(), String.join(", ", r.inputs())));
        }
        out.append("=".repeat(rule.length())).append('\n');
        out.append(String.format("Total params: %,d%n", totalParams));
        out.append(String.format("Trainable params: %,d%n", trainableParams));
        out.append(String.format("Non-trainable params: %,d%n", nonTrainableParams()));
        out.append(String.format("PyTorch count (no batch-norm moving statistics): %,d%n", pytorchParams()));
        out.append(rule).append('\n');
        out.append("Shapes are channels-first (N, C, H, W), as DL4J computes them.\n");
        return out.toString();
    }
}
