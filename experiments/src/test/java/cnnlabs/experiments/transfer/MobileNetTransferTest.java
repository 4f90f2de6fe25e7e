package cnnlabs.experiments.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.settings.ConfigException;
import cnnlabs.run.Engine;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.results.ExperimentRun;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.Console;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import cnnlabs.experiments.Runs;
import cnnlabs.run.RunRoots;

/** The transfer-learning stages on random data: what is frozen stays put, what is trained moves. */
class MobileNetTransferTest {

    @TempDir
    Path dir;

    @Test
    void invalidSettingsAreRefusedWithTheFix() {
        MobileNetTransfer.Settings defaults = new MobileNetTransfer().defaults();
        ConfigException e = assertThrows(ConfigException.class,
                () -> SettingsParser.with(defaults, Map.of(MobileNetTransfer.HEAD_LR, "fast")));
        assertTrue(e.getMessage().contains("-Dhead.lr") && e.getMessage().contains("e.g. -Dhead.lr=0.01"), e.getMessage());
        assertThrows(ConfigException.class, () -> SettingsParser.with(defaults, Map.of(MobileNetTransfer.PRETRAIN_EPOCHS,
                "0")));

        MobileNetTransfer.Settings settings = SettingsParser.with(defaults, Map.of(MobileNetTransfer.HEAD_LR, "0.01",
                MobileNetTransfer.WEIGHTS, " /x/weights.h5 "));
        assertEquals(0.01, settings.headLr());
        assertEquals("/x/weights.h5", settings.weights());
        assertEquals(0, defaults.headLr(), "0: the head takes the fine-tuning rate");
        assertFalse(defaults.hasWeights());
    }

    @Test
    void missingOrMismatchedWeightsStopTheRunBeforeARunFolderExists() {
        MobileNetTransfer experiment = new MobileNetTransfer();
        RunRoots roots = Runs.roots(dir.resolve("results"));
        MobileNetTransfer.Settings absent = SettingsParser.with(experiment.defaults(), Map.of("max.batches", "1",
                MobileNetTransfer.WEIGHTS, dir.resolve("absent.h5").toString()));

        ConfigException missing = assertThrows(ConfigException.class, () -> Runs.run(experiment, absent, roots));

        assertTrue(missing.getMessage().contains("absent.h5") && missing.getMessage().contains("does not exist"),
                missing.getMessage());
        MobileNetTransfer.Settings url = SettingsParser.with(absent, Map.of(MobileNetTransfer.WEIGHTS,
                "https://example.org/weights/"));
        ConfigException bad = assertThrows(ConfigException.class, () -> Runs.run(experiment, url, roots));
        assertTrue(bad.getMessage().contains(".h5"), bad.getMessage());
        assertFalse(Files.exists(dir.resolve("results")), "both refused before any run folder");
    }
}
