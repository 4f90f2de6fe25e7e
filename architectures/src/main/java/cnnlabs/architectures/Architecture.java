package cnnlabs.architectures;

import java.util.function.Function;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * A registered classifier: a short name, the lab it comes from, its input shape, its number of classes and a
 * function from {@link BuildOptions} to the graph configuration.
 */
public record Architecture(String name, String source, String description, InputShape inputShape, int numClasses,
                           Function<BuildOptions, ComputationGraphConfiguration> configuration) implements GraphSpec {

    @Override
    public ComputationGraphConfiguration configure(BuildOptions options) {
        return configuration.apply(options);
    }
}
