package cnnlabs.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Forward FLOPs (2 x multiply-accumulates of conv and linear layers), by hand. */
class FlopsTest {

    @Test
    void tinyCnnByHand() {
        long conv1 = 3L * 32 * 3 * 3 * 32 * 32;   // 3 -> 32, 3x3, 32x32 outputs
        long conv2 = 32L * 64 * 3 * 3 * 16 * 16;  // 32 -> 64, 3x3, 16x16 outputs
        long fc = 4096L * 10;
        assertEquals(2 * (conv1 + conv2 + fc),
                Flops.forwardPerImage(Architectures.get("tiny-cnn").configure(BuildOptions.defaults()), CifarModels.CIFAR));
    }

    @Test
    void depthwiseConvolutionCountsOneFilterPerChannel() {
        Block block = BlockCatalog.get("depthwise-separable");
        long depthwise = 64L * 3 * 3 * 32 * 32;
        long pointwise = 64L * 128 * 32 * 32;
        assertEquals(2 * (depthwise + pointwise), Flops.forwardPerImage(block.configure(BuildOptions.defaults()),
                block.inputShape()));
    }

    @Test
    void alexNetHasTorchvisionsMultiplyAccumulates() {
        // conv1 64x55x55 (11x11x3), conv2 192x27x27 (5x5x64), conv3 384x13x13 (3x3x192), conv4 256x13x13 (3x3x384),
        // conv5 256x13x13 (3x3x256), fc 9216x4096, 4096x4096, 4096x1000.
        long macs = 64L * 55 * 55 * 363 + 192L * 27 * 27 * 1600 + 384L * 169 * 1728 + 256L * 169 * 3456
                + 256L * 169 * 2304 + 9216L * 4096 + 4096L * 4096 + 4096L * 1000;
        assertEquals(714_188_480L, macs);
        assertEquals(2 * macs, Flops.forwardPerImage(Architectures.get("alexnet").configure(BuildOptions.defaults()),
                AlexNet.INPUT_SHAPE));
    }
}
