package cnnlabs.experiments.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where to look inside a trained graph, found from the graph itself rather than from a model's vertex names: its first
 * convolution, and the last vertex at each spatial resolution (a ResNet's {@code layer1..layer4}, a VGG's blocks).
 */
public final class GraphProbes {

    private GraphProbes() {
    }

    /** The graph's vertices in the order they run (DL4J's topological order), inputs excluded. */
    public static List<String> vertices(ComputationGraph graph) {
        List<String> out = new ArrayList<>();
        for (String name : graph.getConfiguration().getTopologicalOrderStr()) {
            if (!graph.getConfiguration().getNetworkInputs().contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** The first convolution layer in running order; its weights are (out, in, kH, kW). */
    public static String firstConvolution(ComputationGraph graph) {
        for (String name : vertices(graph)) {
            Layer layer = graph.getVertex(name).getLayer();
            if (layer != null && layer.conf().getLayer() instanceof ConvolutionLayer) {
                return name;
            }
        }
        throw new IllegalArgumentException("the graph has no convolution layer");
    }

    /**
     * From every vertex's activations ({@code ComputationGraph.feedForward(input, false)}), the last four-dimensional
     * one at each spatial resolution, in running order: where each stage of a CNN ends.
     */
    public static Map<String, INDArray> stageEnds(ComputationGraph graph, Map<String, INDArray> activations) {
        Map<Long, String> lastAtSize = new LinkedHashMap<>();
        for (String name : vertices(graph)) {
            INDArray a = activations.get(name);
            if (a != null && a.rank() == 4) {
                long size = a.size(2) * 100_000L + a.size(3);
                lastAtSize.remove(size);
                lastAtSize.put(size, name);
            }
        }
        List<String> ends = new ArrayList<>(lastAtSize.values());
        ends.sort((x, y) -> Integer.compare(vertices(graph).indexOf(x), vertices(graph).indexOf(y)));
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String name : ends) {
            out.put(name, activations.get(name));
        }
        return out;
    }
}
