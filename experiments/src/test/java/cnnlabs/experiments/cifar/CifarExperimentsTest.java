package cnnlabs.experiments.cifar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.datasets.Cifar10;
import cnnlabs.datasets.CifarFixture;
import cnnlabs.settings.ConfigException;
import cnnlabs.run.Engine;
import cnnlabs.run.Experiments;
import cnnlabs.experiments.lab3.GradCam;
import cnnlabs.experiments.lab3.MnistSimpleCnn;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.Console;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import cnnlabs.datasets.DataLocations;
import cnnlabs.experiments.Runs;
import cnnlabs.run.RunRoots;
import cnnlabs.run.Runner;

/** What the CIFAR labs check before a run folder exists, and the pieces of their pictures. */
class CifarExperimentsTest {

    @TempDir
    Path tmp;

    @Test
    void aCifarFolderThatLacksBatchesStopsBeforeARunFolderExistsAndSaysHowToGetIt() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("cifar"));
        RunRoots roots = Runs.roots(tmp.resolve("results")).withData(new DataLocations(tmp.resolve("data"), empty));
        Cifar10ResNet experiment = new Cifar10ResNet();
        ConfigException e = assertThrows(ConfigException.class, () -> Runs.run(experiment, experiment.defaults(), roots));
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("data_batch_1.bin"), e.getMessage());
        assertTrue(e.getMessage().contains(Cifar10.URL), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("results")), "nothing written before the check");
    }

    @Test
    void anUnknownModelIsRefusedWithTheCifarModelsListed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> SettingsParser.with(new Cifar10ResNet().defaults(), Map.of("model", "resnet99")));
        assertTrue(e.getMessage().contains("resnet99"), e.getMessage());
        for (String model : List.of("resnet18", "resnet34", "vgg-bn", "small-cnn")) {
            assertTrue(e.getMessage().contains(model), e.getMessage());
        }
        assertFalse(Cifar10ResNet.cifarModels().contains("simple-cnn"), "MNIST models are not CIFAR models");
    }

    @Test
    void theSeedsRecipeIsTheDefault() {
        var t = new Cifar10ResNet().defaults().training();
        assertEquals(20, t.epochs());
        assertEquals(128, t.batchSize());
        assertEquals(0.1, t.learningRate());
        assertEquals(0.9, t.optimizer().momentum());
        assertEquals(5e-4, t.optimizer().weightDecay());
        assertEquals("COSINE", t.schedule().kind().name());
        assertEquals(0, t.validationSplit(), "the seed evaluates on the test set each epoch");
    }

    @Test
    void aValidationSplitOfZeroIsRefusedWhereTheLabHoldsOneOut() throws Exception {
        MnistSimpleCnn experiment = new MnistSimpleCnn();
        var settings = SettingsParser.with(experiment.defaults(), Map.of("validation.split", "0"));
        ConfigException e = assertThrows(ConfigException.class, () -> Runs.run(experiment, settings,
                Runs.roots(tmp.resolve("results"))));
        assertTrue(e.getMessage().contains("-Dvalidation.split=0.1"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("results")));
    }

    @Test
    void feature_map_titles_use_the_stage_name_where_it_is_unique() {
        List<String> shown = List.of("conv1", "layer1.block2.relu", "layer2.block2.relu");
        assertEquals("layer1", Cifar10ResNet.shortName("layer1.block2.relu", shown));
        assertEquals("conv1", Cifar10ResNet.shortName("conv1", shown));
        assertEquals("block1.conv2.relu", Cifar10ResNet.shortName("block1.conv2.relu",
                List.of("block1.conv1.relu", "block1.conv2.relu")));
    }

    @Test
    void gradCamExplainsTheModelACompletedCifarRunSavedAndSaysWhenItIsTheFixture() throws Exception {
        RunRoots roots = Runs.withCifarFixture(tmp.resolve("results"));
        Cifar10ResNet cifar = new Cifar10ResNet();
        Runs.run(cifar, SettingsParser.with(cifar.defaults(), Map.of("model", "small-cnn", "epochs", "1")), roots);
        GradCam gradCam = new GradCam();
        Runner.Finished run = Runs.run(gradCam, SettingsParser.with(gradCam.defaults(),
                Map.of("max.batches", "1", "epochs", "1")), roots);
        String table = run.result().table();
        assertTrue(table.contains("SYNTHETIC FIXTURE, NOT CIFAR-10: small-cnn from "), table);
        assertTrue(table.contains("| small-cnn | `features.pool2` | 64 x 8 x 8 |"), table);
        assertTrue(Files.isRegularFile(run.run().path().resolve("gradcam-small-cnn.png")));
    }
}
