package cnnlabs.experiments;

import cnnlabs.architectures.UnknownNameException;
import cnnlabs.datasets.Cifar10;
import cnnlabs.datasets.DataDirectory;
import cnnlabs.datasets.DataException;
import cnnlabs.experiments.settings.ExperimentSettings;
import cnnlabs.experiments.settings.SettingsParser;
import cnnlabs.experiments.sweep.Sweep;
import cnnlabs.experiments.training.Console;
import cnnlabs.experiments.training.Diverged;
import cnnlabs.experiments.training.TrainingUi;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * {@code mvn exec:java -Dexp=NAME}: parses the {@code -D} properties into the experiment's settings and delegates to
 * {@link Experiments}; {@code -Dexp=NAME -Dhelp} prints the experiment's settings. Bad input (unknown experiment, an
 * invalid value, a misspelt or misplaced setting, missing or corrupt data) gets one paragraph on stderr and exit code
 * 2, before any run folder exists where it can be checked first; an unexpected failure gets exit code 1 and its stack
 * trace in the run's {@code error.txt}; a run whose training diverged, exit code 3.
 */
public final class Main {

    public static final String EXPERIMENT = "exp";
    public static final String HELP = "help";
    public static final String RESULTS_DIR = "results.dir";
    public static final String RESUME = "resume";
    public static final String PROGRESS = "progress";
    public static final String CONFIG = "config";

    /** The repository root, which the build passes to exec:java (results/ and the reference scripts are found from it). */
    static final String ROOT = "cnnlabs.root";

    /** The settings of every run, whatever the experiment: key to one line of help. */
    static final Map<String, String> RUN_SETTINGS = runSettings();

    private static Map<String, String> runSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(EXPERIMENT, "the experiment to run (list: -Dexp=list)");
        m.put(HELP, "print the experiment's settings and stop");
        m.put(DataDirectory.PROPERTY, "dataset cache (default ~/.cnnlabs/data)");
        m.put(Cifar10.PROPERTY, "read CIFAR-10 from a folder you already have");
        m.put(RESULTS_DIR, "where run folders go (default results/ in the repository root)");
        m.put(Engine.PROPERTY, "false: run plain DL4J instead of the oneDNN runtime, for comparison");
        m.put(CONFIG, "start from the settings in a run's config.json or a sweep's best.json (-D settings override them)");
        m.put(RESUME, "continue an interrupted run from its checkpoints, in its folder: a run folder, or latest");
        m.put(PROGRESS, "bar (a terminal's default), lines (a log's default) or off");
        m.put(TrainingUi.PROPERTY, "true: DL4J's training UI on localhost:9000 (build and run with mvn -Pui)");
        return m;
    }

    private Main() {
    }

    public static void main(String[] args) {
        Console console;
        try {
            console = Console.system(System.getProperty(PROGRESS, ""));
        } catch (ConfigException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(2);
            return;
        }
        int status = run(System.getProperties(), console, System.err);
        if (status != 0) {
            System.exit(status);
        }
        Optional<String> page = TrainingUi.current().map(ui -> "the training UI stays at " + ui.address())
                .or(() -> Sweep.uiAddress().map(address -> "Arbiter's page of the sweep stays at " + address));
        if (page.isPresent()) {
            console.println("The run is over; " + page.get() + " until you stop this command (Ctrl+C).");
            try {
                Thread.currentThread().join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs what {@code props} ask for; returns the process exit status. */
    static int run(Properties props, Console console, PrintStream err) {
        String name = props.getProperty(EXPERIMENT, "").strip();
        if (name.isEmpty() || name.equalsIgnoreCase("list")) {
            console.println(listing());
            return 0;
        }
        try {
            return run(Experiments.get(name), props, console);
        } catch (UnknownNameException e) {
            err.println("ERROR: " + e.getMessage() + " List them with descriptions: mvn exec:java -Dexp=list");
            return 2;
        } catch (ConfigException | DataException e) {
            err.println("ERROR: " + e.getMessage());
            return 2;
        } catch (Diverged e) {
            err.println("ERROR: " + e.getMessage() + " The run's summary.json says \"diverged\".");
            return 3;
        } catch (Exception | Error e) {
            err.println("ERROR: " + name + " failed unexpectedly: " + e + ". The stack trace is in error.txt in the run's "
                    + "results folder (printed above as \"Running ... into\").");
            return 1;
        }
    }

    private static <S extends Record & ExperimentSettings> int run(Experiment<S> experiment, Properties props,
                                                                   Console console) throws Exception {
        S base = experiment.defaults();
        String config = props.getProperty(CONFIG, "").strip();
        if (!config.isEmpty()) {
            base = Resume.fromFile(experiment, Path.of(config));
        }
        S settings = SettingsParser.parse(base, props);
        Properties given = new Properties();
        given.putAll(props);
        given.remove(ROOT); // set by the build, not by the user
        for (Map.Entry<String, String> renamed : RENAMED.entrySet()) {
            if (given.containsKey(renamed.getKey())) {
                throw new ConfigException("-D" + renamed.getKey() + " was renamed: use -D" + renamed.getValue()
                        + "=" + given.getProperty(renamed.getKey()) + " instead (it would be ignored).");
            }
        }
        SettingsParser.rejectUnknown(given, experiment.name(), validKeys(experiment), elsewhere(experiment));
        if (props.containsKey(HELP)) {
            console.println(help(experiment, settings));
            return 0;
        }
        Engine engine = Engine.fromProperties(props);
        if (ui(props)) {
            console.println("Training UI: " + TrainingUi.start().address());
        }
        Path resume = null;
        String resumeValue = props.getProperty(RESUME, "").strip();
        if (!resumeValue.isEmpty()) {
            resume = Resume.folder(resumeValue, resultsRoot(props), experiment.name());
            settings = Resume.settings(experiment, resume, settings, given);
        }
        Experiments.Finished run = Experiments.run(experiment, settings, engine, resultsRoot(props),
                DataDirectory.resolve(props), console, command(experiment, props), resume);
        console.println("");
        console.println(run.result().table());
        console.println("Results: " + run.run().path());
        return 0;
    }

    /** {@code -Dui}: true or false (absent: false); anything else is a {@link ConfigException}. */
    static boolean ui(Properties props) {
        String value = props.getProperty(TrainingUi.PROPERTY, "false").strip();
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new ConfigException("-D" + TrainingUi.PROPERTY + "=" + value + " is not a valid value: use -D"
                + TrainingUi.PROPERTY + "=true to watch training in DL4J's UI (with mvn -Pui), or leave it out.");
    }

    /** The keys {@code experiment} takes: its settings and every run's. */
    static List<String> validKeys(Experiment<?> experiment) {
        List<String> keys = new ArrayList<>(SettingsParser.keys(experiment.defaults()));
        keys.addAll(RUN_SETTINGS.keySet());
        return keys;
    }

    /** The other experiments' settings that {@code experiment} does not have: key to the experiments that do. */
    /**
     * Settings that had another name: given under the old one they would be ignored as the JVM's own properties are, so
     * they are refused with the new name.
     */
    static final Map<String, String> RENAMED = Map.of("python", "peer.python");

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
        int runWidth = RUN_SETTINGS.keySet().stream().mapToInt(String::length).max().orElse(10) + 6;
        RUN_SETTINGS.forEach((key, help) -> out.append(String.format("  %-" + runWidth + "s%s%n", "-D" + key, help)));
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
                .append("-Ddivergence.loss. Sweeps: mvn exec:java -Dexp=Sweep -Dsweep=FILE (examples in sweeps/).\n")
                .append("Every experiment also takes -Ddata.dir (dataset cache, default ~/.cnnlabs/data), -Ddata.cifar10\n")
                .append("(a CIFAR-10 folder), -Dresults.dir (default results/), -Dconfig=FILE (settings from a config.json\n")
                .append("or a sweep's best.json), -Dcnnlabs.fast=false (plain DL4J instead of the oneDNN runtime, for\n")
                .append("comparison), -Dresume=latest|FOLDER (continue an interrupted run from its checkpoints),\n")
                .append("-Dprogress=bar|lines|off and -Dui=true (DL4J's training UI, with mvn -Pui). A misspelt setting\n")
                .append("stops the run.");
        return out.toString();
    }

    /** {@code -Dresults.dir}, else {@code results/} in the repository root, else in the working directory. */
    static Path resultsRoot(Properties props) {
        String configured = props.getProperty(RESULTS_DIR);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        String root = props.getProperty(ROOT);
        return (root == null || root.isBlank() ? Path.of("results") : Path.of(root, "results")).toAbsolutePath().normalize();
    }

    /** The command line as the user would type it, from the properties {@code experiment} reads. */
    static String command(Experiment<?> experiment, Properties props) {
        StringBuilder cmd = new StringBuilder("mvn exec:java -D" + EXPERIMENT + "=" + props.getProperty(EXPERIMENT));
        for (String key : validKeys(experiment)) {
            String value = props.getProperty(key);
            if (value != null && !key.equals(EXPERIMENT)) {
                cmd.append(" -D").append(key).append('=').append(value);
            }
        }
        return cmd.toString();
    }
}
