package cnnlabs.architectures;

import cnnlabs.architectures.layers.FastBatchNormHelper;
import cnnlabs.architectures.layers.FastGraph;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fast path is real: the native build has oneDNN and DL4J's oneDNN helpers attach to convolution, pooling and
 * batch-norm layers (DL4J M2.1 would silently run without them; see org.nd4j.nativeblas.Nd4jCpu). Fails on a
 * build without oneDNN (-Pnd4j-plain) or when the helpers are switched off: that is the point.
 */
class NativeHelpersTest {

    @Test
    void oneDnnHelpersAttachToConvPoolingAndBatchNorm() {
        NativeHelpers.enable();
        assertEquals("false", System.getProperty(NativeHelpers.PROPERTY), "helpers switched off with -D" + NativeHelpers.PROPERTY);
        assertTrue(NativeHelpers.oneDnnAttached(), "DL4J reports oneDNN unusable: is the -onednn native build on the class path?");

        ComputationGraph graph = Architectures.create("resnet-style", BuildOptions.defaults());
        assertInstanceOf(FastGraph.class, graph);
        assertHelper(graph.getLayer("stem.conv"), MKLDNNConvHelper.class);
        assertHelper(graph.getLayer("stem.bn"), FastBatchNormHelper.class);
        assertTrue(((FastBatchNormHelper) graph.getLayer("stem.bn").getHelper()).fallback() instanceof MKLDNNBatchNormHelper);
        ComputationGraph simple = Architectures.create("simple-cnn", BuildOptions.defaults());
        assertHelper(simple.getLayer("pool1"), MKLDNNSubsamplingHelper.class);
    }

    @Test
    void openBlasRunsOnOneThreadWithTheHelpersUnlessTheUserSaysOtherwise() {
        NativeHelpers.enable();
        assertTrue(NativeHelpers.oneDnnAttached());
        if (System.getenv(NativeHelpers.BLAS_THREADS_ENV) == null) {
            assertEquals(1, NativeHelpers.blasThreads());
        } else {
            assertEquals(Integer.parseInt(System.getenv(NativeHelpers.BLAS_THREADS_ENV).trim()), NativeHelpers.blasThreads());
        }
    }

    @Test
    void helpersGiveTheSameAnswersAsDl4jsOwnCode() {
        // The same graph with the helpers (as built above) and with the helpers removed: equal outputs.
        ComputationGraph withHelpers = Architectures.create("resnet-style", BuildOptions.defaults());
        String old = System.getProperty(NativeHelpers.PROPERTY);
        System.setProperty(NativeHelpers.PROPERTY, "true");
        ComputationGraph without;
        try {
            without = Architectures.create("resnet-style", BuildOptions.defaults());
        } finally {
            System.setProperty(NativeHelpers.PROPERTY, old == null ? "false" : old);
        }
        assertTrue(without.getLayer("stem.conv").getHelper() == null);
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 1, 28, 28);
        INDArray a = withHelpers.outputSingle(x);
        INDArray b = without.outputSingle(x);
        assertTrue(a.equalsWithEps(b, 1e-4), "outputs differ: " + a + " vs " + b);
    }

    @Test
    void dilatedConvolutionsAreBuiltWithoutHelpersAndOthersWith() {
        NativeHelpers.enable();
        GraphBlocks dilated = GraphBlocks.pytorch(BuildOptions.defaults(), new InputShape(1, 8, 8));
        ComputationGraph d = NativeHelpers.init(dilated.build(dilated.conv2d("conv", GraphBlocks.INPUT, 1, 3, 1, 2, 2, true)));
        GraphBlocks plain = GraphBlocks.pytorch(BuildOptions.defaults(), new InputShape(1, 8, 8));
        ComputationGraph p = NativeHelpers.init(plain.build(plain.conv2d("conv", GraphBlocks.INPUT, 1, 3, 1, 1, true)));

        // oneDNN's helper cannot run a dilated convolution in M2.1 (it would fail, log a stack trace, fall back)
        assertTrue(d.getLayer("conv").getHelper() == null);
        assertHelper(p.getLayer("conv"), MKLDNNConvHelper.class);
        assertEquals("false", System.getProperty(NativeHelpers.PROPERTY), "the switch is restored");
        assertEquals(8, d.outputSingle(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 1, 8, 8)).size(2));
    }

    private static void assertHelper(Layer layer, Class<?> expected) {
        assertNotNull(layer.getHelper(), layer.conf().getLayer().getLayerName() + " has no helper");
        assertEquals(expected, layer.getHelper().getClass());
    }
}
