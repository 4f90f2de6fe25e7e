package cnnlabs.architectures;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** Every architecture cnnlabs knows, by name. */
public final class Architectures {

    private static final String LAB3 = "Lab 3 (seed 003)";

    private static final Registry<Architecture> REGISTRY = new Registry<Architecture>("architecture", Architecture::name)
            .register(new Architecture("simple-cnn", LAB3 + " Part 2",
                    "three 3x3 ReLU convs, two max pools, dense 64, dropout 0.5", Lab3Models.MNIST, Lab3Models.CLASSES,
                    Lab3Models::simpleCnn))
            .register(new Architecture("lenet5", LAB3 + " Part 3",
                    "LeNet-5: 5x5 tanh convs, average pooling, dense 120-84", Lab3Models.MNIST, Lab3Models.CLASSES,
                    Lab3Models::lenet5))
            .register(new Architecture("vgg-style", LAB3 + " Part 3",
                    "two VGG blocks (2x conv 64, 2x conv 128, 'same'), dense 256, dropout 0.5", Lab3Models.MNIST,
                    Lab3Models.CLASSES, Lab3Models::vggStyle))
            .register(new Architecture("resnet-style", LAB3 + " Part 3",
                    "conv+BN stem, residual blocks 64, 128/2, 256/2 with 1x1 projections, global average pooling",
                    Lab3Models.MNIST, Lab3Models.CLASSES, Lab3Models::resnetStyle));

    private Architectures() {
    }

    /** The architecture called {@code name}; throws {@link UnknownNameException} listing the names. */
    public static Architecture get(String name) {
        return REGISTRY.get(name);
    }

    /** Builds and initialises the architecture called {@code name}. */
    public static ComputationGraph create(String name, BuildOptions options) {
        return get(name).build(options);
    }

    public static List<Architecture> all() {
        return REGISTRY.all();
    }

    public static List<String> names() {
        return REGISTRY.names();
    }
}
