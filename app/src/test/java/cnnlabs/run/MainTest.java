package cnnlabs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.datasets.SyntheticImageFolder;
import cnnlabs.experiments.lab3.ArchitectureComparison;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.Console;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... keyValues) {
        Properties p = new Properties();
        p.setProperty("results.dir", tmp.resolve("results").toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return Main.run(p, new Console(new PrintStream(out, true, StandardCharsets.UTF_8), false),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noExperimentOrListPrintsEveryExperimentWithItsDescription() {
        assertEquals(0, run());
        assertEquals(0, run("exp", "list"));
        for (Experiment<?> e : Experiments.all()) {
            assertTrue(out().contains(e.name() + " "), out());
            assertTrue(out().contains(e.description()), out());
        }
        assertFalse(Files.exists(tmp.resolve("results")), "listing writes nothing");
    }

    @Test
    void unknownExperimentExitsNonZeroListingTheNames() {
        assertEquals(2, run("exp", "ArchitectureComparisn"));
        assertTrue(err().contains("Unknown experiment 'ArchitectureComparisn'"), err());
        for (String name : Experiments.names()) {
            assertTrue(err().contains(name), err());
        }
        assertFalse(err().contains("\tat "), "no stack trace");
        assertFalse(Files.exists(tmp.resolve("results")));
    }

    @Test
    void invalidValueExitsNonZeroWithoutStartingARun() {
        assertEquals(2, run("exp", "MnistSimpleCnn", "batch.size", "big"));
        assertTrue(err().contains("-Dbatch.size"), err());
        assertFalse(err().contains("\tat "));
        assertFalse(Files.exists(tmp.resolve("results")));
    }

    @Test
    void invalidExperimentSpecificValueExitsNonZeroWithoutStartingARun() {
        assertEquals(2, run("exp", "MobileNetTransfer", "head.lr", "fast"));
        assertTrue(err().contains("-Dhead.lr") && err().contains("e.g. -Dhead.lr=0.01"), err());
        assertFalse(err().contains("\tat "));
        assertFalse(Files.exists(tmp.resolve("results")));
    }

    @Test
    void corruptDataFileExitsNonZeroNamingTheFileAndKeepsWhatTheRunWrote() throws IOException {
        Path mnist = tmp.resolve("data/mnist");
        Files.createDirectories(mnist);
        for (String name : List.of("train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")) {
            Files.write(mnist.resolve(name), new byte[] {0});
        }
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(header);
        d.writeInt(0x803);
        d.writeInt(60_000);
        d.writeInt(28);
        d.writeInt(28);
        d.write(new byte[1000]);
        Files.write(mnist.resolve("train-images-idx3-ubyte"), header.toByteArray());

        assertEquals(2, run("exp", "MnistSimpleCnn", "data.dir", tmp.resolve("data").toString()));

        assertTrue(err().contains(mnist.resolve("train-images-idx3-ubyte") + " is truncated"), err());
        assertTrue(err().contains("Delete it"), err());
        assertFalse(err().contains("\tat "));
        Path runDir;
        try (Stream<Path> runs = Files.list(tmp.resolve("results/MnistSimpleCnn"))) {
            runDir = runs.findFirst().orElseThrow();
        }
        assertTrue(Files.exists(runDir.resolve("config.json")));
        assertTrue(Files.exists(runDir.resolve("env.json")));
        assertTrue(Files.readString(runDir.resolve("summary.json")).contains("\"failed\""));
        assertTrue(Files.readString(runDir.resolve("error.txt")).contains("DataException"));
    }

    @Test
    void unwritableResultsFolderIsAConfigurationError() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");

        assertEquals(2, run("exp", "MnistSimpleCnn", "results.dir", file.toString()));

        assertTrue(err().contains("Cannot create the results folder " + file.resolve("MnistSimpleCnn")), err());
        assertTrue(err().contains("-Dresults.dir"), err());
    }

    @Test
    void invalidRuntimeSwitchOrPythonExitsNonZeroWithoutStartingARun() {
        assertEquals(2, run("exp", "ConvolutionBasics", "cnnlabs.fast", "maybe"));
        assertTrue(err().contains("'maybe' for -Dcnnlabs.fast") && err().contains("-Dcnnlabs.fast=false"), err());
        assertFalse(err().contains("\tat "));
        assertFalse(Files.exists(tmp.resolve("results")));
        assertEquals(2, run("exp", "Throughput", "peer.python", tmp.resolve("no-such-python").toString()));
        assertTrue(err().contains("-Dpeer.python=") && err().contains("not an executable file"), err());
        assertFalse(Files.exists(tmp.resolve("results")));
        assertEquals(2, run("exp", "Throughput", "python", "/usr/bin/python3"));
        assertTrue(err().contains("-Dpython was renamed: use -Dpeer.python=/usr/bin/python3"), err());
        assertFalse(Files.exists(tmp.resolve("results")));
        assertEquals(2, run("exp", "MnistSimpleCnn", "ui", "yes"));
        assertTrue(err().contains("'yes' for -Dui: expected true or false"), err());
        assertEquals(2, run("exp", "MnistSimpleCnn", "lr.schedule", "linear"));
        assertTrue(err().contains("-Dlr.schedule") && err().contains("cosine"), err());
        assertEquals(2, run("exp", "MnistSimpleCnn", "early.stoping.patience", "3"));
        assertTrue(err().contains("did you mean -Dearly.stopping.patience?"), err());
        assertFalse(Files.exists(tmp.resolve("results")));
    }

    @Test
    void misspeltOrMisplacedSettingExitsNonZeroSayingWhatWasMeantWithoutStartingARun() {
        assertEquals(2, run("exp", "MnistSimpleCnn", "batch_size", "64"));
        assertTrue(err().contains("Unknown setting -Dbatch_size: did you mean -Dbatch.size?"), err());
        assertTrue(err().contains("-Depochs") && err().contains("-Dlr"), "the valid settings are listed: " + err());
        assertFalse(err().contains("\tat "));
        assertFalse(Files.exists(tmp.resolve("results")));
        assertEquals(2, run("exp", "MnistSimpleCnn", "finetune.lr", "1e-5"));
        assertTrue(err().contains("-Dfinetune.lr is not a setting of MnistSimpleCnn (it belongs to MobileNetTransfer, "
                + "TransferCurves)"), err());
        assertEquals(2, run("exp", "ConvolutionBasics", "epochs", "3"));
        assertTrue(err().contains("-Depochs is not a setting of ConvolutionBasics"), err());
        assertFalse(Files.exists(tmp.resolve("results")));
    }

    @Test
    void configFileGivesTheSettingsAndDSettingsOverrideThem() throws IOException {
        Path best = tmp.resolve("best.json");
        Files.writeString(best, "{\"experiment\": \"MnistSimpleCnn\", \"epochs\": 3, \"lr\": 0.002, "
                + "\"optimizer\": \"sgd\", \"seed\": 42}");
        assertEquals(0, run("exp", "MnistSimpleCnn", "config", best.toString(), "epochs", "4", "help", ""));
        assertTrue(out().contains("-Dlr=0.002") && out().contains("-Doptimizer=sgd"), out());
        assertTrue(out().contains("-Depochs=4"), "a -D setting wins over the file: " + out());
        assertEquals(2, run("exp", "ArchitectureComparison", "config", best.toString()));
        assertTrue(err().contains("not of ArchitectureComparison") && err().contains("-Dexp=MnistSimpleCnn"), err());
        assertFalse(Files.exists(tmp.resolve("results")));
    }

    @Test
    void helpPrintsEverySettingOfTheExperimentWithItsValueAndStops() {
        for (Experiment<?> e : Experiments.all()) {
            out.reset();
            assertEquals(0, run("exp", e.name(), "help", ""));
            for (var d : cnnlabs.settings.SettingsParser.describe(e.defaults())) {
                assertTrue(out().contains("-D" + d.key() + "="), e.name() + " help lacks " + d.key() + ": " + out());
                assertTrue(out().contains(d.help()), out());
            }
            assertTrue(out().contains("-Dcnnlabs.fast") && out().contains("-Ddata.dir"), out());
        }
        out.reset();
        assertEquals(0, run("exp", "MobileNetTransfer", "help", "", "finetune.lr", "0.001"));
        assertTrue(out().contains("-Dfinetune.lr=0.001"), "help shows the value given: " + out());
        assertTrue(out().contains("-Dpretrain.epochs=2"), out());
        assertFalse(Files.exists(tmp.resolve("results")), "help writes nothing");
    }

    @Test
    void commandLineIsReconstructedFromTheProperties() {
        Properties p = new Properties();
        p.setProperty("exp", "ArchitectureComparison");
        p.setProperty("epochs", "1");
        p.setProperty("user.home", "/ignored");
        assertEquals("mvn exec:java -Dexp=ArchitectureComparison -Depochs=1",
                Main.command(new ArchitectureComparison(), p));
    }

    @Test
    void resultsGoToTheRepositoryRootUnlessConfigured() {
        Properties p = new Properties();
        p.setProperty("cnnlabs.root", "/repo");
        assertEquals(Path.of("/repo/results"), SettingsParser.parse(RunOptions.DEFAULTS, p).roots().results());
        p.setProperty("results.dir", "/elsewhere");
        assertEquals(Path.of("/elsewhere"), SettingsParser.parse(RunOptions.DEFAULTS, p).roots().results());
    }

    @Test
    void classWeightsForAnotherNumberOfClassesAreRefusedBeforeARunFolderExists() {
        assertEquals(2, run("exp", "MnistSimpleCnn", "class.weights", "1,2,3"));
        assertTrue(err().contains("-Dclass.weights gives 3 weights, but MnistSimpleCnn classifies 10 classes"), err());
        assertEquals(2, run("exp", "MnistSimpleCnn", "grad.clip.norm", "-1"));
        assertTrue(err().contains("-Dgrad.clip.norm"), err());
        assertFalse(Files.exists(tmp.resolve("results")));
    }

    @Test
    void aDataFolderThatIsAFileIsRefusedBeforeARunFolderExists() throws IOException {
        Path file = Files.writeString(tmp.resolve("data.zip"), "x");
        assertEquals(2, run("exp", "MnistSimpleCnn", "data.dir", file.toString()));
        assertTrue(err().contains("-Ddata.dir=" + file + " is a file, not a folder"), err());
        assertFalse(Files.exists(tmp.resolve("results")));
    }

    // -Ddataset and -Ddata.images: help, bad values, bad folders (exit 2, no run folder)

    private void assertRefusedWithoutARun(String... says) {
        for (String s : says) {
            assertTrue(err().contains(s), "'" + s + "' not in: " + err());
        }
        assertFalse(err().contains("\tat "), "no stack trace");
        assertFalse(Files.exists(tmp.resolve("results")), "no run folder");
        err.reset();
    }

    @Test
    void helpListsTheChoiceForEveryExperimentThatTrainsOnMnist() {
        for (String name : new String[] {"MnistSimpleCnn", "ArchitectureComparison", "DataAugmentation", "GradCam",
                "ActivationVisualization"}) {
            out.reset();
            assertEquals(0, run("exp", name, "help", ""));
            String help = out();
            assertTrue(help.contains("-Ddataset=mnist") && help.contains("fashion-mnist, cifar10") && help.contains(
                    "-Ddata.images=\"\""), name + ": " + help);
        }
    }

    @Test
    void anUnknownDatasetIsRefusedListingTheNames() {
        assertEquals(2, run("exp", "MnistSimpleCnn", "dataset", "imagenet"));
        assertRefusedWithoutARun("Invalid value 'imagenet' for -Ddataset: expected one of mnist, fashion-mnist, cifar10, "
                + "folder, e.g. -Ddataset=fashion-mnist");
    }

    @Test
    void anExperimentWithAFixedDatasetRefusesTheSetting() {
        assertEquals(2, run("exp", "Cifar10ResNet", "dataset", "fashion-mnist"));
        assertRefusedWithoutARun("-Ddataset is not a setting of Cifar10ResNet (it belongs to ", "MnistSimpleCnn");
    }

    @Test
    void aFolderWithoutImagesOrImagesWithoutTheFolderChoiceAreRefused() {
        assertEquals(2, run("exp", "MnistSimpleCnn", "dataset", "folder"));
        assertRefusedWithoutARun("-Ddataset=folder needs the folder: add -Ddata.images=DIR");
        assertEquals(2, run("exp", "GradCam", "data.images", tmp.toString()));
        assertRefusedWithoutARun("-Ddata.images=" + tmp + " is read only with -Ddataset=folder");
    }

    @Test
    void aBadFolderExitsWithTwoBeforeARunFolderExists() throws Exception {
        Path missing = tmp.resolve("flowers");
        assertEquals(2, run("exp", "MnistSimpleCnn", "dataset", "folder", "data.images", missing.toString()));
        assertRefusedWithoutARun("ERROR: The image folder " + missing + " does not exist", "-Ddata.images");
        Path folder = SyntheticImageFolder.write(tmp.resolve("synthetic"), 2, 1);
        Files.createDirectories(folder.resolve("empty"));
        assertEquals(2, run("exp", "ArchitectureComparison", "dataset", "folder", "data.images", folder.toString()));
        assertRefusedWithoutARun("The class folder " + folder.resolve("empty") + " holds no images");
        Files.delete(folder.resolve("empty"));
        assertEquals(2, run("exp", "MnistSimpleCnn", "dataset", "folder", "data.images", folder.toString(),
                "class.weights", "1,1,1,1,1,1,1,1,1,1"));
        assertRefusedWithoutARun("-Dclass.weights gives 10 weights, but MnistSimpleCnn classifies 3 classes here",
                "-Dclass.weights=1,1,5");
    }
}
