package cnnlabs.architectures;

import static cnnlabs.architectures.GraphBlocks.INPUT;
import static cnnlabs.architectures.GraphBlocks.SAME;
import static cnnlabs.architectures.GraphBlocks.VALID;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;

/**
 * The Keras models of Lab 3 ("Convolutional Neural Networks", seed 003), layer for layer, for 28x28x1
 * MNIST input. Parameter counts equal Keras' {@code model.summary()}.
 */
public final class Lab3Models {

    public static final InputShape MNIST = new InputShape(1, 28, 28);
    public static final int CLASSES = 10;

    private Lab3Models() {
    }

    /** Part 2 "Simple CNN for MNIST": three 3x3 ReLU convs, two max pools, dense 64, dropout 0.5. 93,322 params. */
    public static ComputationGraphConfiguration simpleCnn(BuildOptions options) {
        GraphBlocks g = new GraphBlocks(options, MNIST);
        String x = g.conv("conv1", INPUT, 32, 3, 1, VALID, Activation.RELU);
        x = g.maxPool("pool1", x, 2);
        x = g.conv("conv2", x, 64, 3, 1, VALID, Activation.RELU);
        x = g.maxPool("pool2", x, 2);
        x = g.conv("conv3", x, 64, 3, 1, VALID, Activation.RELU);
        x = g.flatten("flatten", x);
        x = g.dense("dense1", x, 64, Activation.RELU);
        x = g.dropout("dropout", x, 0.5);
        return g.softmaxOutput("output", x, CLASSES);
    }

    /** Part 3 LeNet-5: 5x5 tanh convs with 2x2 average pooling, dense 120 and 84 (tanh). 44,426 params. */
    public static ComputationGraphConfiguration lenet5(BuildOptions options) {
        GraphBlocks g = new GraphBlocks(options, MNIST);
        String x = g.conv("conv1", INPUT, 6, 5, 1, VALID, Activation.TANH);
        x = g.avgPool("pool1", x, 2);
        x = g.conv("conv2", x, 16, 5, 1, VALID, Activation.TANH);
        x = g.avgPool("pool2", x, 2);
        x = g.flatten("flatten", x);
        x = g.dense("dense1", x, 120, Activation.TANH);
        x = g.dense("dense2", x, 84, Activation.TANH);
        return g.softmaxOutput("output", x, CLASSES);
    }

    /** Part 3 VGG-style: two blocks of two 3x3 'same' ReLU convs (64, 128) and a max pool, dense 256, dropout 0.5. 1,867,466 params. */
    public static ComputationGraphConfiguration vggStyle(BuildOptions options) {
        GraphBlocks g = new GraphBlocks(options, MNIST);
        String x = g.conv("block1.conv1", INPUT, 64, 3, 1, SAME, Activation.RELU);
        x = g.conv("block1.conv2", x, 64, 3, 1, SAME, Activation.RELU);
        x = g.maxPool("block1.pool", x, 2);
        x = g.conv("block2.conv1", x, 128, 3, 1, SAME, Activation.RELU);
        x = g.conv("block2.conv2", x, 128, 3, 1, SAME, Activation.RELU);
        x = g.maxPool("block2.pool", x, 2);
        x = g.flatten("flatten", x);
        x = g.dense("dense1", x, 256, Activation.RELU);
        x = g.dropout("dropout", x, 0.5);
        return g.softmaxOutput("output", x, CLASSES);
    }

    /**
     * Part 3 ResNet-style: a 3x3 conv + BN + ReLU stem (64), residual blocks of 64, 128 (stride 2) and 256
     * (stride 2) with 1x1 projection shortcuts where the shape changes, global average pooling, softmax.
     * 1,230,474 params, 1,227,786 trainable (BN moving statistics are not trained).
     */
    public static ComputationGraphConfiguration resnetStyle(BuildOptions options) {
        GraphBlocks g = new GraphBlocks(options, MNIST);
        String x = g.conv("stem.conv", INPUT, 64, 3, 1, SAME, Activation.IDENTITY);
        x = g.batchNorm("stem.bn", x);
        x = g.activation("stem.relu", x, Activation.RELU);
        x = g.residualBlock("stage1.block1", x, 64, 64, 1);
        x = g.residualBlock("stage2.block1", x, 64, 128, 2);
        x = g.residualBlock("stage3.block1", x, 128, 256, 2);
        x = g.globalAvgPool("pool", x);
        return g.softmaxOutput("output", x, CLASSES);
    }
}
