package cnnlabs.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RunConfigTest {

    private static final RunConfig LAB = new ArchitectureComparison().defaults();

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void labDefaultsMatchTheLab() {
        assertEquals(new RunConfig(5, 128, 1e-3, 42, 10_000, 0.2, 0, 0.9), LAB);
        assertEquals(new RunConfig(10, 128, 1e-3, 42, 0, 0.1, 0, 0.9), new MnistSimpleCnn().defaults());
    }

    @Test
    void overridesApplyOnlyToGivenProperties() {
        RunConfig c = LAB.withOverrides(props("epochs", "2", "batch.size", " 64 ", "lr", "3e-4", "seed", "-7",
                "subset", "1_000", "validation.split", "0.25", "max.batches", "3", "bn.momentum", "0.99"));
        assertEquals(new RunConfig(2, 64, 3e-4, -7, 1000, 0.25, 3, 0.99), c);
        assertTrue(c.isSmokeRun());
        assertEquals(LAB, LAB.withOverrides(props("unrelated", "x")));
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
            "validation.split, 1, a fraction strictly between 0 and 1",
            "validation.split, 0, a fraction strictly between 0 and 1",
            "max.batches, lots, a whole number",
            "bn.momentum, 1, a number in [0, 1)",
    })
    void invalidValuesNameThePropertyTheValueAndAnExample(String key, String value, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> LAB.withOverrides(props(key, value)));
        assertTrue(e.getMessage().contains("'" + value + "' for -D" + key), e.getMessage());
        assertTrue(e.getMessage().contains("expected " + expected), e.getMessage());
        assertTrue(e.getMessage().contains("e.g. -D" + key + "="), e.getMessage());
    }
}
