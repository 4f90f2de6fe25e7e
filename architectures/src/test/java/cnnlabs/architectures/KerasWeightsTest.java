package cnnlabs.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The Keras weights loader on small HDF5 files in Keras' layout, written by the test. */
class KerasWeightsTest {

    @TempDir
    Path dir;

    /** A narrow MobileNetV2 without top: the same layer names and kinds as the real one, 14x fewer weights. */
    private static final MobileNetV2.Spec NARROW = new MobileNetV2.Spec(0.35, MobileNetV2.CIFAR, MobileNetV2.Top.NONE, 0);

    private static ComputationGraph mobileNet(MobileNetV2.Spec spec, long seed) {
        ComputationGraph g = new ComputationGraph(MobileNetV2.configure(BuildOptions.defaults().withSeed(seed), spec));
        g.init();
        return g;
    }

    @Test
    void convKernelsAreTransposedFromKerasLayout() throws Exception {
        ComputationGraph graph = mobileNet(NARROW, 1);
        // Conv1 in Keras: kernel (3, 3, 3, 16) for alpha 0.35, filled with its own flat index.
        INDArray kernel = Nd4j.arange(3 * 3 * 3 * 16).castTo(DataType.FLOAT).reshape(3, 3, 3, 16);
        Path file = dir.resolve("conv1.h5");
        KerasH5Writer.write(file, Map.of("Conv1", Map.of("kernel", kernel)));

        KerasWeights.Report report = KerasWeights.load(graph, file, List.of("Conv1"));

        assertEquals(List.of("Conv1"), report.loadedLayers());
        assertEquals(432, report.values());
        INDArray w = graph.getVertex("Conv1").paramTable(false).get("W");
        assertEquals(List.of(16L, 3L, 3L, 3L), List.of(w.shape()[0], w.shape()[1], w.shape()[2], w.shape()[3]));
        for (int o = 0; o < 16; o++) {
            for (int i = 0; i < 3; i++) {
                for (int kh = 0; kh < 3; kh++) {
                    for (int kw = 0; kw < 3; kw++) {
                        assertEquals(((kh * 3 + kw) * 3 + i) * 16 + o, w.getDouble(o, i, kh, kw), 0.0,
                                "W[" + o + "," + i + "," + kh + "," + kw + "]");
                    }
                }
            }
        }
    }

    @Test
    void wholeNetworkRoundTripsIntoTheRightLayers() throws Exception {
        ComputationGraph source = mobileNet(NARROW, 1);
        // Distinct moving statistics, so that a swapped mean/variance or a wrong layer would show.
        for (String layer : KerasWeights.layersWithParameters(source)) {
            Map<String, INDArray> p = source.getVertex(layer).paramTable(false);
            if (p.containsKey("mean")) {
                p.get("mean").assign(Nd4j.rand(DataType.FLOAT, p.get("mean").shape()).subi(0.5));
                p.get("var").assign(Nd4j.rand(DataType.FLOAT, p.get("var").shape()).addi(0.5));
                p.get("gamma").assign(Nd4j.rand(DataType.FLOAT, p.get("gamma").shape()).addi(0.5));
            }
        }
        Path file = dir.resolve("mobilenet_v2_0.35_no_top.h5");
        KerasH5Writer.write(file, KerasH5Writer.kerasLayout(source));
        ComputationGraph target = mobileNet(NARROW, 2);
        assertNotEquals(source.params(), target.params());

        KerasWeights.Report report = KerasWeights.load(target, file, KerasWeights.layersWithParameters(target));

        assertEquals(source.params(), target.params());
        assertEquals(source.numParams(), report.values());
        assertTrue(report.unusedFileLayers().isEmpty(), report.unusedFileLayers().toString());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32);
        assertEquals(source.outputSingle(x), target.outputSingle(x));
    }

    @Test
    void aFileWithAMissingLayerIsRejectedAndTheGraphIsUntouched() throws Exception {
        ComputationGraph source = mobileNet(NARROW, 1);
        Map<String, Map<String, INDArray>> layers = new LinkedHashMap<>(KerasH5Writer.kerasLayout(source));
        layers.remove("block_3_project_BN");
        Path file = dir.resolve("missing.h5");
        KerasH5Writer.write(file, layers);
        ComputationGraph target = mobileNet(NARROW, 2);
        INDArray before = target.params().dup();

        KerasWeights.KerasWeightsException e = assertThrows(KerasWeights.KerasWeightsException.class,
                () -> KerasWeights.load(target, file, KerasWeights.layersWithParameters(target)));

        assertTrue(e.getMessage().contains("'block_3_project_BN'"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dweights="), e.getMessage());
        assertEquals(before, target.params());
    }

    @Test
    void aFileOfAnotherWidthIsRejectedWithBothShapes() throws Exception {
        ComputationGraph wide = mobileNet(new MobileNetV2.Spec(0.5, MobileNetV2.CIFAR, MobileNetV2.Top.NONE, 0), 1);
        Path file = dir.resolve("alpha_0.5.h5");
        KerasH5Writer.write(file, KerasH5Writer.kerasLayout(wide));
        ComputationGraph narrow = mobileNet(NARROW, 2);
        INDArray before = narrow.params().dup();

        KerasWeights.KerasWeightsException e = assertThrows(KerasWeights.KerasWeightsException.class,
                () -> KerasWeights.load(narrow, file, KerasWeights.layersWithParameters(narrow)));

        // Both widths round the stem and the first block to the same channels; block 1 projects to 16 channels
        // at alpha 0.5 and to 8 at 0.35.
        assertTrue(e.getMessage().contains("'block_1_project/kernel' of shape [1, 1, 48, 16]"), e.getMessage());
        assertTrue(e.getMessage().contains("needs [1, 1, 48, 8]"), e.getMessage());
        assertEquals(before, narrow.params());
    }

    @Test
    void aFileThatIsNotHdf5OrIsAbsentGetsAClearError() throws Exception {
        ComputationGraph graph = mobileNet(NARROW, 1);
        Path notH5 = dir.resolve("weights.h5");
        Files.writeString(notH5, "<html>404 Not Found</html>");
        KerasWeights.KerasWeightsException e = assertThrows(KerasWeights.KerasWeightsException.class,
                () -> KerasWeights.load(graph, notH5, List.of("Conv1")));
        assertTrue(e.getMessage().contains("not a readable HDF5 file"), e.getMessage());

        KerasWeights.KerasWeightsException absent = assertThrows(KerasWeights.KerasWeightsException.class,
                () -> KerasWeights.load(graph, dir.resolve("nope.h5"), List.of("Conv1")));
        assertTrue(absent.getMessage().contains("does not exist"), absent.getMessage());
    }
}
