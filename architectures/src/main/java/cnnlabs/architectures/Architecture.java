package cnnlabs.architectures;

import java.util.function.Function;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A registered architecture: a short name, the lab it comes from, its input shape and a function from
 * {@link BuildOptions} to the graph configuration.
 */
public record Architecture(String name, String source, String description, InputShape inputShape, int numClasses,
                           Function<BuildOptions, ComputationGraphConfiguration> configuration) {

    /** The initialised graph (weights drawn from {@code options.seed()}). */
    public ComputationGraph build(BuildOptions options) {
        ComputationGraph graph = new ComputationGraph(configuration.apply(options));
        graph.init();
        return graph;
    }

    /** The Keras-style summary of a freshly built graph. */
    public ModelSummary summary(BuildOptions options) {
        return ModelSummary.of(build(options), inputShape);
    }
}
