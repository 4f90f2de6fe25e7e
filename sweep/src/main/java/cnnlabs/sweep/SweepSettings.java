package cnnlabs.sweep;

import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;

/**
 * A sweep's settings.
 *
 * @param sweep    the sweep file
 * @param parallel trials at once on this machine
 * @param spark    a Spark master to run the trials on; empty = this machine
 * @param ui       serve the running sweep in Arbiter's results page
 */
public record SweepSettings(
        Common common,
        @Setting(key = "sweep", help = "the sweep file (JSON or YAML): experiment, search, objective, fixed, space; "
                + "relative paths also from the repository root", example = "sweeps/mnist-halving.yaml") String sweep,
        @Setting(key = "sweep.parallel", help = "trials at once on this machine, each with cores / N threads",
                example = "2") int parallel,
        @Setting(key = "sweep.spark", help = "run the trials as Apache Spark tasks on this master (local[2], "
                + "spark://host:7077); empty: on this machine", example = "local[2]") String spark,
        @Setting(key = "sweep.ui", help = "serve the running sweep in Arbiter's results page on localhost (run "
                + "from the sweep-ui module)", example = "true") boolean ui)
        implements ExperimentSettings {

    /** The default sweep: a few minutes on a 2-core CPU. */
    public static final SweepSettings DEFAULTS = new SweepSettings(Common.DEFAULTS, "sweeps/mnist-quick.yaml", 1, "",
            false);

    public SweepSettings {
        SettingsParser.require(parallel >= 1 && parallel <= 64, "sweep.parallel", parallel,
                "a whole number from 1 to 64", "2");
    }
}
