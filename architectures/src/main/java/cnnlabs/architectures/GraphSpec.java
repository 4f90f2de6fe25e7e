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

    /** The initialised graph (weights drawn from {@code options.seed()}). */
    default ComputationGraph build(BuildOptions options) {
        return NativeHelpers.init(configure(options));
    }

    /** The Keras-style summary of a freshly built graph. */
    default ModelSummary summary(BuildOptions options) {
        return ModelSummary.of(build(options), inputShape());
    }
}
