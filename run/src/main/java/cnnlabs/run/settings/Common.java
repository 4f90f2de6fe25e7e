package cnnlabs.run.settings;

import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;

/**
 * The settings every experiment has.
 *
 * @param seed       weight initialisation, shuffling, dropout and generated inputs
 * @param maxBatches smoke runs: every pass stops after this many batches; 0 = no limit
 */
public record Common(
        @Setting(key = "seed", help = "seed for weight initialisation, shuffling, dropout and generated data",
                example = "42") long seed,
        @Setting(key = "max.batches", help = "smoke run: stop every training, validation and test pass after N "
                + "batches (0 = no limit); the numbers are then not the lab's", example = "3") int maxBatches) {

    public static final Common DEFAULTS = new Common(42, 0);

    public Common {
        SettingsParser.require(maxBatches >= 0, "max.batches", maxBatches, "a whole number >= 0 (0 = no limit)", "3");
    }

    /** True when passes are cut short ({@code -Dmax.batches}): the numbers are not the lab's. */
    public boolean isSmokeRun() {
        return maxBatches > 0;
    }

    /**
     * The line a smoke run's table ends with, "Smoke run (-Dmax.batches=N): {@code what}.", on a line of its own;
     * empty for a full run.
     */
    public String smokeRunNote(String what) {
        return isSmokeRun() ? "\nSmoke run (-Dmax.batches=" + maxBatches + "): " + what + ".\n" : "";
    }
}
