package cnnlabs.notebooks;

import cnnlabs.datasets.Cifar10;
import cnnlabs.datasets.DataDirectory;
import cnnlabs.datasets.DataException;
import cnnlabs.datasets.DataLocations;
import cnnlabs.run.Experiment;
import cnnlabs.run.Experiments;
import cnnlabs.run.RunRoots;
import cnnlabs.run.RunSetup;
import cnnlabs.run.Runner;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.Console;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * What the notebooks' cells call to run an experiment and look at what it wrote. A notebook runs its lab's long
 * trainings through the experiments (the same code, settings, runner and results folders as
 * {@code mvn exec:java -Dexp=...}). The session's settings ({@link Session}) come from the JVM that runs the
 * notebook: under the test suite every run is a smoke run (one batch per pass, one epoch) into a temporary folder; a
 * reader's run is the lab's full one, into {@code results/}.
 */
public final class Lab {

    /** Setting: {@code true} runs every experiment in smoke mode. */
    public static final String SMOKE = "cnnlabs.notebook.smoke";
    /** Setting: the results folder (default: {@code results/} in the repository). */
    public static final String RESULTS = "cnnlabs.notebook.results";

    private Lab() {
    }

    /**
     * A notebook session's settings, from the properties of the JVM that runs the cells (the test suite sets them; a
     * kernel gets them from its {@code kernel.json}), read by the settings parser.
     */
    public record Session(
            @Setting(key = SMOKE, help = "every experiment in smoke mode: one batch per pass, one epoch",
                    example = "true") boolean smoke,
            @Setting(key = RESULTS, help = "where the notebooks' run folders go (default results/ in the repository)",
                    example = "/tmp/results") String results,
            @Setting(key = "cnnlabs.root", help = "the repository (default: found from the working directory)",
                    example = "/home/me/cnnlabs") String root,
            @Setting(key = DataDirectory.PROPERTY, help = "dataset cache (default ~/.cnnlabs/data)",
                    example = "/data/cnnlabs") String dataDir,
            @Setting(key = Cifar10.PROPERTY, help = "a CIFAR-10 folder of your own", example = "/data/cifar-10")
            String cifar10) {

        static final Session DEFAULTS = new Session(false, "", "", "", "");

        /** This session's settings, from this JVM's properties. */
        public static Session current() {
            return SettingsParser.parse(DEFAULTS, System.getProperties());
        }

        /** The repository: {@code cnnlabs.root}, else the working directory or its parent, whichever holds the notebooks. */
        public Path repository() {
            Path here = Path.of(root.isBlank() ? "." : root).toAbsolutePath().normalize();
            if (!Files.isDirectory(here.resolve("notebooks-ported")) && here.getParent() != null
                    && Files.isDirectory(here.getParent().resolve("notebooks-ported"))) {
                return here.getParent(); // started inside a module, or inside notebooks-ported/ by Jupyter
            }
            return here;
        }

        /** Where the notebooks' runs read and write. */
        public RunRoots roots() {
            Path repository = repository();
            return new RunRoots(repository, results.isBlank() ? repository.resolve("results") : Path.of(results),
                    new DataLocations(dataDir.isBlank() ? DataDirectory.defaultCache() : Path.of(dataDir),
                            cifar10.isBlank() ? null : Path.of(cifar10)));
        }
    }

    /** Whether this is a smoke run (the test suite's). */
    public static boolean smoke() {
        return Session.current().smoke();
    }

    /**
     * Runs {@code experiment} with its lab settings changed by {@code settings} ({@code "key=value"}, as the
     * {@code -D} options), prints where its results went, and returns the finished run; in smoke mode, one batch per
     * pass and one epoch. Where its data is missing (CIFAR-10 on a machine without it), prints why and how to get it,
     * and returns null: the notebook goes on.
     */
    public static Runner.Finished run(String experiment, String... settings) throws Exception {
        Session session = Session.current();
        Experiment<?> e = Experiments.get(experiment);
        Map<String, String> values = new LinkedHashMap<>();
        for (String kv : settings) {
            int eq = kv.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("a setting is key=value, got '" + kv + "'");
            }
            values.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
        }
        if (session.smoke()) {
            values.put("max.batches", "1");
            if (SettingsParser.keys(e.defaults()).contains("epochs")) {
                values.put("epochs", "1");
            }
        }
        try {
            return run(e, values, session);
        } catch (DataException missing) {
            System.out.println("Not run: " + missing.getMessage());
            return null;
        }
    }

    private static <S extends Record & ExperimentSettings> Runner.Finished run(Experiment<S> e, Map<String, String> values,
                                                                              Session session) throws Exception {
        S s = SettingsParser.with(e.defaults(), values);
        RunSetup setup = RunSetup.of(session.roots(), new Console(System.out, false),
                "notebook: Lab.run(\"" + e.name() + "\", " + values + ")");
        Runner.Finished finished = Runner.run(e, s, setup);
        System.out.println("Results: " + session.repository().relativize(finished.run().path()));
        return finished;
    }

    /** The run's table (its {@code table.md}), or a line saying there is none. */
    public static String table(Runner.Finished run) {
        return run == null ? "(not run)" : run.result().table();
    }

    /** A picture the run wrote, to show under the cell; null where the run did not happen. */
    public static BufferedImage picture(Runner.Finished run, String file) throws IOException {
        return run == null ? null : ImageIO.read(written(run, file).toFile());
    }

    /**
     * A model the run saved ({@code model.zip}: DL4J's format), restored with its weights (not its updater state); null
     * where the run did not happen.
     */
    public static ComputationGraph model(Runner.Finished run, String file) throws IOException {
        return run == null ? null : ModelSerializer.restoreComputationGraph(written(run, file).toFile(), false);
    }

    private static Path written(Runner.Finished run, String file) throws IOException {
        Path path = run.run().path().resolve(file);
        if (!Files.isRegularFile(path)) {
            throw new IOException(run.run().path() + " has no " + file);
        }
        return path;
    }

    /** Where this session's datasets are: the cache ({@code data.dir}) and a CIFAR-10 folder of the user's, if any. */
    public static DataLocations data() {
        return Session.current().roots().data();
    }

    /** The repository (where the notebooks are), from {@code cnnlabs.root} or the working directory. */
    public static Path root() {
        return Session.current().repository();
    }
}
