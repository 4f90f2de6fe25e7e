package cnnlabs.architectures.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * DL4J's {@link ComputationGraph} that, while it computes a training step's gradient, does not compute the gradient
 * at its network inputs: a {@link FastConvolutionLayer} fed straight by a network input (and by nothing else reading
 * that input, with no preprocessor) is told to return only its weight and bias gradients.
 *
 * <p>Why: DL4J's graph runs every layer's full backward pass and then drops the gradient the first layer hands to
 * the input. For the lab's MNIST models that first backward convolution (one input channel) was the most expensive
 * oneDNN call of a LeNet-5 step. Everything else ({@code backpropGradient(epsilons)}, {@code output},
 * {@code feedForward}, layers used on their own) still gets input gradients; a graph restored from a file or cloned
 * is DL4J's plain class and computes them as before.
 */
public class FastGraph extends ComputationGraph {

    private transient List<FastConvolutionLayer.Impl> firstLayers;

    public FastGraph(ComputationGraphConfiguration configuration) {
        super(configuration);
    }

    @Override
    public void computeGradientAndScore() {
        List<FastConvolutionLayer.Impl> first = firstLayers();
        first.forEach(l -> l.inputGradientWanted(false));
        try {
            super.computeGradientAndScore();
        } finally {
            first.forEach(l -> l.inputGradientWanted(true));
        }
    }

    /** The fast convolutions whose input gradient a training step never reads. */
    List<FastConvolutionLayer.Impl> firstLayers() {
        if (firstLayers == null) {
            ComputationGraphConfiguration conf = getConfiguration();
            List<FastConvolutionLayer.Impl> out = new ArrayList<>();
            for (String in : conf.getNetworkInputs()) {
                List<String> consumers = new ArrayList<>();
                for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
                    if (e.getValue().contains(in)) {
                        consumers.add(e.getKey());
                    }
                }
                if (consumers.size() == 1 && !conf.getNetworkOutputs().contains(in)
                        && conf.getVertices().get(consumers.get(0)) instanceof LayerVertex lv && lv.getPreProcessor() == null
                        && getLayer(consumers.get(0)) instanceof FastConvolutionLayer.Impl conv) {
                    out.add(conv);
                }
            }
            firstLayers = List.copyOf(out);
        }
        return firstLayers;
    }
}
