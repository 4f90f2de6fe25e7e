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
                    Lab3Models.MNIST, Lab3Models.CLASSES, Lab3Models::resnetStyle))
            .register(new Architecture("pytorch-simple-cnn", LAB3 + " Part 7",
                    "the PyTorch twin of simple-cnn: three 3x3 convs, two max pools, linear 64, dropout 0.5",
                    Lab3Models.MNIST, Lab3Models.CLASSES, MnistTorchModels::pytorchSimpleCnn))
            .register(new Architecture("small-cnn", "seed 000 SmallCNN",
                    "conv-BN-ReLU-pool x2 (32, 64) backbone, classifier linear 128, dropout 0.2", CifarModels.CIFAR,
                    CifarModels.CLASSES, CifarModels::smallCnn))
            .register(new Architecture("configurable-baseline", "seed 000 build_cnn(baseline_cfg)",
                    "configurable CNN [32, 64] with BN, global average pooling", CifarModels.CIFAR, CifarModels.CLASSES,
                    o -> CifarModels.configurable(CifarModels.BASELINE, o)))
            .register(new Architecture("configurable-deeper", "seed 000 build_cnn(deeper_cfg)",
                    "configurable CNN [32, 64, 128] with BN and residual blocks, global average pooling",
                    CifarModels.CIFAR, CifarModels.CLASSES, o -> CifarModels.configurable(CifarModels.DEEPER, o)))
            .register(new Architecture("simple-cnn-001", "seed 001 SimpleCNN",
                    "two 3x3 convs (32, 64, padding 1) with max pools, linear 128, dropout 0.5", Lab3Models.MNIST,
                    Lab3Models.CLASSES, MnistTorchModels::simpleCnn001))
            .register(new Architecture("lenet-001", "seed 001 LeNet",
                    "LeNet with ReLU and max pooling on 32x32 input, linear 120-84", MnistTorchModels.LENET_INPUT,
                    Lab3Models.CLASSES, MnistTorchModels::lenet001))
            .register(new Architecture("cnn-bn-001", "seed 001 CNNWithBatchNorm",
                    "conv-BN-ReLU-pool x2 (32, 64), linear 4096 -> 10 (the seed's 64*16*16 fixed to 64*8*8)",
                    CifarModels.CIFAR, CifarModels.CLASSES, CifarModels::cnnWithBatchNorm))
            .register(new Architecture("cnn-plain-001", "seed 001 exercise, without batch norm",
                    "CNNWithBatchNorm without its batch norm: conv-ReLU-pool x2 (32, 64), linear 4096 -> 10",
                    CifarModels.CIFAR, CifarModels.CLASSES, CifarModels::cnnPlain))
            .register(new Architecture("simple-cnn-002", "seed 002 §3.1 SimpleCNN",
                    "three conv-ReLU-pool (32, 64, 128), linear 256, dropout 0.5", CifarModels.CIFAR, CifarModels.CLASSES,
                    CifarModels::simpleCnn002))
            .register(new Architecture("vgg-bn", "seed 002 §3.2 VGGStyleCNN",
                    "VGG blocks of conv-BN-ReLU (64x2, 128x2, 256x3), global average pooling, linear 256, dropout 0.5",
                    CifarModels.CIFAR, CifarModels.CLASSES, CifarModels::vggBn))
            .register(new Architecture("resnet18", "seed 002 §3.3 ResNet18",
                    "ResNet-18, CIFAR stem (3x3 conv, no max pool), basic blocks [2, 2, 2, 2]", CifarModels.CIFAR,
                    CifarModels.CLASSES, o -> CifarModels.resnet(CifarModels.ResNetDepth.RESNET18, o)))
            .register(new Architecture("resnet34", "seed 002 §3.3 ResNet34",
                    "ResNet-34, CIFAR stem, basic blocks [3, 4, 6, 3]", CifarModels.CIFAR, CifarModels.CLASSES,
                    o -> CifarModels.resnet(CifarModels.ResNetDepth.RESNET34, o)))
            .register(new Architecture("resnet50", "seed 002 §3.3 ResNet50",
                    "ResNet-50, CIFAR stem, bottleneck blocks [3, 4, 6, 3]", CifarModels.CIFAR, CifarModels.CLASSES,
                    o -> CifarModels.resnet(CifarModels.ResNetDepth.RESNET50, o)))
            .register(new Architecture("tiny-cnn", "seed 004 TinyCNN",
                    "conv-ReLU-pool x2 (32, 64), linear 4096 -> 10", CifarModels.CIFAR, CifarModels.CLASSES,
                    CifarModels::tinyCnn))
            .register(new Architecture("alexnet", "seed 004 AlexNet (torchvision layout)",
                    "AlexNet: five convs, three max pools, adaptive average pool 6x6, linear 4096-4096-1000",
                    AlexNet.INPUT_SHAPE, AlexNet.CLASSES, AlexNet::alexnet))
            .register(new Architecture("mobilenetv2", LAB3 + " Part 5",
                    "Keras' MobileNetV2 (alpha 1.0, Keras layer names) with the lab head: global average pooling, "
                            + "dropout 0.2, dense 10", MobileNetV2.CIFAR, 10, MobileNetV2::lab));

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
