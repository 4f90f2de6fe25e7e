package cnnlabs.run.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.settings.ConfigException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.optim.Optimizer;
import cnnlabs.training.optim.Schedule;
import cnnlabs.training.CallbackSettings;

/** The one parser of {@code -D} settings: records, composition, validation, help, and misspelt or misplaced keys. */
class SettingsParserTest {

    /** An experiment's own settings beside the shared ones: every kind of value the parser reads. */
    record Own(Common common, Training training,
               @Setting(key = "name", help = "a name", example = "x") String name,
               @Setting(key = "flag", help = "a switch", example = "true") boolean flag,
               @Setting(key = "mode", help = "a choice", example = "fast-and-loose") Mode mode)
            implements ExperimentSettings {
    }

    enum Mode { CAREFUL, FAST_AND_LOOSE }

    private static final TrainingSettings LAB = TrainingSettings.of(Training.lab(5, 128, 10_000, 0.2));

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void propertiesOverrideOnlyTheSettingsGivenAndComposedRecordsAreParsedInPlace() {
        TrainingSettings s = SettingsParser.parse(LAB, props("epochs", "2", "batch.size", " 64 ", "lr", "3e-4", "seed",
                "-7", "subset", "1_000", "validation.split", "0.25", "max.batches", "3", "bn.momentum", "0.99",
                "java.version", "17"));
        assertEquals(new TrainingSettings(new Common(-7, 3), new Training(2, 64, 3e-4, 1000, 0.25, 0.99, Training.LAB_DROPOUT, Optimizer.KERAS_ADAM, Schedule.CONSTANT, CallbackSettings.DEFAULTS)), s);
        assertTrue(s.common().isSmokeRun());
        assertSame(LAB, SettingsParser.parse(LAB, props("unrelated", "x")), "nothing given: the defaults as they are");
        Own own = SettingsParser.parse(new Own(Common.DEFAULTS, Training.lab(1, 8, 0, 0.1), "", false, Mode.CAREFUL),
                props("name", "resnet", "flag", "TRUE", "mode", "Fast-And-Loose", "epochs", "3"));
        assertEquals("resnet", own.name());
        assertTrue(own.flag());
        assertEquals(Mode.FAST_AND_LOOSE, own.mode());
        assertEquals(3, own.training().epochs());
        assertTrue(own.trains());
        assertTrue(!CommonSettings.DEFAULTS.trains());
    }

    @ParameterizedTest
    @CsvSource({
            "epochs, 0, a whole number >= 1",
            "epochs, five, a whole number",
            "batch.size, -1, a whole number >= 1",
            "lr, fast, a number",
            "lr, 0, a number in (0, 10]",
            "lr, NaN, a number",
            "seed, 1.5, a whole number",
            "subset, -5, a whole number >= 0",
            "validation.split, 1, 'a fraction in [0, 1)'",
            "validation.split, -0.1, 'a fraction in [0, 1)'",
            "dropout, 1, 'a rate in [0, 1), or -1'",
            "max.batches, lots, a whole number",
            "bn.momentum, 1, a number in [0, 1)",
    })
    void invalidValuesNameThePropertyTheValueAndAnExample(String key, String value, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> SettingsParser.parse(LAB, props(key, value)));
        assertTrue(e.getMessage().contains("'" + value + "' for -D" + key), e.getMessage());
        assertTrue(e.getMessage().contains("expected " + expected), e.getMessage());
        assertTrue(e.getMessage().contains("e.g. -D" + key + "="), e.getMessage());
    }

    @Test
    void switchesAndChoicesTakeOnlyTheirValues() {
        Own own = new Own(Common.DEFAULTS, Training.lab(1, 8, 0, 0.1), "", false, Mode.CAREFUL);
        ConfigException flag = assertThrows(ConfigException.class, () -> SettingsParser.parse(own, props("flag", "yes")));
        assertTrue(flag.getMessage().contains("expected true or false"), flag.getMessage());
        ConfigException mode = assertThrows(ConfigException.class, () -> SettingsParser.parse(own, props("mode", "quick")));
        assertTrue(mode.getMessage().contains("one of careful, fast-and-loose"), mode.getMessage());
    }

    @Test
    void describedInOrderWithValuesHelpAndExamples() {
        List<SettingsParser.Described> d = SettingsParser.describe(LAB);
        assertEquals(List.of("seed", "max.batches", "epochs", "batch.size", "lr", "subset", "validation.split",
                "bn.momentum", "dropout", "optimizer", "momentum", "weight.decay", "grad.clip.norm", "grad.clip.value",
                "lr.schedule", "lr.step.epochs", "lr.gamma", "lr.min", "lr.warmup.epochs", "lr.patience", "lr.per.step",
                "lr.pct.start", "lr.div.factor", "lr.final.div.factor", "monitor",
                "early.stopping.patience", "early.stopping.min.delta", "early.stopping.restore.best", "checkpoint",
                "divergence.loss", "top.k", "label.smoothing", "class.weights"),
                d.stream().map(SettingsParser.Described::key).toList());
        assertEquals(5, d.get(2).value());
        assertTrue(d.get(4).help().contains("learning rate"));
        Map<String, Object> labValues = SettingsParser.values(LAB);
        assertEquals("adam", labValues.get("optimizer"));
        assertEquals("none", labValues.get("lr.schedule"));
        assertEquals("val_loss", labValues.get("monitor"));
        Map<String, Object> values = SettingsParser.values(LAB);
        assertEquals(0.2, values.get("validation.split"));
        assertEquals("fast-and-loose", SettingsParser.values(new Own(Common.DEFAULTS, Training.lab(1, 8, 0, 0.1), "",
                false, Mode.FAST_AND_LOOSE)).get("mode"));
    }

    @Test
    void withRefusesKeysTheSettingsDoNotHave() {
        assertEquals(3, SettingsParser.with(LAB, Map.of("epochs", "3")).training().epochs());
        ConfigException e = assertThrows(ConfigException.class,
                () -> SettingsParser.with(CommonSettings.DEFAULTS, Map.of("epochs", "3")));
        assertTrue(e.getMessage().contains("-Depochs") && e.getMessage().contains("seed, max.batches"), e.getMessage());
    }

    @Test
    void misspeltMisplacedAndCnnlabsLookingKeysAreRefusedAndEverythingElseIsLeftAlone() {
        List<String> valid = SettingsParser.keys(LAB);
        Map<String, String> elsewhere = Map.of("finetune.lr", "MobileNetTransfer");
        ConfigException underscore = assertThrows(ConfigException.class, () -> SettingsParser.rejectUnknown(
                props("batch_size", "64"), "ArchitectureComparison", valid, elsewhere));
        assertTrue(underscore.getMessage().contains("Unknown setting -Dbatch_size: did you mean -Dbatch.size?"),
                underscore.getMessage());
        assertTrue(underscore.getMessage().contains("-Dexp=ArchitectureComparison -Dhelp"), underscore.getMessage());
        ConfigException typo = assertThrows(ConfigException.class, () -> SettingsParser.rejectUnknown(
                props("epoch", "3"), "ArchitectureComparison", valid, elsewhere));
        assertTrue(typo.getMessage().contains("did you mean -Depochs?"), typo.getMessage());
        ConfigException misplaced = assertThrows(ConfigException.class, () -> SettingsParser.rejectUnknown(
                props("finetune.lr", "1e-5"), "ArchitectureComparison", valid, elsewhere));
        assertTrue(misplaced.getMessage().contains("not a setting of ArchitectureComparison (it belongs to "
                + "MobileNetTransfer)"), misplaced.getMessage());
        assertThrows(ConfigException.class, () -> SettingsParser.rejectUnknown(props("cnnlabs.fats", "false"),
                "ArchitectureComparison", valid, elsewhere));
        // the JVM's and Maven's own properties pass
        SettingsParser.rejectUnknown(props("java.version", "17", "maven.home", "/usr/share/maven", "user.dir", "/w",
                "javacpp.platform", "linux-x86_64", "epochs", "3"), "ArchitectureComparison", valid, elsewhere);
    }
}
