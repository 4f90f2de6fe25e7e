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

    /**
     * This model with a softmax classifier of {@code classes} classes (for a dataset with another number of classes than
     * the lab's); itself when it already has that many. Only the classifier's width changes.
     */
    public Architecture withClasses(int classes) {
        if (classes == numClasses) {
            return this;
        }
        return new Architecture(name, source, description, inputShape, classes,
                options -> configuration.apply(options.withClasses(classes)));
    }
}
