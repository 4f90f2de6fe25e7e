package cnnlabs.architectures;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** Something registered by name that builds a {@link ComputationGraph}: an {@link Architecture} or a {@link Block}. */
public interface GraphSpec {

    String name();

    /** The lab (seed) and section it comes from. */
    String source();

    String description();

    InputShape inputShape();

    ComputationGraphConfiguration configure(BuildOptions options);

    /**
     * The initialised graph (weights drawn from {@code options.seed()}): DL4J's own {@link ComputationGraph}, as plain
     * DL4J runs it. (The experiments run graphs through the oneDNN runtime, which makes any configuration fast.)
     */
    default ComputationGraph build(BuildOptions options) {
        ComputationGraph graph = new ComputationGraph(configure(options));
        graph.init();
        return graph;
    }

    /** The Keras-style summary of a freshly built graph. */
    default ModelSummary summary(BuildOptions options) {
        return ModelSummary.of(build(options), inputShape());
    }
}
