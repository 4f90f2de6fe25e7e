package cnnlabs.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The parser on records of its own: near misses, switches, labelled choices. (The experiments' records: the run core's tests.) */
class SettingsParserTest {

    enum Metric implements Labelled {
        VAL_LOSS, VAL_ACC;

        @Override
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record Switches(@Setting(key = "help", help = "print and stop", example = "true") boolean help,
                    @Setting(key = "monitor", help = "what to watch", example = "val_acc") Metric monitor) {
    }

    @Test
    void nearMissesAreCloseButNotFar() {
        List<String> valid = List.of("epochs", "batch.size", "lr", "validation.split");
        assertEquals("batch.size", SettingsParser.nearest("BatchSize", valid));
        assertEquals("validation.split", SettingsParser.nearest("validaton.splt", valid));
        assertEquals("lr", SettingsParser.nearest("LR", valid));
        assertNull(SettingsParser.nearest("lx", valid), "two letters are too short to guess from");
        assertNull(SettingsParser.nearest("os.arch", valid));
        assertEquals(3, SettingsParser.editDistance("kitten", "sitting"));
    }

    @Test
    void aSwitchGivenWithoutAValueIsOnAndALabelledChoiceIsWrittenAsItsLabel() {
        Properties p = new Properties();
        p.setProperty("help", "");
        p.setProperty("monitor", "val_acc");
        Switches s = SettingsParser.parse(new Switches(false, Metric.VAL_LOSS), p);
        assertTrue(s.help(), "-Dhelp alone");
        assertEquals(Metric.VAL_ACC, s.monitor());
        assertEquals("val_acc", SettingsParser.values(s).get("monitor"), "as metrics.csv names it, not val-acc");
    }
}
