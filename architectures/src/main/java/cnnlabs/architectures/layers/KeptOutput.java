package cnnlabs.architectures.layers;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;

/**
 * A layer configuration whose layer keeps its training forward output for its own backward pass (the fast
 * convolution and ReLU layers), which is right only while nothing changes that array in between.
 */
public interface KeptOutput {

    /** Whether the layer keeps its training output for the backward pass (the default). */
    boolean isKeepOutput();

    void setKeepOutput(boolean keepOutput);

    /**
     * Turns output keeping off for every such layer in {@code configuration} whose output goes to a layer with
     * dropout: DL4J lets a layer that is its input's only consumer apply dropout (or Gaussian noise) to it in place,
     * which would change the kept array before the backward pass reads it. {@link cnnlabs.architectures.NativeHelpers#init}
     * calls this for every graph it creates. Returns {@code configuration}.
     */
    static ComputationGraphConfiguration guard(ComputationGraphConfiguration configuration) {
        for (Map.Entry<String, List<String>> e : configuration.getVertexInputs().entrySet()) {
            if (configuration.getVertices().get(e.getKey()) instanceof LayerVertex consumer
                    && consumer.getLayerConf().getLayer().getIDropout() != null) {
                for (String in : e.getValue()) {
                    if (configuration.getVertices().get(in) instanceof LayerVertex producer
                            && producer.getLayerConf().getLayer() instanceof KeptOutput kept) {
                        kept.setKeepOutput(false);
                    }
                }
            }
        }
        return configuration;
    }
}
