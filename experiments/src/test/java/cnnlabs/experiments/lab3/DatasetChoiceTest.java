package cnnlabs.experiments.lab3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.datasets.CifarFixture;
import cnnlabs.datasets.SyntheticImageFolder;
import cnnlabs.experiments.Runs;
import cnnlabs.run.RunRoots;
import cnnlabs.run.Runner;
import cnnlabs.run.settings.DatasetTrainingSettings;
import cnnlabs.settings.ConfigException;
import cnnlabs.settings.SettingsParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import cnnlabs.run.Experiment;
import cnnlabs.run.Experiments;
import cnnlabs.run.settings.ExperimentSettings;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code -Ddataset} on the simple CNN: a synthetic folder, Fashion-MNIST and CIFAR-10 end to end, and bad input. */
class DatasetChoiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final MnistSimpleCnn experiment = new MnistSimpleCnn();

    private DatasetTrainingSettings smoke(String... keyValues) {
        Map<String, String> values = new LinkedHashMap<>(Map.of("max.batches", "2", "epochs", "1", "batch.size", "8",
                "validation.split", "0.2"));
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return SettingsParser.with(experiment.defaults(), values);
    }

    private Path results() {
        return tmp.resolve("results");
    }

    private static JsonNode json(Runner.Finished run, String file) throws Exception {
        return JSON.readTree(run.run().path().resolve(file).toFile());
    }

    @Test
    void aSyntheticFolderOfAssortedImagesTrainsTheSimpleCnnWithAClassifierOfItsClasses() throws Exception {
        Path folder = SyntheticImageFolder.write(tmp.resolve("synthetic-images"), 10, 7);
        Runner.Finished run = Runs.run(experiment, smoke("dataset", "folder", "data.images", folder.toString()),
                Runs.roots(results()));

        JsonNode summary = json(run, "summary.json");
        assertEquals("completed", summary.get("status").asText());
        assertEquals("images in " + folder, summary.get("dataset").asText());
        assertEquals("validation", summary.get("evaluated_on").asText());
        assertEquals(24, summary.get("train_images").asInt());
        assertEquals(6, summary.get("validation_images").asInt());
        assertEquals(6, summary.get("test_images").asInt());
        assertEquals(93_322 - 7 * 65, summary.get("total_params").asLong(), "dense 64 to 3 classes instead of 10");
        JsonNode config = json(run, "config.json");
        assertEquals("folder", config.get("dataset").asText());
        assertEquals(folder.toString(), config.get("data.images").asText());
        List<String> perClass = Files.readAllLines(run.run().path().resolve("per-class-simple-cnn.csv"));
        assertEquals(4, perClass.size(), String.join("\n", perClass));
        assertTrue(perClass.get(1).startsWith("blob,") && perClass.get(3).startsWith("vertical,"), perClass.toString());
        assertEquals(2, Files.readAllLines(run.run().path().resolve("metrics.csv")).size());
        String table = run.result().table();
        for (String shown : List.of("# Simple CNN on images in " + folder, "3 classes: blob, horizontal, vertical",
                "read as grey 1x28x28", "**Accuracy on the validation split (the folder has no test set): ",
                "92,867 parameters", "Smoke run")) {
            assertTrue(table.contains(shown), "table lacks " + shown + ":\n" + table);
        }
    }

    static Stream<Experiment<?>> choosingExperiments() {
        return Experiments.all().stream().filter(e -> ((ExperimentSettings) e.defaults()).choosesDataset());
    }

    @Test
    void theLabsThatTrainOnMnistAreTheOnesThatChoose() {
        assertEquals(List.of("ActivationVisualization", "ArchitectureComparison", "DataAugmentation", "GradCam",
                "MnistSimpleCnn"), choosingExperiments().map(Experiment::name).sorted().toList());
    }

    /** Every experiment with the choice, in smoke mode on a folder of 18 synthetic images of 3 classes (5 validation). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("choosingExperiments")
    void everyExperimentWithTheChoiceRunsOnAFolderOfThreeClasses(Experiment<?> lab) throws Exception {
        Path folder = SyntheticImageFolder.write(tmp.resolve("synthetic-images"), 6, 5);
        Runner.Finished run = smokeOnFolder(lab, folder);
        JsonNode summary = json(run, "summary.json");
        assertEquals("completed", summary.get("status").asText());
        assertEquals("images in " + folder, summary.get("dataset").asText(), summary.toString());
        assertTrue(run.result().table().contains("Data: images in " + folder + ": 13 training, 5 validation, no test "
                + "images"), run.result().table());
    }

    private <S extends Record & ExperimentSettings> Runner.Finished smokeOnFolder(Experiment<S> lab, Path folder)
            throws Exception {
        S settings = SettingsParser.with(lab.defaults(), Map.of("max.batches", "1", "epochs", "1", "batch.size", "8",
                "validation.split", "0.25", "subset", "0", "dataset", "folder", "data.images", folder.toString()));
        return Runs.run(lab, settings, Runs.roots(results()));
    }

    @Test
    void fashionMnistTrainsTheSimpleCnnAsItIs() throws Exception {
        Runner.Finished run = Runs.run(experiment, smoke("dataset", "fashion-mnist"), Runs.roots(results()));
        JsonNode summary = json(run, "summary.json");
        assertEquals("completed", summary.get("status").asText());
        assertEquals("Fashion-MNIST", summary.get("dataset").asText());
        assertEquals("test", summary.get("evaluated_on").asText());
        assertEquals(93_322, summary.get("total_params").asLong());
        assertEquals(16, summary.get("test_images").asInt(), "two batches of 8 in a smoke run");
        String perClass = Files.readString(run.run().path().resolve("per-class-simple-cnn.csv"));
        assertTrue(perClass.contains("Ankle boot") && perClass.contains("T-shirt/top"), perClass);
        String table = run.result().table();
        assertTrue(table.contains("# Simple CNN on Fashion-MNIST") && table.contains("**Test Accuracy: ")
                && table.contains("Data: Fashion-MNIST: 48,000 training, 12,000 validation, 10,000 test images"), table);
    }

    @Test
    void cifar10IsConvertedToGreyForTheOneChannelModelAndTheTableSaysSo() throws Exception {
        RunRoots roots = Runs.withCifarFixture(results());
        Runner.Finished run = Runs.run(experiment, smoke("dataset", "cifar10"), roots);
        JsonNode summary = json(run, "summary.json");
        assertEquals(CifarFixture.NAME, summary.get("dataset").asText());
        assertEquals(93_322, summary.get("total_params").asLong());
        assertTrue(run.result().table().contains("The colour 3x32x32 images were converted to grey 1x28x28 for the "
                + "model (OpenCV's luma weights"), run.result().table());
    }

    /** The bad input, each refused with a message naming the thing and the fix, before any run folder exists. */
    private void refused(RunRoots roots, Map<String, String> settings, String... says) {
        ConfigException e = assertThrows(ConfigException.class, () -> Runs.run(experiment,
                SettingsParser.with(experiment.defaults(), settings), roots));
        for (String s : says) {
            assertTrue(e.getMessage().contains(s), "'" + s + "' not in: " + e.getMessage());
        }
        assertFalse(Files.exists(results()), "no run folder for bad input");
    }

    @Test
    void everyBadFolderIsRefusedBeforeARunFolderExists() throws Exception {
        RunRoots roots = Runs.roots(results());
        Path missing = tmp.resolve("missing");
        refused(roots, Map.of("dataset", "folder", "data.images", missing.toString()), missing + " does not exist",
                "one sub-folder per class");
        Path good = SyntheticImageFolder.write(tmp.resolve("one-class"), 2, 1);
        for (String other : List.of("horizontal", "vertical")) {
            try (var files = Files.list(good.resolve(other))) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(good.resolve(other));
        }
        refused(roots, Map.of("dataset", "folder", "data.images", good.toString()), "one class sub-folder (blob)",
                "Add a sub-folder for every other class");
        Path empty = SyntheticImageFolder.write(tmp.resolve("empty-class"), 2, 1);
        Files.createDirectories(empty.resolve("circle"));
        refused(roots, Map.of("dataset", "folder", "data.images", empty.toString()), "The class folder "
                + empty.resolve("circle") + " holds no images", "Put that class's images there, or remove the folder");
        Path broken = SyntheticImageFolder.write(tmp.resolve("broken"), 2, 1);
        Files.writeString(broken.resolve("blob/blob-1-rgb.png"), "not a png");
        refused(roots, Map.of("dataset", "folder", "data.images", broken.toString()),
                broken.resolve("blob/blob-1-rgb.png").toString(), "Replace each with a valid image, or delete it");
        Path file = Files.writeString(tmp.resolve("images.txt"), "x");
        refused(roots, Map.of("dataset", "folder", "data.images", file.toString()), file + " is a file, not a folder");
    }

    @Test
    void cifar10MissingFromTheUsersFolderIsTheMissingDataError() throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("my-cifar"));
        RunRoots roots = Runs.roots(results());
        refused(roots.withData(roots.data().withCifar10(mine)), Map.of("dataset", "cifar10"),
                "The CIFAR-10 directory " + mine + " (from -Ddata.cifar10) lacks [data_batch_1.bin",
                "Extract the binary version (https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz) there");
    }
}
