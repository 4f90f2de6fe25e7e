package cnnlabs.experiments.cifar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.datasets.Cifar10;
import cnnlabs.datasets.CifarFixture;
import cnnlabs.experiments.ConfigException;
import cnnlabs.experiments.Engine;
import cnnlabs.experiments.Experiments;
import cnnlabs.experiments.lab3.GradCam;
import cnnlabs.experiments.lab3.MnistSimpleCnn;
import cnnlabs.experiments.settings.SettingsParser;
import cnnlabs.experiments.training.Console;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the CIFAR labs check before a run folder exists, and the pieces of their pictures. */
class CifarExperimentsTest {

    @TempDir
    Path tmp;

    private static Console quiet() {
        return new Console(new PrintStream(new ByteArrayOutputStream()), false);
    }

    @Test
    void aCifarFolderThatLacksBatchesStopsBeforeARunFolderExistsAndSaysHowToGetIt() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("cifar"));
        System.setProperty(Cifar10.PROPERTY, empty.toString());
        try {
            Cifar10ResNet experiment = new Cifar10ResNet();
            ConfigException e = assertThrows(ConfigException.class, () -> Experiments.run(experiment,
                    experiment.defaults(), Engine.plain(), tmp.resolve("results"), tmp.resolve("data"), quiet(), "test"));
            assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("data_batch_1.bin"), e.getMessage());
            assertTrue(e.getMessage().contains(Cifar10.URL), e.getMessage());
            assertFalse(Files.exists(tmp.resolve("results")), "nothing written before the check");
        } finally {
            System.clearProperty(Cifar10.PROPERTY);
        }
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
        ConfigException e = assertThrows(ConfigException.class, () -> Experiments.run(experiment, settings,
                Engine.plain(), tmp.resolve("results"), tmp.resolve("data"), quiet(), "test"));
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
        Path fixture = CifarFixture.write(tmp.resolve("cifar"), 40, 30, 3);
        System.setProperty(Cifar10.PROPERTY, fixture.toString());
        try {
            Cifar10ResNet cifar = new Cifar10ResNet();
            Experiments.run(cifar, SettingsParser.with(cifar.defaults(), Map.of("model", "small-cnn", "epochs", "1")),
                    Engine.fast(), tmp.resolve("results"), tmp.resolve("data"), quiet(), "test");
            GradCam gradCam = new GradCam();
            Experiments.Finished run = Experiments.run(gradCam, SettingsParser.with(gradCam.defaults(),
                    Map.of("max.batches", "1", "epochs", "1")), Engine.fast(), tmp.resolve("results"),
                    cnnlabs.datasets.DataDirectory.resolve(), quiet(), "test");
            String table = run.result().table();
            assertTrue(table.contains("SYNTHETIC FIXTURE, NOT CIFAR-10: small-cnn from "), table);
            assertTrue(table.contains("| small-cnn | `features.pool2` | 64 x 8 x 8 |"), table);
            assertTrue(Files.isRegularFile(run.run().path().resolve("gradcam-small-cnn.png")));
        } finally {
            System.clearProperty(Cifar10.PROPERTY);
        }
    }
}
