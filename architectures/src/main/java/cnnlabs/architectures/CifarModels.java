package cnnlabs.architectures;

import static cnnlabs.architectures.GraphBlocks.INPUT;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * The PyTorch CNNs of seeds 000, 001, 002 and 004 for 32x32 RGB input (CIFAR-10 sized), layer for layer as the
 * seeds write them, with PyTorch's counting (batch-norm weight and bias only) equal to theirs.
 */
public final class CifarModels {

    public static final InputShape CIFAR = new InputShape(3, 32, 32);
    public static final int CLASSES = 10;

    private CifarModels() {
    }

    /**
     * Seed 000 {@code SmallCNN}: backbone {@code features} (conv 32 - BN - ReLU - pool, conv 64 - BN - ReLU - pool),
     * {@code classifier} (flatten, linear 4096 -> 128, ReLU, dropout 0.2, linear 128 -> 10). 545,290 parameters,
     * 525,706 of them in the classifier. The backbone's last vertex is {@link #SMALL_CNN_BACKBONE_END}.
     */
    public static ComputationGraphConfiguration smallCnn(BuildOptions options) {
        GraphBlocks g = GraphBlocks.pytorch(options, CIFAR);
        String x = g.conv2d("features.conv1", INPUT, 32, 3, 1, 1, true);
        x = g.relu("features.relu1", g.batchNorm("features.bn1", x));
        x = g.maxPool("features.pool1", x, 2, 2, 0);
        x = g.conv2d("features.conv2", x, 64, 3, 1, 1, true);
        x = g.relu("features.relu2", g.batchNorm("features.bn2", x));
        x = g.maxPool(SMALL_CNN_BACKBONE_END, x, 2, 2, 0);
        x = g.flatten("classifier.flatten", x);
        x = g.relu("classifier.relu", g.linear("classifier.fc1", x, 128, true));
        x = g.dropout("classifier.dropout", x, 0.2);
        return g.softmaxOutput("classifier.fc2", x, CLASSES);
    }

    /** The last vertex of {@link #smallCnn}'s backbone: freezing it and everything before it leaves the classifier. */
    public static final String SMALL_CNN_BACKBONE_END = "features.pool2";

    /**
     * Seed 000 {@code build_cnn(config)}: for each width a conv block (conv k, padding k/2 - [BN] - ReLU), after
     * the first a residual conv block (x + two conv blocks, no ReLU after the sum) when {@code residual}, then a
     * 2x2 max pool; global average pooling, linear to the classes.
     */
    public static ComputationGraphConfiguration configurable(CnnConfig config, BuildOptions options) {
        GraphBlocks g = GraphBlocks.pytorch(options, CIFAR);
        String x = INPUT;
        for (int i = 0; i < config.channels().size(); i++) {
            int c = config.channels().get(i);
            int k = config.kernelSizes().get(i);
            String stage = "stage" + (i + 1);
            x = Blocks.convBnRelu(g, stage + ".block", x, c, k, config.batchNorm());
            if (config.residual() && i > 0) {
                String r = Blocks.convBnRelu(g, stage + ".residual.block1", x, c, k, config.batchNorm());
                r = Blocks.convBnRelu(g, stage + ".residual.block2", r, c, k, config.batchNorm());
                x = g.add(stage + ".residual.add", x, r);
            }
            x = g.maxPool(stage + ".pool", x, 2, 2, 0);
        }
        x = g.globalAvgPool("pool", x);
        return g.softmaxOutput("fc", x, config.numClasses());
    }

    /** Seed 000's {@code baseline_cfg}: widths [32, 64], kernels 3, batch norm, no residual blocks. 20,234 parameters. */
    public static final CnnConfig BASELINE = new CnnConfig(List.of(32, 64), List.of(3, 3), true, false, CLASSES);
    /** Seed 000's {@code deeper_cfg}: widths [32, 64, 128], kernels 3, batch norm, residual blocks. 464,778 parameters. */
    public static final CnnConfig DEEPER = new CnnConfig(List.of(32, 64, 128), List.of(3, 3, 3), true, true, CLASSES);

    /**
     * Seed 001 {@code CNNWithBatchNorm}: conv 32 - BN - ReLU - pool, conv 64 - BN - ReLU - pool, linear to 10.
     * The seed's linear layer expects 64 x 16 x 16 inputs, which cannot be: two 2x2 pools take 32x32 to 8x8, and
     * the seed's model fails on its own input. Fixed here to 64 x 8 x 8 = 4,096 inputs: 60,554 parameters.
     */
    public static ComputationGraphConfiguration cnnWithBatchNorm(BuildOptions options) {
        return cnn001(options, true);
    }

    /**
     * Seed 001's exercise's plain network: {@link #cnnWithBatchNorm} without its two batch-norm layers (the same
     * vertex names otherwise), 60,362 parameters.
     */
    public static ComputationGraphConfiguration cnnPlain(BuildOptions options) {
        return cnn001(options, false);
    }

    private static ComputationGraphConfiguration cnn001(BuildOptions options, boolean batchNorm) {
        GraphBlocks g = GraphBlocks.pytorch(options, CIFAR);
        String x = g.conv2d("conv1", INPUT, 32, 3, 1, 1, true);
        x = g.relu("relu1", batchNorm ? g.batchNorm("bn1", x) : x);
        x = g.maxPool("pool1", x, 2, 2, 0);
        x = g.conv2d("conv2", x, 64, 3, 1, 1, true);
        x = g.relu("relu2", batchNorm ? g.batchNorm("bn2", x) : x);
        x = g.maxPool("pool2", x, 2, 2, 0);
        return g.softmaxOutput("fc", g.flatten("flatten", x), CLASSES);
    }

    /** Seed 002 {@code SimpleCNN}: three conv 3x3 (32, 64, 128) + ReLU + pool, linear 2048 -> 256, dropout 0.5. 620,362. */
    public static ComputationGraphConfiguration simpleCnn002(BuildOptions options) {
        GraphBlocks g = GraphBlocks.pytorch(options, CIFAR);
        String x = INPUT;
        int[] widths = {32, 64, 128};
        for (int i = 0; i < widths.length; i++) {
            String n = String.valueOf(i + 1);
            x = g.relu("relu" + n, g.conv2d("conv" + n, x, widths[i], 3, 1, 1, true));
            x = g.maxPool("pool" + n, x, 2, 2, 0);
        }
        x = g.relu("fc1.relu", g.linear("fc1", g.flatten("flatten", x), 256, true));
        x = g.dropout("dropout", x, 0.5);
        return g.softmaxOutput("fc2", x, CLASSES);
    }

    /**
     * Seed 002 {@code VGGStyleCNN}: blocks of conv-BN-ReLU (64, 64 | 128, 128 | 256, 256, 256), each followed by a
     * 2x2 max pool, then global average pooling, linear 256 -> 256, ReLU, dropout 0.5, linear to 10. 1,806,154
     * parameters (plus 2,304 batch-norm moving statistics in Keras' count).
     */
    public static ComputationGraphConfiguration vggBn(BuildOptions options) {
        GraphBlocks g = GraphBlocks.pytorch(options, CIFAR);
        int[][] blocks = {{64, 64}, {128, 128}, {256, 256, 256}};
        String x = INPUT;
        for (int b = 0; b < blocks.length; b++) {
            String block = "block" + (b + 1);
            for (int c = 0; c < blocks[b].length; c++) {
                x = Blocks.convBnRelu(g, block + ".conv" + (c + 1), x, blocks[b][c], 3, true);
            }
            x = g.maxPool(block + ".pool", x, 2, 2, 0);
        }
        x = g.globalAvgPool("classifier.pool", x);
        x = g.relu("classifier.relu", g.linear("classifier.fc1", x, 256, true));
        x = g.dropout("classifier.dropout", x, 0.5);
        return g.softmaxOutput("classifier.fc2", x, CLASSES);
    }

    /** Seed 002's ResNet depths: blocks per stage and whether the blocks are bottlenecks. */
    public enum ResNetDepth {
        RESNET18(new int[] {2, 2, 2, 2}, false),
        RESNET34(new int[] {3, 4, 6, 3}, false),
        RESNET50(new int[] {3, 4, 6, 3}, true);

        private final int[] blocks;
        private final boolean bottleneck;

        ResNetDepth(int[] blocks, boolean bottleneck) {
            this.blocks = blocks;
            this.bottleneck = bottleneck;
        }
    }

    /**
     * Seed 002 {@code ResNet} with the CIFAR stem (3x3 conv 64, stride 1, no max pool): four stages of basic or
     * bottleneck blocks (64, 128/2, 256/2, 512/2), global average pooling, linear to 10. ResNet-18: 11,173,962
     * parameters; ResNet-34: 21,282,122; ResNet-50: 23,520,842. Vertices are named {@code layer2.block1.conv1}
     * and so on, after the seed's {@code layer1..layer4}. Initialised as the seed's {@code _initialize_weights}: every
     * convolution Kaiming normal with fan-out (ReLU), batch norm's weight 1 and bias 0, the linear layer PyTorch's
     * default.
     */
    public static ComputationGraphConfiguration resnet(ResNetDepth depth, BuildOptions options) {
        GraphBlocks g = GraphBlocks.pytorch(options, CIFAR).kaimingFanOut();
        String x = g.conv2d("conv1", INPUT, 64, 3, 1, 1, false);
        x = g.relu("relu1", g.batchNorm("bn1", x));
        int inChannels = 64;
        int[] widths = {64, 128, 256, 512};
        for (int stage = 0; stage < widths.length; stage++) {
            for (int b = 0; b < depth.blocks[stage]; b++) {
                String prefix = "layer" + (stage + 1) + ".block" + (b + 1);
                int stride = b == 0 && stage > 0 ? 2 : 1;
                if (depth.bottleneck) {
                    x = Blocks.bottleneck(g, prefix, x, inChannels, widths[stage], stride);
                    inChannels = widths[stage] * Blocks.BOTTLENECK_EXPANSION;
                } else {
                    x = Blocks.basicBlock(g, prefix, x, inChannels, widths[stage], stride);
                    inChannels = widths[stage];
                }
            }
        }
        x = g.globalAvgPool("avgpool", x);
        return g.softmaxOutput("fc", x, CLASSES);
    }

    /** Seed 004 {@code TinyCNN}: conv 32 - ReLU - pool, conv 64 - ReLU - pool, linear 4096 -> 10. 60,362 parameters. */
    public static ComputationGraphConfiguration tinyCnn(BuildOptions options) {
        GraphBlocks g = GraphBlocks.pytorch(options, CIFAR);
        String x = g.relu("f.relu1", g.conv2d("f.conv1", INPUT, 32, 3, 1, 1, true));
        x = g.maxPool("f.pool1", x, 2, 2, 0);
        x = g.relu("f.relu2", g.conv2d("f.conv2", x, 64, 3, 1, 1, true));
        x = g.maxPool("f.pool2", x, 2, 2, 0);
        return g.softmaxOutput("fc", g.flatten("flatten", x), CLASSES);
    }
}
