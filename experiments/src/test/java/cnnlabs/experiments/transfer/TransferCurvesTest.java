package cnnlabs.experiments.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.datasets.ImageDataset;
import cnnlabs.experiments.Runs;
import cnnlabs.run.RunRoots;
import cnnlabs.settings.ConfigException;
import cnnlabs.settings.SettingsParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TransferCurves' settings, its checks before a run folder exists, its epochs per size and its class subsets. */
class TransferCurvesTest {

    @TempDir
    Path dir;

    @Test
    void settingsAreReadAndBadOnesRefusedWithTheFix() {
        TransferCurves.Settings defaults = new TransferCurves().defaults();
        assertEquals(List.of(TransferProtocol.DIGITS, TransferProtocol.FASHION), defaults.protocolList());
        assertArrayEquals(new int[] {250, 1000, 5000}, TransferCurves.sizes(defaults.targetSizes()));
        assertEquals(20, defaults.fineTuneLayers());

        ConfigException protocol = assertThrows(ConfigException.class,
                () -> SettingsParser.with(defaults, Map.of(TransferCurves.PROTOCOLS, "digits,cats")));
        assertTrue(protocol.getMessage().contains("digits, fashion, imagenet"), protocol.getMessage());
        assertThrows(ConfigException.class, () -> SettingsParser.with(defaults, Map.of(TransferCurves.TARGET_SIZES,
                "250,ten")));
        assertThrows(ConfigException.class, () -> SettingsParser.with(defaults, Map.of(TransferCurves.TARGET_SIZES,
                "5")));
        ConfigException layers = assertThrows(ConfigException.class, () -> SettingsParser.with(defaults,
                Map.of(MobileNetTransfer.FINETUNE_LAYERS, "154")));
        assertTrue(layers.getMessage().contains("from 1 to 152"), layers.getMessage());
        assertArrayEquals(new int[] {100, 2000}, TransferCurves.sizes(" 2000,100,100 "));
        assertNull(TransferCurves.sizes(""));

        TransferCurves.Settings withWeights = SettingsParser.with(defaults, Map.of(MobileNetTransfer.WEIGHTS,
                "/x/w.h5", TransferCurves.PROTOCOLS, "fashion"));
        assertEquals(List.of(TransferProtocol.FASHION, TransferProtocol.IMAGENET), withWeights.protocolList());
    }

    @Test
    void whatCannotRunIsRefusedBeforeARunFolderExists() {
        TransferCurves experiment = new TransferCurves();
        RunRoots roots = Runs.roots(dir.resolve("results"));
        TransferCurves.Settings imagenet = SettingsParser.with(experiment.defaults(), Map.of(TransferCurves.PROTOCOLS,
                "digits,imagenet"));
        ConfigException noWeights = assertThrows(ConfigException.class, () -> Runs.run(experiment, imagenet, roots));
        assertTrue(noWeights.getMessage().contains("-Dweights"), noWeights.getMessage());

        TransferCurves.Settings tooMany = SettingsParser.with(experiment.defaults(), Map.of(TransferCurves.TARGET_SIZES,
                "250,40000"));
        ConfigException size = assertThrows(ConfigException.class, () -> Runs.run(experiment, tooMany, roots));
        assertTrue(size.getMessage().contains("29404"), size.getMessage());

        TransferCurves.Settings subset = SettingsParser.with(experiment.defaults(), Map.of("subset", "100"));
        assertThrows(ConfigException.class, () -> Runs.run(experiment, subset, roots));
        assertFalse(Files.exists(dir.resolve("results")), "all refused before any run folder");
    }

    @Test
    void smallerTargetSetsTrainProportionallyMoreEpochs() {
        assertEquals(5, TransferCurves.epochs(5, 4000)); // the lab's 5,000 images, 20% held out
        assertEquals(5, TransferCurves.epochs(5, 10_000));
        assertEquals(25, TransferCurves.epochs(5, 800)); // 1,000 images
        assertEquals(100, TransferCurves.epochs(5, 200)); // 250 images
    }

    @Test
    void aClassSubsetKeepsItsImagesInOrderAndRelabelsThem() {
        byte[] pixels = new byte[6];
        for (int i = 0; i < 6; i++) {
            pixels[i] = (byte) (10 * i);
        }
        ImageDataset d = new ImageDataset("synthetic", pixels, new int[] {3, 7, 5, 9, 0, 6}, 1, 1, 1,
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
        ImageDataset high = TransferProtocol.classes(d, 5, 10);
        assertEquals(4, high.size());
        assertEquals(List.of("5", "6", "7", "8", "9"), high.classNames());
        assertArrayEquals(new int[] {2, 0, 4, 1}, new int[] {high.label(0), high.label(1), high.label(2),
                high.label(3)});
        assertArrayEquals(new byte[] {10}, high.imageBytes(0));
        assertArrayEquals(new byte[] {50}, high.imageBytes(3));
    }
}
