package cnnlabs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.Lab3Models;
import cnnlabs.datasets.CifarFixture;
import cnnlabs.datasets.DataLocations;
import cnnlabs.datasets.SyntheticImageFolder;
import cnnlabs.run.settings.DatasetChoice;
import cnnlabs.run.settings.DatasetTrainingSettings;
import cnnlabs.run.settings.Training;
import cnnlabs.run.settings.TrainingSettings;
import cnnlabs.settings.ConfigException;
import cnnlabs.settings.SettingsParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -Ddataset}: the setting, the checks before a run, and the images fitted to a 1x28x28 model. */
class TrainingDataTest {

    @TempDir
    Path tmp;

    private static final Training LAB = Training.lab(1, 8, 0, 0.25);

    private RunRoots roots() {
        return new RunRoots(tmp, tmp.resolve("results"), new DataLocations(tmp.resolve("data"), null));
    }

    private static DatasetTrainingSettings with(String... keyValues) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return SettingsParser.with(DatasetTrainingSettings.of(LAB), values);
    }

    @Test
    void theSettingNamesEveryDatasetAndRefusesOthersListingThem() {
        assertEquals(DatasetChoice.Kind.FASHION_MNIST, with("dataset", "fashion-mnist").dataset().kind());
        assertEquals(DatasetChoice.Kind.CIFAR10, with("dataset", "CIFAR10").dataset().kind());
        assertEquals("mnist", SettingsParser.values(DatasetTrainingSettings.of(LAB)).get("dataset"));
        String m = assertThrows(ConfigException.class, () -> with("dataset", "imagenet")).getMessage();
        assertTrue(m.contains("'imagenet' for -Ddataset") && m.contains("mnist, fashion-mnist, cifar10, folder"), m);
        assertTrue(SettingsParser.keys(DatasetTrainingSettings.of(LAB)).containsAll(java.util.List.of("dataset",
                "data.images")));
        assertTrue(DatasetTrainingSettings.of(LAB).choosesDataset());
        assertFalse(TrainingSettings.of(LAB).choosesDataset());
    }

    @Test
    void aFolderNeedsItsImagesAndImagesNeedTheFolderChoice() {
        String m = assertThrows(ConfigException.class, () -> with("dataset", "folder")).getMessage();
        assertTrue(m.contains("-Ddataset=folder needs the folder: add -Ddata.images=DIR"), m);
        m = assertThrows(ConfigException.class, () -> with("data.images", "/data/flowers")).getMessage();
        assertTrue(m.contains("-Ddata.images=/data/flowers is read only with -Ddataset=folder, and the dataset is "
                + "mnist: add -Ddataset=folder"), m);
        assertEquals("/data/flowers", with("dataset", "folder", "data.images", "/data/flowers").dataset().images());
    }

    @Test
    void aFoldersProblemsAreConfigurationErrorsBeforeTheRun() throws Exception {
        Path missing = tmp.resolve("missing");
        String m = assertThrows(ConfigException.class, () -> TrainingData.check(DatasetChoice.folder(missing.toString()),
                roots())).getMessage();
        assertTrue(m.contains(missing + " does not exist"), m);
        Path folder = SyntheticImageFolder.write(tmp.resolve("synthetic"), 4, 1);
        assertEquals(3, TrainingData.check(DatasetChoice.folder(folder.toString()), roots()));
        assertEquals(3, TrainingData.check(DatasetChoice.folder("synthetic"), roots()), "relative to the repository");
        Files.writeString(folder.resolve("blob/blob-0-grey.png"), "broken");
        m = assertThrows(ConfigException.class, () -> TrainingData.check(DatasetChoice.folder(folder.toString()), roots()))
                .getMessage();
        assertTrue(m.contains("blob-0-grey.png") && m.contains("cannot be read as images"), m);
    }

    @Test
    void aFolderIsReadAtTheModelsInputWithItsClassesAndNoTestSet() {
        Path folder = SyntheticImageFolder.write(tmp.resolve("synthetic"), 8, 2);
        TrainingData data = TrainingData.load(DatasetChoice.folder(folder.toString()), LAB, roots(), Lab3Models.MNIST, 42);
        assertEquals("images in " + folder, data.name());
        assertEquals(18, data.split().train().size());
        assertEquals(6, data.split().validation().size());
        assertSame(data.split().validation(), data.test());
        assertTrue(data.testIsValidation());
        assertEquals(SyntheticImageFolder.CLASSES, data.classNames());
        assertEquals(1, data.split().train().channels());
        assertEquals(28, data.split().train().width());
        assertTrue(data.fitted().contains("grey 1x28x28"), data.fitted());
        assertTrue(data.describe().contains("18 training, 6 validation, no test images") && data.describe()
                .contains("3 classes: blob, horizontal, vertical"), data.describe());
        assertEquals(3, data.fit(Architectures.get("simple-cnn")).numClasses());
        TrainingData subset = TrainingData.load(DatasetChoice.folder(folder.toString()), Training.lab(1, 8, 12, 0.25),
                roots(), Lab3Models.MNIST, 42);
        assertEquals(9, subset.split().train().size());
    }

    @Test
    void cifar10IsConvertedToGreyForAOneChannelModel() {
        Path fixture = CifarFixture.write(tmp.resolve("cifar-fixture"), 4, 6, 3);
        RunRoots roots = roots().withData(roots().data().withCifar10(fixture));
        DatasetChoice cifar = new DatasetChoice(DatasetChoice.Kind.CIFAR10, "");
        assertEquals(10, TrainingData.check(cifar, roots));
        TrainingData data = TrainingData.load(cifar, LAB, roots, Lab3Models.MNIST, 42);
        assertEquals(CifarFixture.NAME, data.name());
        assertEquals(1, data.test().channels());
        assertEquals(28, data.test().height());
        assertEquals(6, data.test().size());
        assertEquals(15, data.split().train().size());
        assertEquals("test", data.testName());
        assertTrue(data.fitted().contains("colour 3x32x32 images were converted to grey 1x28x28")
                && data.fitted().contains("luma"), data.fitted());
    }

    @Test
    void cifar10WithoutItsFilesStopsWithTheMissingDataError() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("my-cifar"));
        RunRoots roots = roots().withData(roots().data().withCifar10(empty));
        String m = assertThrows(ConfigException.class, () -> TrainingData.check(new DatasetChoice(
                DatasetChoice.Kind.CIFAR10, ""), roots)).getMessage();
        assertTrue(m.contains("The CIFAR-10 directory " + empty + " (from -Ddata.cifar10) lacks [data_batch_1.bin")
                && m.contains("Extract the binary version"), m);
    }
}
