package cnnlabs.architectures;

import org.nd4j.linalg.activations.Activation;

/**
 * The building blocks of seed 002 ("CNNs from Scratch") and seed 000 ({@code build_cnn}), each as a method that
 * adds its vertices to a {@link GraphBlocks} graph under {@code prefix} and returns the name of its output
 * vertex, so a block can sit inside any graph. Layer for layer as the seeds' PyTorch modules (bias switches,
 * padding, order of batch norm and ReLU), so their parameter counts are the seeds'.
 */
public final class Blocks {

    private Blocks() {
    }

    /** Seed 002 {@code ConvBlock}, seed 000 {@code conv_block}: conv(k, padding k/2) - [BN] - ReLU. */
    public static String convBnRelu(GraphBlocks g, String prefix, String in, int outChannels, int kernel, boolean batchNorm) {
        String x = g.conv2d(prefix + ".conv", in, outChannels, kernel, 1, kernel / 2, true);
        if (batchNorm) {
            x = g.batchNorm(prefix + ".bn", x);
        }
        return g.relu(prefix + ".relu", x);
    }

    /**
     * Seed 002 {@code BasicBlock}: conv3x3(stride) - BN - ReLU - conv3x3 - BN, plus the shortcut (identity, or a
     * 1x1 conv(stride) + BN projection when the stride or the channel count changes), added, then ReLU. Convs
     * have no bias. 64 -> 64: 73,984 parameters.
     */
    public static String basicBlock(GraphBlocks g, String prefix, String in, int inChannels, int outChannels, int stride) {
        String x = g.conv2d(prefix + ".conv1", in, outChannels, 3, stride, 1, false);
        x = g.batchNorm(prefix + ".bn1", x);
        x = g.relu(prefix + ".relu1", x);
        x = g.conv2d(prefix + ".conv2", x, outChannels, 3, 1, 1, false);
        x = g.batchNorm(prefix + ".bn2", x);
        String shortcut = shortcut(g, prefix, in, inChannels, outChannels, stride);
        return g.relu(prefix + ".relu", g.add(prefix + ".add", x, shortcut));
    }

    /** Seed 002 {@code Bottleneck.expansion}: a bottleneck block outputs 4x its width. */
    public static final int BOTTLENECK_EXPANSION = 4;

    /**
     * Seed 002 {@code Bottleneck}: 1x1 conv (width) - BN - ReLU - 3x3 conv(stride) - BN - ReLU - 1x1 conv
     * (4 x width) - BN, plus the shortcut, added, then ReLU. 64 in, width 64: 256 out, 75,008 parameters.
     */
    public static String bottleneck(GraphBlocks g, String prefix, String in, int inChannels, int width, int stride) {
        int out = width * BOTTLENECK_EXPANSION;
        String x = g.conv2d(prefix + ".conv1", in, width, 1, 1, 0, false);
        x = g.relu(prefix + ".relu1", g.batchNorm(prefix + ".bn1", x));
        x = g.conv2d(prefix + ".conv2", x, width, 3, stride, 1, false);
        x = g.relu(prefix + ".relu2", g.batchNorm(prefix + ".bn2", x));
        x = g.conv2d(prefix + ".conv3", x, out, 1, 1, 0, false);
        x = g.batchNorm(prefix + ".bn3", x);
        String shortcut = shortcut(g, prefix, in, inChannels, out, stride);
        return g.relu(prefix + ".relu", g.add(prefix + ".add", x, shortcut));
    }

    /** Identity, or 1x1 conv(stride, no bias) + BN when the shape changes. */
    private static String shortcut(GraphBlocks g, String prefix, String in, int inChannels, int outChannels, int stride) {
        if (stride == 1 && inChannels == outChannels) {
            return in;
        }
        String s = g.conv2d(prefix + ".shortcut.conv", in, outChannels, 1, stride, 0, false);
        return g.batchNorm(prefix + ".shortcut.bn", s);
    }

    /** Seed 002 {@code ChannelMixer}: a 1x1 conv with bias. 256 -> 64: 16,448 parameters (a 3x3 conv: 147,520). */
    public static String channelMixer(GraphBlocks g, String prefix, String in, int outChannels) {
        return g.conv2d(prefix + ".conv", in, outChannels, 1, 1, 0, true);
    }

    /**
     * Seed 002 {@code DepthwiseSeparableConv}: depthwise kxk (no bias) - BN - ReLU - pointwise 1x1 (no bias) - BN
     * - ReLU. 64 -> 128, k=3: 9,152 parameters, against 73,856 for a standard 3x3 conv.
     */
    public static String depthwiseSeparable(GraphBlocks g, String prefix, String in, int outChannels, int kernel, int stride) {
        String x = g.depthwiseConv2d(prefix + ".depthwise", in, kernel, stride, kernel / 2, false);
        x = g.relu(prefix + ".relu1", g.batchNorm(prefix + ".bn1", x));
        x = g.conv2d(prefix + ".pointwise", x, outChannels, 1, 1, 0, false);
        return g.relu(prefix + ".relu2", g.batchNorm(prefix + ".bn2", x));
    }

    /**
     * Seed 002 {@code SEBlock}: squeeze (global average pooling), excitation (linear C -> C/r, ReLU, linear
     * C/r -> C, sigmoid; no biases), scale (each channel of the input times its weight, through
     * {@link GraphBlocks#channelScale}). 64 channels, r = 16: 512 parameters.
     */
    public static String squeezeExcitation(GraphBlocks g, String prefix, String in, int channels, int reduction) {
        String y = g.globalAvgPool(prefix + ".squeeze", in);
        y = g.linear(prefix + ".fc1", y, channels / reduction, false);
        y = g.relu(prefix + ".relu", y);
        y = g.linear(prefix + ".fc2", y, channels, false);
        y = g.activation(prefix + ".sigmoid", y, Activation.SIGMOID);
        return g.channelScale(prefix + ".scale", in, y);
    }

    /** Seed 002 {@code SEBasicBlock}: a basic block with SE (r) applied before the shortcut is added. 64 -> 64: 74,496. */
    public static String seBasicBlock(GraphBlocks g, String prefix, String in, int inChannels, int outChannels, int stride,
                                      int reduction) {
        String x = g.conv2d(prefix + ".conv1", in, outChannels, 3, stride, 1, false);
        x = g.relu(prefix + ".relu1", g.batchNorm(prefix + ".bn1", x));
        x = g.conv2d(prefix + ".conv2", x, outChannels, 3, 1, 1, false);
        x = g.batchNorm(prefix + ".bn2", x);
        x = squeezeExcitation(g, prefix + ".se", x, outChannels, reduction);
        String shortcut = shortcut(g, prefix, in, inChannels, outChannels, stride);
        return g.relu(prefix + ".relu", g.add(prefix + ".add", x, shortcut));
    }

    /**
     * Seed 002 {@code MBConv} (solution 1): 1x1 expansion to {@code in x expansion} channels (skipped when the
     * expansion is 1) - BN - ReLU6, 3x3 depthwise(stride) - BN - ReLU6, SE (ratio), 1x1 projection - BN, plus the
     * input when stride is 1 and the channel count is kept. 32 -> 32, expansion 4, SE ratio 4: 18,112 parameters.
     */
    public static String mbConv(GraphBlocks g, String prefix, String in, int inChannels, int outChannels, int expansion,
                                int stride, int seRatio) {
        int hidden = inChannels * expansion;
        String x = in;
        if (expansion != 1) {
            x = g.conv2d(prefix + ".expand", x, hidden, 1, 1, 0, false);
            x = g.activation(prefix + ".expand.relu6", g.batchNorm(prefix + ".expand.bn", x), Activation.RELU6);
        }
        x = g.depthwiseConv2d(prefix + ".depthwise", x, 3, stride, 1, false);
        x = g.activation(prefix + ".depthwise.relu6", g.batchNorm(prefix + ".depthwise.bn", x), Activation.RELU6);
        x = squeezeExcitation(g, prefix + ".se", x, hidden, seRatio);
        x = g.conv2d(prefix + ".project", x, outChannels, 1, 1, 0, false);
        x = g.batchNorm(prefix + ".project.bn", x);
        return stride == 1 && inChannels == outChannels ? g.add(prefix + ".add", x, in) : x;
    }

    /** Seed 002 {@code DenseLayer}'s bottleneck width multiplier ({@code bn_size}). */
    public static final int DENSE_BN_SIZE = 4;

    /**
     * Seed 002 {@code DenseBlock} (solution 3): {@code layers} dense layers, each BN - ReLU - 1x1 conv
     * (4 x growth) - BN - ReLU - 3x3 conv (growth), no biases, each fed the concatenation of the block's input
     * and every earlier layer's output; the block outputs that concatenation, {@code in + layers x growth}
     * channels. 4 layers, 64 in, growth 32: 192 channels out, 206,720 parameters.
     */
    public static String denseBlock(GraphBlocks g, String prefix, String in, int layers, int growth) {
        String[] features = new String[layers + 1];
        features[0] = in;
        for (int i = 0; i < layers; i++) {
            String layer = prefix + ".layer" + (i + 1);
            String x = i == 0 ? in : g.concat(layer + ".concat", java.util.Arrays.copyOf(features, i + 1));
            x = g.relu(layer + ".relu1", g.batchNorm(layer + ".bn1", x));
            x = g.conv2d(layer + ".conv1", x, DENSE_BN_SIZE * growth, 1, 1, 0, false);
            x = g.relu(layer + ".relu2", g.batchNorm(layer + ".bn2", x));
            features[i + 1] = g.conv2d(layer + ".conv2", x, growth, 3, 1, 1, false);
        }
        return g.concat(prefix + ".concat", features);
    }
}
