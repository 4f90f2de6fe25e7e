package cnnlabs.architectures.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

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
 *
 * <p>It also arranges where activations lie: at {@link #init} every fast convolution whose output only fast
 * convolutions, pooling layers and DL4J's global pooling read is told to write it channels-last ({@link ChannelsLast});
 * those readers take it without a layout conversion (global pooling averages it where it lies and hands back an NCHW
 * gradient, which the layer behind copies channels-last once). The same holds through fast batch norm, ReLU layers
 * and {@link FastAddVertex} (a residual block), whose own readers must then take it too. What any layer computes
 * stays the same.
 */
public class FastGraph extends ComputationGraph {

    private transient List<FastConvolutionLayer.Impl> firstLayers;

    public FastGraph(ComputationGraphConfiguration configuration) {
        super(configuration);
    }

    @Override
    public void init(INDArray parameters, boolean cloneParametersArray) {
        super.init(parameters, cloneParametersArray);
        for (String name : getConfiguration().getVertices().keySet()) {
            if (getLayer(name) instanceof FastConvolutionLayer.Impl conv) {
                conv.channelsLastOutput(readersTakeChannelsLast(name));
            }
        }
    }

    /**
     * Whether every reader of vertex {@code name}'s output takes channels-last arrays where they lie and the output
     * is not a network output: fast convolution and pooling layers, DL4J's global pooling; also fast batch norm, fast ReLU layers and
     * {@link FastAddVertex}, which hand channels-last on, so their own readers must take it too.
     */
    private boolean readersTakeChannelsLast(String name) {
        ComputationGraphConfiguration conf = getConfiguration();
        if (conf.getNetworkOutputs().contains(name)) {
            return false;
        }
        int readers = 0;
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            if (!e.getValue().contains(name)) {
                continue;
            }
            readers++;
            String reader = e.getKey();
            org.deeplearning4j.nn.conf.graph.GraphVertex vertex = conf.getVertices().get(reader);
            boolean takes;
            if (vertex instanceof LayerVertex lv) {
                org.deeplearning4j.nn.api.Layer layer = getLayer(reader);
                takes = lv.getPreProcessor() == null && (layer instanceof FastConvolutionLayer.Impl
                        || layer instanceof FastSubsamplingLayer.Impl
                        || layer instanceof org.deeplearning4j.nn.layers.pooling.GlobalPoolingLayer
                        || handsOnChannelsLast(layer) && readersTakeChannelsLast(reader));
            } else {
                takes = vertex instanceof FastAddVertex && readersTakeChannelsLast(reader);
            }
            if (!takes) {
                return false;
            }
        }
        return readers > 0;
    }

    /** Layers that read a channels-last input where it lies and write their output channels-last. */
    private static boolean handsOnChannelsLast(org.deeplearning4j.nn.api.Layer layer) {
        return layer instanceof FastActivationLayer.Impl relu && relu.plainRelu()
                || layer instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization bn
                && bn.getHelper() instanceof FastBatchNormHelper;
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
