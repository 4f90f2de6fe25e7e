package cnnlabs.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model saved from a fast graph is a plain DL4J model: a JVM with DL4J on its class path and none of cnnlabs
 * loads it and computes the same outputs; loading it with the runtime makes it fast again, updater state and all.
 */
class PortableModelTest {

    /** Run by a second JVM with only DL4J (no cnnlabs class) on its class path: loads, predicts, writes. */
    private static final String PLAIN_LOADER = """
            import java.io.File;
            import org.deeplearning4j.nn.graph.ComputationGraph;
            import org.deeplearning4j.util.ModelSerializer;
            import org.nd4j.linalg.api.ndarray.INDArray;
            import org.nd4j.linalg.factory.Nd4j;

            public class PlainLoader {
                public static void main(String[] args) throws Exception {
                    try {
                        Class.forName("cnnlabs.onednn.OneDnnRuntime");
                        System.out.println("runtime on the class path");
                        System.exit(3);
                    } catch (ClassNotFoundException expected) {
                        System.out.println("no cnnlabs runtime");
                    }
                    ComputationGraph graph = ModelSerializer.restoreComputationGraph(new File(args[0]), true);
                    INDArray x = Nd4j.readBinary(new File(args[1]));
                    Nd4j.saveBinary(graph.outputSingle(x), new File(args[2]));
                    for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
                        System.out.println("layer " + layer.getClass().getName());
                    }
                }
            }
            """;

    @Test
    void aModelSavedFromAFastGraphLoadsInPlainDl4jAndFastAgain(@TempDir Path dir) throws Exception {
        FastGraph fast = OneDnnRuntime.graph(FastLayersTest.residualConf());
        fast.fit(FastLayersTest.batch(1));
        fast.fit(FastLayersTest.batch(2));
        Path model = dir.resolve("model.zip");
        ModelSerializer.writeModel(fast, model.toFile(), true);
        try (ZipFile zip = new ZipFile(model.toFile()); InputStream in = zip.getInputStream(
                zip.getEntry("configuration.json"))) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertFalse(json.contains("cnnlabs"), "the saved configuration names DL4J's classes only");
        }

        Nd4j.getRandom().setSeed(17);
        INDArray x = Nd4j.randn(DataType.FLOAT, 5, 3, 10, 10);
        INDArray expected = fast.outputSingle(x);
        Nd4j.saveBinary(x, dir.resolve("x.bin").toFile());

        String output = runPlainJvm(dir, model, dir.resolve("x.bin"), dir.resolve("y.bin"));
        assertTrue(output.contains("no cnnlabs runtime"), output);
        assertFalse(output.contains("cnnlabs."), "every layer DL4J's own: " + output);
        INDArray plainOutput = Nd4j.readBinary(dir.resolve("y.bin").toFile());
        assertTrue(expected.equalsWithEps(plainOutput, 1e-4), "plain DL4J's outputs " + plainOutput + " vs " + expected);

        FastGraph again = OneDnnRuntime.restore(model, true);
        assertTrue(expected.equalsWithEps(again.outputSingle(x), 1e-5));
        assertEquals(fast.getUpdater().getStateViewArray(), again.getUpdater().getStateViewArray());
        assertEquals(fast.getConfiguration().getIterationCount(), again.getConfiguration().getIterationCount());
        if (OneDnnRuntime.available()) {
            assertInstanceOf(FastConvolutionLayer.class, again.getLayer("c1"));
        }
        ComputationGraph plainHere = ModelSerializer.restoreComputationGraph(model.toFile(), true);
        assertFalse(plainHere.getLayer("c1") instanceof FastConvolutionLayer, "DL4J's loader makes DL4J's graph");
    }

    /** Runs {@link #PLAIN_LOADER} in a JVM whose class path is this one's without any cnnlabs module. */
    private static String runPlainJvm(Path dir, Path model, Path input, Path output)
            throws IOException, InterruptedException {
        Path source = dir.resolve("PlainLoader.java");
        Files.writeString(source, PLAIN_LOADER);
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            if (!e.contains("/onednn-runtime/target/") && !e.contains("/cnnlabs/") && !e.contains("surefire")) {
                classPath.add(entry);
            }
        }
        assertTrue(classPath.stream().anyMatch(e -> e.contains("deeplearning4j-nn")), "DL4J is on the class path: "
                + System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", String.join(File.pathSeparator, classPath), source.toString(),
                model.toString(), input.toString(), output.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the plain JVM finished");
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> l.startsWith("layer ") || l.contains("runtime"))
                .collect(Collectors.joining("\n"));
    }
}
