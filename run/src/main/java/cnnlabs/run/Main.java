package cnnlabs.run;

import cnnlabs.architectures.UnknownNameException;
import cnnlabs.datasets.DataException;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.settings.ConfigException;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.Console;
import cnnlabs.training.Diverged;
import cnnlabs.training.TrainingUi;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * {@code mvn exec:java -Dexp=NAME}: parses the {@code -D} properties into the run's options ({@link RunOptions}) and the
 * experiment's settings, and hands them to the {@link Runner}; {@code -Dexp=NAME -Dhelp} prints the experiment's
 * settings. Bad input (unknown experiment, an invalid value, a misspelt or misplaced setting, missing or corrupt data)
 * gets one paragraph on stderr and exit code 2, before any run folder exists where it can be checked first; an
 * unexpected failure gets exit code 1 and its stack trace in the run's {@code error.txt}; a run whose training
 * diverged, exit code 3. This is the only place that reads the JVM's properties.
 */
public final class Main {

    private Main() {
    }

    /** How a command ended: its exit status, and a page that stays up after it (or null). */
    record Outcome(int status, String page) {
    }

    public static void main(String[] args) {
        Properties props = System.getProperties();
        Console console;
        try {
            console = Console.system(SettingsParser.parse(RunOptions.DEFAULTS, props).progress().mode());
        } catch (ConfigException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(2);
            return;
        }
        Outcome outcome = execute(props, console, System.err);
        if (outcome.status() != 0) {
            System.exit(outcome.status());
        }
        if (outcome.page() != null) {
            console.println("The run is over; " + outcome.page() + " until you stop this command (Ctrl+C).");
            try {
                Thread.currentThread().join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs what {@code props} ask for; returns the process exit status. */
    static int run(Properties props, Console console, PrintStream err) {
        return execute(props, console, err).status();
    }

    private static Outcome execute(Properties props, Console console, PrintStream err) {
        String name = props.getProperty(RunOptions.EXPERIMENT, "").strip();
        try {
            RunOptions options = SettingsParser.parse(RunOptions.DEFAULTS, props);
            if (name.isEmpty() || name.equalsIgnoreCase("list")) {
                console.println(listing());
                return new Outcome(0, null);
            }
            return run(Experiments.get(name), options, props, console);
        } catch (UnknownNameException e) {
            err.println("ERROR: " + e.getMessage() + " List them with descriptions: mvn exec:java -Dexp=list");
            return new Outcome(2, null);
        } catch (ConfigException | DataException e) {
            err.println("ERROR: " + e.getMessage());
            return new Outcome(2, null);
        } catch (Diverged e) {
            err.println("ERROR: " + e.getMessage() + " The run's summary.json says \"diverged\".");
            return new Outcome(3, null);
        } catch (Exception | Error e) {
            err.println("ERROR: " + name + " failed unexpectedly: " + e + ". The stack trace is in error.txt in the run's "
                    + "results folder (printed above as \"Running ... into\").");
            return new Outcome(1, null);
        }
    }

    private static <S extends Record & ExperimentSettings> Outcome run(Experiment<S> experiment, RunOptions options,
                                                                       Properties props, Console console)
            throws Exception {
        S base = experiment.defaults();
        if (!options.config().isBlank()) {
            base = Resume.fromFile(experiment, Path.of(options.config()));
        }
        S settings = SettingsParser.parse(base, props);
        for (Map.Entry<String, String> renamed : RENAMED.entrySet()) {
            if (props.containsKey(renamed.getKey())) {
                throw new ConfigException("-D" + renamed.getKey() + " was renamed: use -D" + renamed.getValue()
                        + "=" + props.getProperty(renamed.getKey()) + " instead (it would be ignored).");
            }
        }
        SettingsParser.rejectUnknown(props, experiment.name(), validKeys(experiment), elsewhere(experiment));
        if (options.help()) {
            console.println(help(experiment, settings));
            return new Outcome(0, null);
        }
        RunRoots roots = options.roots();
        RunSetup setup = RunSetup.of(roots, console, command(experiment, props)).fast(options.fast());
        String page = null;
        if (options.ui()) {
            if (!TrainingUi.installed()) {
                throw new ConfigException("-Dui=true needs DL4J's training UI, which the default build leaves out. "
                        + "Build and run with the ui profile: mvn -Pui install -DskipTests, then mvn -Pui exec:java "
                        + "-Dexp=NAME -Dui=true.");
            }
            TrainingUi ui = TrainingUi.start();
            console.println("Training UI: " + ui.address());
            setup = setup.withCallback(ui::callback);
            page = "the training UI stays at " + ui.address();
        }
        if (!options.resume().isBlank()) {
            Path folder = Resume.folder(options.resume(), roots.results(), experiment.name());
            settings = Resume.settings(experiment, folder, settings, props);
            setup = setup.resuming(folder);
        }
        Runner.Finished run = Runner.run(experiment, settings, setup);
        console.println("");
        console.println(run.result().table());
        console.println("Results: " + run.run().path());
        return new Outcome(0, run.result().page() != null ? run.result().page() : page);
    }

    /** The keys {@code experiment} takes: its settings and every run's. */
    static List<String> validKeys(Experiment<?> experiment) {
        List<String> keys = new ArrayList<>(SettingsParser.keys(experiment.defaults()));
        keys.addAll(SettingsParser.keys(RunOptions.DEFAULTS));
        return keys;
    }

    /**
     * Settings that had another name: given under the old one they would be ignored as the JVM's own properties are, so
     * they are refused with the new name.
     */
    static final Map<String, String> RENAMED = Map.of("python", "peer.python");

    /** The other experiments' settings that {@code experiment} does not have: key to the experiments that do. */
    private static Map<String, String> elsewhere(Experiment<?> experiment) {
        List<String> own = validKeys(experiment);
        Map<String, String> out = new TreeMap<>();
        for (Experiment<?> other : Experiments.all()) {
            for (String key : SettingsParser.keys(other.defaults())) {
                if (!own.contains(key)) {
                    out.merge(key, other.name(), (a, b) -> a + ", " + b);
                }
            }
        }
        return out;
    }

    /** {@code -Dexp=NAME -Dhelp}: the experiment, then each of its settings with its value now and its help. */
    static String help(Experiment<?> experiment, Record settings) {
        StringBuilder out = new StringBuilder(experiment.name() + ": " + experiment.description() + "\n\n"
                + "Settings (-Dkey=value; the value shown is the lab's, or yours where you gave one):\n");
        List<SettingsParser.Described> described = SettingsParser.describe(settings);
        int width = described.stream().mapToInt(d -> d.key().length() + SettingsParser.shortest(d.value()).length())
                .max().orElse(10) + 6;
        for (SettingsParser.Described d : described) {
            String value = SettingsParser.shortest(d.value());
            String keyValue = "-D" + d.key() + "=" + (value.isEmpty() ? "\"\"" : value);
            out.append(String.format("  %-" + width + "s%s%n", keyValue, d.help()));
        }
        out.append("\nEvery experiment also takes:\n");
        List<SettingsParser.Described> run = SettingsParser.describe(RunOptions.DEFAULTS);
        int runWidth = run.stream().mapToInt(d -> d.key().length()).max().orElse(10) + 6;
        run.forEach(d -> out.append(String.format("  %-" + runWidth + "s%s%n", "-D" + d.key(), d.help())));
        return out.toString().stripTrailing();
    }

    static String listing() {
        StringBuilder out = new StringBuilder("cnnlabs experiments. Run one with: mvn exec:java -Dexp=NAME\n\n");
        int width = Experiments.names().stream().mapToInt(String::length).max().orElse(10) + 3;
        for (Experiment<?> e : Experiments.all()) {
            out.append(String.format("  %-" + width + "s%s%n", e.name(), e.description()));
        }
        out.append("\nEach experiment runs with its lab's settings; mvn exec:java -Dexp=NAME -Dhelp lists them (e.g.\n")
                .append("-Depochs, -Dbatch.size, -Dlr, -Dseed, -Dmax.batches for a smoke run) with what they do.\n")
                .append("Experiments that train also take the training loop's: -Doptimizer=adam|sgd|nesterov|adamw,\n")
                .append("-Dmomentum, -Dweight.decay, -Dlr.schedule=none|step|exponential|cosine|plateau, -Dlr.step.epochs,\n")
                .append("-Dlr.gamma, -Dlr.min, -Dlr.warmup.epochs, -Dlr.patience, -Dmonitor, -Dearly.stopping.patience,\n")
                .append("-Dearly.stopping.min.delta, -Dearly.stopping.restore.best, -Dcheckpoint=last|best|both|none and\n")
                .append("-Ddivergence.loss. Those that train on MNIST take -Ddataset=mnist|fashion-mnist|cifar10|folder\n")
                .append("(folder: -Ddata.images=DIR, one sub-folder of images per class). Sweeps: mvn exec:java\n")
                .append("-Dexp=Sweep -Dsweep=FILE (examples in sweeps/).\n")
                .append("Every experiment also takes -Ddata.dir (dataset cache, default ~/.cnnlabs/data), -Ddata.cifar10\n")
                .append("(a CIFAR-10 folder), -Dresults.dir (default results/), -Dconfig=FILE (settings from a config.json\n")
                .append("or a sweep's best.json), -Dcnnlabs.fast=false (plain DL4J instead of the oneDNN runtime, for\n")
                .append("comparison), -Dresume=latest|FOLDER (continue an interrupted run from its checkpoints),\n")
                .append("-Dprogress=bar|lines|off and -Dui=true (DL4J's training UI, with mvn -Pui). A misspelt setting\n")
                .append("stops the run.");
        return out.toString();
    }

    /** The command line as the user would type it, from the properties {@code experiment} reads. */
    static String command(Experiment<?> experiment, Properties props) {
        StringBuilder cmd = new StringBuilder("mvn exec:java -D" + RunOptions.EXPERIMENT + "=" + props.getProperty(RunOptions.EXPERIMENT));
        for (String key : validKeys(experiment)) {
            String value = props.getProperty(key);
            if (value != null && !key.equals(RunOptions.EXPERIMENT) && !key.equals("cnnlabs.root")) {
                cmd.append(" -D").append(key).append('=').append(value);
            }
        }
        return cmd.toString();
    }
}
