package cnnlabs.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.architectures.Architectures;
import cnnlabs.datasets.DataDirectory;
import cnnlabs.onednn.OneDnnRuntime;
import cnnlabs.experiments.results.HtmlReport;
import cnnlabs.experiments.results.RunDirectory;
import cnnlabs.experiments.settings.ExperimentSettings;
import cnnlabs.experiments.settings.SettingsParser;
import cnnlabs.experiments.training.Console;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every registered experiment, on the real data, cut to one batch per pass, into a temporary results folder. */
class ExperimentSmokeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path results;

    /** The experiments that train, and how many metrics.csv rows (one per model and epoch) a run of N epochs writes. */
    private static final Map<Class<?>, IntUnaryOperator> METRIC_ROWS = Map.of(
            MnistSimpleCnn.class, epochs -> epochs,
            ArchitectureComparison.class, epochs -> ArchitectureComparison.MODELS.size() * epochs,
            FreezeBackbone.class, epochs -> epochs,
            // the simple CNN for -Depochs, the ResNet-style model for one epoch
            ActivationVisualization.class, epochs -> epochs + 1,
            DataAugmentation.class, epochs -> 2 * epochs,
            // offline source pretraining, feature extraction, fine-tuning, from scratch for both stages' epochs
            TransferLearning.class, epochs -> new TransferLearning().defaults().pretrainEpochs() + 4 * epochs);

    /** The pictures each experiment draws besides training-curves.png, with their pixel sizes. */
    private static final Map<Class<?>, Map<String, int[]>> PICTURES = Map.of(
            ConvolutionFilters.class, Map.of("filters.png", new int[] {720, 552}, "conv-settings.png", new int[] {1032, 262}),
            ActivationVisualization.class, Map.of("activations.png", new int[] {700, 812},
                    "filters.png", new int[] {684, 460}, "feature-maps.png", new int[] {872, 230}),
            ReceptiveField.class, Map.of("receptive-field.png", new int[] {640, 600}),
            AugmentationSamples.class, Map.of("mnist-keras.png", new int[] {772, 384},
                    "cifar-crop-flip.png", new int[] {772, 384}, "seed001.png", new int[] {772, 384}),
            TransferLearning.class, Map.of(TransferLearning.EMBEDDINGS_PLOT, new int[] {620, 520}));

    static Stream<Experiment<?>> experiments() {
        return Experiments.all().stream();
    }

    /**
     * A smoke run of {@code experiment} into the temporary results folder: its lab settings with one batch per pass
     * and, for experiments that train, {@code epochs} epochs.
     */
    static <S extends Record & ExperimentSettings> Experiments.Run smokeRun(Experiment<S> experiment, int epochs,
                                                                           Path results) throws Exception {
        Map<String, String> overrides = new java.util.HashMap<>(Map.of("max.batches", "1"));
        if (SettingsParser.keys(experiment.defaults()).contains("epochs")) {
            overrides.put("epochs", String.valueOf(epochs));
        }
        Console quiet = new Console(new PrintStream(new ByteArrayOutputStream()), false);
        return Experiments.run(experiment, SettingsParser.with(experiment.defaults(), overrides), Engine.fast(), results,
                DataDirectory.resolve(), quiet, "test");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("experiments")
    void smokeRunWritesTheWholeResultsLayout(Experiment<?> experiment) throws Exception {
        Experiments.Run run = smokeRun(experiment, 2, results);

        Path dir = run.directory().path();
        assertEquals(results.resolve(experiment.name()), dir.getParent());
        assertTrue(dir.getFileName().toString().matches("\\d{8}-\\d{6}-[0-9a-f]{6}"), dir.toString());
        JsonNode cfg = JSON.readTree(dir.resolve("config.json").toFile());
        assertEquals(experiment.name(), cfg.get("experiment").asText());
        assertEquals(1, cfg.get("max.batches").asInt());
        for (String key : SettingsParser.keys(experiment.defaults())) {
            assertTrue(cfg.has(key), "config.json holds every setting the run used: " + key);
        }
        if (METRIC_ROWS.containsKey(experiment.getClass())) {
            assertEquals(2, cfg.get("epochs").asInt());
        }
        JsonNode env = JSON.readTree(dir.resolve("env.json").toFile());
        for (String key : List.of("dl4j_version", "nd4j_backend", "cpu_model", "available_processors", "threads", "seed",
                "command")) {
            assertTrue(env.hasNonNull(key), "env.json lacks " + key);
        }
        assertEquals("1.0.0-M2.1", env.get("dl4j_version").asText());
        JsonNode runtime = env.get("runtime");
        assertEquals("onednn-runtime", runtime.get("engine").asText());
        if (METRIC_ROWS.containsKey(experiment.getClass()) && OneDnnRuntime.available()) {
            JsonNode graph = runtime.get("graphs").get(0);
            assertTrue(graph.get("fast_layers").asInt() > 0, "env.json counts the fast layers: " + runtime);
            assertTrue(graph.has("plain_layers") && graph.has("plain"), runtime.toString());
        }
        JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
        assertEquals("completed", summary.get("status").asText());
        assertTrue(summary.get("smoke_run").asBoolean());

        IntUnaryOperator metricRows = METRIC_ROWS.get(experiment.getClass());
        if (metricRows == null) {
            assertFalse(Files.exists(dir.resolve("metrics.csv")), "an experiment that trains nothing writes no metrics.csv");
        } else {
            List<String> metrics = Files.readAllLines(dir.resolve("metrics.csv"));
            assertEquals(RunDirectory.METRICS_HEADER, metrics.get(0));
            assertEquals(1 + metricRows.applyAsInt(2), metrics.size(), String.join("\n", metrics));
            for (String row : metrics.subList(1, metrics.size())) {
                String[] cells = row.split(",", -1);
                assertEquals(9, cells.length, row);
                for (int i = 1; i < cells.length; i++) {
                    assertTrue(Double.isFinite(Double.parseDouble(cells[i])), row);
                }
            }
            assertTrue(Files.readString(dir.resolve("model-summary.txt")).contains("Total params:"));
        }
        for (Map.Entry<String, int[]> picture : PICTURES.getOrDefault(experiment.getClass(), Map.of()).entrySet()) {
            BufferedImage image = ImageIO.read(dir.resolve(picture.getKey()).toFile());
            assertTrue(image != null, picture.getKey() + " does not decode as an image");
            assertArrayEquals(picture.getValue(), new int[] {image.getWidth(), image.getHeight()}, picture.getKey());
        }
        if (metricRows != null) {
            BufferedImage curves = ImageIO.read(dir.resolve(RunDirectory.CURVES).toFile());
            assertArrayEquals(new int[] {1120, 400}, new int[] {curves.getWidth(), curves.getHeight()});
        }
        assertReportLinksOnlyExistingFiles(dir.resolve(HtmlReport.REPORT));
        String report = Files.readString(dir.resolve(HtmlReport.REPORT));
        assertTrue(report.contains("status completed"), "report shows the final status");
        try (Stream<Path> pngs = Files.list(dir)) {
            for (Path png : pngs.filter(p -> p.toString().endsWith(".png")).toList()) {
                assertTrue(report.contains("<img src=\"" + png.getFileName() + "\""), png + " is not on the report");
            }
        }
        assertReportLinksOnlyExistingFiles(results.resolve(HtmlReport.INDEX));
        assertTrue(Files.readString(results.resolve(HtmlReport.INDEX)).contains(experiment.name() + "/" + dir.getFileName()));
        String table = Files.readString(dir.resolve("table.md"));
        assertEquals(run.result().table(), table);
        if (metricRows != null || experiment instanceof ModelZoo) {
            assertTrue(table.contains("Smoke run"), table);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    /** Every href and src of {@code page} (relative, as the reports write them) names a file that exists. */
    static void assertReportLinksOnlyExistingFiles(Path page) throws Exception {
        String html = Files.readString(page);
        Matcher links = Pattern.compile("(?:href|src)=\"([^\"]+)\"").matcher(html);
        int count = 0;
        while (links.find()) {
            Path target = page.getParent().resolve(links.group(1)).normalize();
            assertTrue(Files.exists(target), page + " links " + links.group(1) + ", which does not exist");
            count++;
        }
        assertTrue(count > 0, page + " links nothing");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("experiments")
    void tablesHaveTheLabsColumns(Experiment<?> experiment) throws Exception {
        Experiments.Run run = smokeRun(experiment, 1, results);
        String table = run.result().table();
        if (experiment instanceof ArchitectureComparison) {
            assertTrue(table.contains("| Model | Parameters | Trainable | Final val acc | Training time (s) | Images/s |"), table);
            assertTrue(table.contains("| LeNet | 44,426 | 44,426 |"), table);
            assertTrue(table.contains("| VGG-style | 1,867,466 | 1,867,466 |"), table);
            assertTrue(table.contains("| ResNet-style | 1,230,474 | 1,227,786 |"), table);
            assertTrue(table.contains("momentum 0.9"), table);
        } else if (experiment instanceof MnistSimpleCnn) {
            assertTrue(table.contains("**Test Accuracy: "), table);
            ComputationGraph restored = ModelSerializer.restoreComputationGraph(
                    run.directory().path().resolve("model.zip").toFile(), false);
            assertEquals(93_322, restored.numParams());
        } else if (experiment instanceof ConvolutionBasics) {
            assertTrue(table.contains("| [[6, 0, -5], [0, -2, -2], [-4, 0, 1]] | [[6, 0, -5], [0, -2, -2], [-4, 0, 1]] | yes |"), table);
            assertFalse(table.contains("**NO**"), table);
            assertTrue(table.contains("**VGG-like stack**: receptive field 16"), table);
            assertTrue(table.contains("**Dilated stack**: receptive field 15"), table);
            assertTrue(table.contains("| [16, 3, 3, 3] | [16] | 448 |"), table);
        } else if (experiment instanceof PoolingBasics) {
            assertTrue(table.contains("| Max pooling 2x2, stride 2 | SubsamplingLayer(MAX) | [1, 1, 2, 2] | [[6, 8], [14, 16]] |"), table);
            assertTrue(table.contains("[[3.5, 5.5], [11.5, 13.5]]"), table);
            assertTrue(table.contains("| Global average pooling | GlobalPoolingLayer(AVG) | [1, 1] | 8.5 |"), table);
            assertTrue(table.contains("Output shape [1, 3, 7, 7]"), table);
            assertTrue(table.contains("| Indices (flattened positions) | [[5, 7], [13, 15]] |"), table);
            assertTrue(table.contains("the two agree here"), table);
        } else if (experiment instanceof ModelZoo) {
            for (String name : cnnlabs.architectures.Architectures.names()) {
                assertTrue(table.contains("| " + name + " | architecture |"), name);
            }
            for (String name : cnnlabs.architectures.BlockCatalog.names()) {
                assertTrue(table.contains("| " + name + " | block |"), name);
            }
            assertTrue(table.contains("| small-cnn | architecture | seed 000 SmallCNN | 3x32x32 | 10 | 545,482 | 545,290 | 545,290 |"), table);
            assertEquals(Files.readAllLines(run.directory().path().resolve("model-zoo.csv")).size() - 1,
                    cnnlabs.architectures.Architectures.names().size() + cnnlabs.architectures.BlockCatalog.names().size());
        } else if (experiment instanceof FreezeBackbone) {
            assertTrue(table.contains("| SmallCNN, backbone frozen | 545,290 | 545,482 | 525,706 |"), table);
            assertTrue(table.contains("Backbone unchanged: **yes**; every classifier parameter moved: **yes**"), table);
        } else if (experiment instanceof ConvolutionFilters) {
            for (String filter : ConvolutionFilters.FILTERS.keySet()) {
                assertTrue(table.contains("| " + filter + " |"), table);
            }
            assertTrue(table.contains("| 3 | 1 | 2 | 1 | 4x4 |") && table.contains("| 3 | 2 | 1 | 2 | 8x8 |"), table);
        } else if (experiment instanceof ActivationVisualization) {
            assertTrue(table.contains("| `stage3.block1.relu` | 256 x 7 x 7 |"), table);
            assertTrue(table.contains("trained here"), table);
        } else if (experiment instanceof ReceptiveField) {
            assertTrue(table.contains("| (8, 8) of 16x16 | 10 x 10 | 10 x 10 | yes |"), table);
        } else if (experiment instanceof AugmentationSamples) {
            assertTrue(table.contains("| `mnist-keras.png` | keras-mnist |"), table);
            assertTrue(table.contains("the first MNIST training digit (5)"), table);
            // CIFAR-10 cannot be fetched on the test machines: the colour pipelines must say they ran on a generated image
            assertTrue(table.contains("GENERATED 32x32 test pattern") || table.contains("the first CIFAR-10 training image"), table);
        } else if (experiment instanceof Throughput) {
            assertTrue(table.contains("| Model | Params | DL4J train img/s | PyTorch train img/s | Train ratio |"), table);
            for (String model : Throughput.ORDER) {
                assertTrue(table.contains("| " + model + " | " + MarkdownTable.count(Architectures.get(model)
                        .build(cnnlabs.architectures.BuildOptions.defaults()).numParams()) + " |"), table);
            }
            // either PyTorch ran, or the table says why not
            assertTrue(table.contains("PyTorch: torch ") || table.contains("PyTorch: not run ("), table);
        } else if (experiment instanceof TransferLearning) {
            assertTrue(table.contains("| Stage | Trains | Total params | Trainable | Epochs | Adam lr | Val acc | Test acc |"), table);
            assertTrue(table.contains("| feature-extraction | the new head only (base frozen) | 2,270,794 | 12,810 | 1 | 0.001 |"), table);
            assertTrue(table.contains("| fine-tuning | the base's last 20 layers and the head | 2,270,794 | 1,218,890 | 1 | 0.0001 |"), table);
            assertTrue(table.contains("| from-scratch | every layer, random initialisation | 2,270,794 | 2,236,682 | 2 |"), table);
            // no ImageNet weights here: the table must say the numbers are the offline protocol's
            assertTrue(table.contains("**Offline protocol, not the lab's ImageNet-to-CIFAR-10 numbers:**"), table);
            assertTrue(table.contains("| pretrain-fashion-mnist |"), table);
        } else if (experiment instanceof DataAugmentation) {
            assertTrue(table.contains("| Model | Train acc | Val acc | Test acc | Train − val gap | Epoch time (s) |"), table);
            assertTrue(table.contains("| without-augmentation |") && table.contains("| with-augmentation |"), table);
            assertTrue(table.contains("Augmentation cost: an augmented epoch took"), table);
        } else {
            throw new AssertionError("no table check for " + experiment.name());
        }
    }
}
