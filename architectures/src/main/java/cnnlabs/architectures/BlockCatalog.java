package cnnlabs.architectures;

import java.util.List;

/** Every building block the labs teach, by name, each alone in a graph at the input shape the seed tests it with. */
public final class BlockCatalog {

    private static final String SEED002 = "seed 002";

    private static final Registry<Block> REGISTRY = new Registry<Block>("block", Block::name)
            .register(new Block("basic-block", SEED002 + " §3.3 BasicBlock",
                    "ResNet basic block 64 -> 64: two 3x3 conv + BN, identity shortcut", new InputShape(64, 32, 32),
                    (g, in) -> Blocks.basicBlock(g, "block", in, 64, 64, 1)))
            .register(new Block("basic-block-down", SEED002 + " §3.3 BasicBlock(stride=2)",
                    "ResNet basic block 64 -> 128, stride 2, 1x1 projection shortcut", new InputShape(64, 32, 32),
                    (g, in) -> Blocks.basicBlock(g, "block", in, 64, 128, 2)))
            .register(new Block("bottleneck", SEED002 + " §3.3 Bottleneck",
                    "ResNet bottleneck 64 -> 64 -> 256: 1x1, 3x3, 1x1 conv + BN, projection shortcut",
                    new InputShape(64, 32, 32), (g, in) -> Blocks.bottleneck(g, "block", in, 64, 64, 1)))
            .register(new Block("channel-mixer", SEED002 + " §5.1 ChannelMixer",
                    "1x1 conv 256 -> 64 channels", new InputShape(256, 32, 32),
                    (g, in) -> Blocks.channelMixer(g, "mixer", in, 64)))
            .register(new Block("conv3x3", SEED002 + " §5.2 standard_conv",
                    "standard 3x3 conv 64 -> 128 with bias, the baseline for depthwise separable", new InputShape(64, 32, 32),
                    (g, in) -> g.conv2d("conv", in, 128, 3, 1, 1, true)))
            .register(new Block("depthwise-separable", SEED002 + " §5.2 DepthwiseSeparableConv",
                    "depthwise 3x3 + BN + ReLU, pointwise 1x1 64 -> 128 + BN + ReLU", new InputShape(64, 32, 32),
                    (g, in) -> Blocks.depthwiseSeparable(g, "dwsep", in, 128, 3, 1)))
            .register(new Block("se-block", SEED002 + " §5.3 SEBlock",
                    "squeeze-and-excitation, 64 channels, reduction 16", new InputShape(64, 32, 32),
                    (g, in) -> Blocks.squeezeExcitation(g, "se", in, 64, 16)))
            .register(new Block("se-basic-block", SEED002 + " §5.3 SEBasicBlock",
                    "ResNet basic block 64 -> 64 with SE (r=16) before the shortcut", new InputShape(64, 32, 32),
                    (g, in) -> Blocks.seBasicBlock(g, "block", in, 64, 64, 1, 16)))
            .register(new Block("mbconv", SEED002 + " Exercise 1 MBConv",
                    "inverted bottleneck 32 -> 32: expand x4, depthwise 3x3, SE (ratio 4), project, residual",
                    new InputShape(32, 16, 16), (g, in) -> Blocks.mbConv(g, "mbconv", in, 32, 32, 4, 1, 4)))
            .register(new Block("dense-block", SEED002 + " Exercise 3 DenseBlock",
                    "DenseNet block: 4 layers, 64 in, growth 32, concatenated to 192 channels", new InputShape(64, 16, 16),
                    (g, in) -> Blocks.denseBlock(g, "dense", in, 4, 32)));

    private BlockCatalog() {
    }

    /** The block called {@code name}; throws {@link UnknownNameException} listing the names. */
    public static Block get(String name) {
        return REGISTRY.get(name);
    }

    public static List<Block> all() {
        return REGISTRY.all();
    }

    public static List<String> names() {
        return REGISTRY.names();
    }
}
