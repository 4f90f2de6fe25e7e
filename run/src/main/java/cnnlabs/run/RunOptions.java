package cnnlabs.run;

import cnnlabs.datasets.Cifar10;
import cnnlabs.datasets.DataDirectory;
import cnnlabs.datasets.DataLocations;
import cnnlabs.settings.ConfigException;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.Console;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The settings of every run, whatever the experiment: which experiment, where data and results are, the engine, and
 * how the run starts and reports. Parsed from the {@code -D} properties by the same parser as every experiment's own.
 *
 * @param root the repository root, which the build passes to {@code exec:java} (results/, a sweep file and the reference
 *             scripts are found from it); empty: the working directory
 */
public record RunOptions(
        @Setting(key = "exp", help = "the experiment to run (list: -Dexp=list)", example = "MnistSimpleCnn")
        String experiment,
        @Setting(key = "help", help = "print the experiment's settings and stop", example = "true") boolean help,
        @Setting(key = DataDirectory.PROPERTY, help = "dataset cache (default ~/.cnnlabs/data)",
                example = "/data/cnnlabs") String dataDir,
        @Setting(key = Cifar10.PROPERTY, help = "read CIFAR-10 from a folder you already have",
                example = "/data/cifar-10-batches-bin") String cifar10,
        @Setting(key = "results.dir", help = "where run folders go (default results/ in the repository root)",
                example = "/tmp/results") String resultsDir,
        @Setting(key = Engine.PROPERTY, help = "false: run plain DL4J instead of the oneDNN runtime, for comparison",
                example = "false") boolean fast,
        @Setting(key = "config", help = "start from the settings in a run's config.json or a sweep's best.json (-D "
                + "settings override them)", example = "results/Sweep/RUN/best.json") String config,
        @Setting(key = "resume", help = "continue an interrupted run from its checkpoints, in its folder: a run "
                + "folder, or latest", example = "latest") String resume,
        @Setting(key = "progress", help = "bar (a terminal's default), lines (a log's default) or off",
                example = "lines") Progress progress,
        @Setting(key = "ui", help = "true: DL4J's training UI on localhost:9000 (build and run with mvn -Pui)",
                example = "true") boolean ui,
        @Setting(key = "cnnlabs.root", help = "the repository root (the build sets it)", example = "/home/me/cnnlabs")
        String root) {

    public static final String EXPERIMENT = "exp";
    public static final String RESUME = "resume";
    public static final String CONFIG = "config";

    /** How progress within an epoch shows: as the console suits (a bar on a terminal, else lines), or as given. */
    public enum Progress {
        AUTO, BAR, LINES, OFF;

        /** The console's mode; null for {@link #AUTO}. */
        public Console.Mode mode() {
            return this == AUTO ? null : Console.Mode.valueOf(name());
        }
    }

    public static final RunOptions DEFAULTS = new RunOptions("", false, "", "", "", true, "", "", Progress.AUTO, false,
            "");

    public RunOptions {
        SettingsParser.require(progress != null, "progress", progress, "bar, lines or off", "lines");
    }

    /** Where this run reads and writes; a data folder that is a file is refused here, before any run folder exists. */
    public RunRoots roots() {
        Path repository = root.isBlank() ? Path.of("") : Path.of(root);
        Path results = resultsDir.isBlank() ? repository.resolve("results") : Path.of(resultsDir);
        Path cache = dataDir.isBlank() ? DataDirectory.defaultCache() : Path.of(dataDir);
        if (Files.exists(cache) && !Files.isDirectory(cache)) {
            throw new ConfigException("-D" + DataDirectory.PROPERTY + "=" + dataDir + " is a file, not a folder: the "
                    + "datasets are cached in a folder. Give a folder (it is created if missing), or leave -D"
                    + DataDirectory.PROPERTY + " out for ~/.cnnlabs/data.");
        }
        return new RunRoots(repository, results, new DataLocations(cache, cifar10.isBlank() ? null : Path.of(cifar10)));
    }
}
