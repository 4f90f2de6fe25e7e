package cnnlabs.experiments.performance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.settings.ConfigException;
import cnnlabs.settings.SettingsParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How LabWallTime reads the Keras side's timings and the cnnlabs run's epochs, and refuses bad settings. */
class LabWallTimeTest {

    @TempDir
    Path tmp;

    /** What lab3_keras.py --time --parts 2,4 prints, shortened (the lab's own output between the JSON lines). */
    static final String KERAS = """
            --- cell 1 (Part 1) ---
            {"cell": 1, "part": 1, "seconds": 0.8}
            Epoch 1/10
            {"fit": "sequential", "part": 2, "seconds": 93.6}
            {"cell": 5, "part": 2, "seconds": 95.1}
            {"fit": "sequential_1", "part": 4, "seconds": 210.5}
            {"cell": 9, "part": 4, "seconds": 1.5}
            {"cell": 10, "part": 4, "seconds": 212.0}
            {"part": 4, "params": 93322, "accuracy": [0.9], "val_accuracy": [0.95]}
            """;

    @Test
    void theKerasSideIsReadPerPart() throws Exception {
        KerasOriginal.Timing four = KerasOriginal.parse(KERAS, 4);
        assertEquals(List.of(210.5), four.fits());
        assertEquals(213.5, four.cells(), 1e-9);
        KerasOriginal.Timing two = KerasOriginal.parse(KERAS, 2);
        assertEquals(List.of(93.6), two.fits());
        assertEquals(95.1, two.cells(), 1e-9);
    }

    @Test
    void theCnnlabsSideSumsEachModelsEpochs() throws Exception {
        Path metrics = tmp.resolve("metrics.csv");
        Files.writeString(metrics, """
                model,epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds,images_per_sec
                lenet5,1,0.9,0.7,0.4,0.8,0.001,2.5,3000
                lenet5,2,0.3,0.9,0.3,0.9,0.001,1.5,5000
                vgg-style,1,0.5,0.8,0.1,0.9,0.001,14.0,600
                """);
        assertEquals(Map.of("lenet5", 4.0, "vgg-style", 14.0), LabWallTime.epochSeconds(metrics));
    }

    @Test
    void badSettingsAreRefused() {
        LabWallTime.Settings defaults = new LabWallTime().defaults();
        assertEquals(List.of(LabWallTime.Part.TWO, LabWallTime.Part.THREE, LabWallTime.Part.FOUR),
                LabWallTime.partList(defaults.parts()));
        assertNull(LabWallTime.partList("2,5"));
        assertThrows(ConfigException.class, () -> SettingsParser.with(defaults, Map.of("parts", "1")));
        ConfigException python = assertThrows(ConfigException.class, () -> SettingsParser.with(defaults,
                Map.of("keras.python", tmp.resolve("nope").toString())));
        assertTrue(python.getMessage().contains("tensorflow-cpu"), python.getMessage());
    }
}
