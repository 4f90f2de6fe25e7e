package cnnlabs.architectures;

import static cnnlabs.architectures.GraphBlocks.INPUT;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/** The labs' PyTorch CNNs for greyscale digits (seed 001 and seed 003 Part 7), layer for layer. */
public final class MnistTorchModels {

    /** Seed 001's LeNet flattens 16 x 5 x 5 features, which two 5x5 convs and two 2x2 pools give only from 32x32. */
    public static final InputShape LENET_INPUT = new InputShape(1, 32, 32);

    private MnistTorchModels() {
    }

    /** Seed 001 {@code SimpleCNN}: conv 32 and 64 (3x3, padding 1) + ReLU + pool, linear 3136 -> 128, dropout 0.5. 421,642. */
    public static ComputationGraphConfiguration simpleCnn001(BuildOptions options) {
        GraphBlocks g = GraphBlocks.pytorch(options, Lab3Models.MNIST);
        String x = g.relu("relu1", g.conv2d("conv1", INPUT, 32, 3, 1, 1, true));
        x = g.maxPool("pool1", x, 2, 2, 0);
        x = g.relu("relu2", g.conv2d("conv2", x, 64, 3, 1, 1, true));
        x = g.maxPool("pool2", x, 2, 2, 0);
        x = g.relu("relu3", g.linear("fc1", g.flatten("flatten", x), 128, true));
        x = g.dropout("dropout", x, 0.5);
        return g.softmaxOutput("fc2", x, Lab3Models.CLASSES);
    }

    /**
     * Seed 001 {@code LeNet}: conv 6 (5x5) - ReLU - max pool, conv 16 (5x5) - ReLU - max pool, linear 400 -> 120
     * -> 84 -> 10 with ReLU. The ReLU / max-pool variant, not Lab 3's tanh / average-pool LeNet-5. 61,706.
     */
    public static ComputationGraphConfiguration lenet001(BuildOptions options) {
        GraphBlocks g = GraphBlocks.pytorch(options, LENET_INPUT);
        String x = g.relu("features.relu1", g.conv2d("features.conv1", INPUT, 6, 5, 1, 0, true));
        x = g.maxPool("features.pool1", x, 2, 2, 0);
        x = g.relu("features.relu2", g.conv2d("features.conv2", x, 16, 5, 1, 0, true));
        x = g.maxPool("features.pool2", x, 2, 2, 0);
        x = g.relu("classifier.relu1", g.linear("classifier.fc1", g.flatten("flatten", x), 120, true));
        x = g.relu("classifier.relu2", g.linear("classifier.fc2", x, 84, true));
        return g.softmaxOutput("classifier.fc3", x, Lab3Models.CLASSES);
    }

    /**
     * Lab 3 (seed 003) Part 7 {@code SimpleCNN}, the PyTorch twin of the Keras simple CNN: conv 32 - ReLU - pool,
     * conv 64 - ReLU - pool, conv 64 - ReLU, linear 576 -> 64, dropout 0.5, linear 64 -> 10. 93,322 parameters.
     */
    public static ComputationGraphConfiguration pytorchSimpleCnn(BuildOptions options) {
        GraphBlocks g = GraphBlocks.pytorch(options, Lab3Models.MNIST);
        String x = g.relu("relu1", g.conv2d("conv1", INPUT, 32, 3, 1, 0, true));
        x = g.maxPool("pool1", x, 2, 2, 0);
        x = g.relu("relu2", g.conv2d("conv2", x, 64, 3, 1, 0, true));
        x = g.maxPool("pool2", x, 2, 2, 0);
        x = g.relu("relu3", g.conv2d("conv3", x, 64, 3, 1, 0, true));
        x = g.relu("fc1.relu", g.linear("fc1", g.flatten("flatten", x), 64, true));
        x = g.dropout("dropout", x, 0.5);
        return g.softmaxOutput("fc2", x, Lab3Models.CLASSES);
    }
}
