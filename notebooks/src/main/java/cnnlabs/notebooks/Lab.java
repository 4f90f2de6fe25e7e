package cnnlabs.notebooks;

import cnnlabs.datasets.DataDirectory;
import cnnlabs.datasets.DataException;
import cnnlabs.experiments.Engine;
import cnnlabs.experiments.Experiment;
import cnnlabs.experiments.Experiments;
import cnnlabs.experiments.settings.ExperimentSettings;
import cnnlabs.experiments.settings.SettingsParser;
import cnnlabs.experiments.training.Console;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * What the notebooks' cells call to run an experiment and look at what it wrote. A notebook runs its lab's long
 * trainings through the experiments (the same code, settings and results folders as {@code mvn exec:java -Dexp=...}).
 * Under the test suite the runner sets {@value #SMOKE}, and every run is a smoke run (one batch per pass, one epoch)
 * into the folder {@value #RESULTS} names; a reader's run is the lab's full one, into {@code results/}.
 */
public final class Lab {

    /** System property: {@code true} runs every experiment in smoke mode. */
    public static final String SMOKE = "cnnlabs.notebook.smoke";
    /** System property: the results folder (default: {@code results/} in the repository). */
    public static final String RESULTS = "cnnlabs.notebook.results";

    private Lab() {
    }

    /** Whether this is a smoke run (the test suite's). */
    public static boolean smoke() {
        return Boolean.getBoolean(SMOKE);
    }

    /**
     * Runs {@code experiment} with its lab settings changed by {@code settings} ({@code "key=value"}, as the
     * {@code -D} options), prints where its results went, and returns the finished run; in smoke mode, one batch per
     * pass and one epoch. Where its data is missing (CIFAR-10 on a machine without it), prints why and how to get it,
     * and returns null: the notebook goes on.
     */
    public static Experiments.Finished run(String experiment, String... settings) throws Exception {
        Experiment<?> e = Experiments.get(experiment);
        Map<String, String> values = new LinkedHashMap<>();
        for (String kv : settings) {
            int eq = kv.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("a setting is key=value, got '" + kv + "'");
            }
            values.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
        }
        if (smoke()) {
            values.put("max.batches", "1");
            if (SettingsParser.keys(e.defaults()).contains("epochs")) {
                values.put("epochs", "1");
            }
        }
        try {
            return run(e, values);
        } catch (DataException missing) {
            System.out.println("Not run: " + missing.getMessage());
            return null;
        }
    }

    private static <S extends Record & ExperimentSettings> Experiments.Finished run(Experiment<S> e,
                                                                                  Map<String, String> values)
            throws Exception {
        S s = SettingsParser.with(e.defaults(), values);
        Console console = new Console(System.out, false);
        Experiments.Finished finished = Experiments.run(e, s, Engine.fast(), results(), DataDirectory.resolve(), console,
                "notebook: Lab.run(\"" + e.name() + "\", " + values + ")");
        System.out.println("Results: " + root().relativize(finished.run().path()));
        return finished;
    }

    /** The run's table (its {@code table.md}), or a line saying there is none. */
    public static String table(Experiments.Finished run) {
        return run == null ? "(not run)" : run.result().table();
    }

    /** A picture the run wrote, to show under the cell; null where the run did not happen. */
    public static BufferedImage picture(Experiments.Finished run, String file) throws IOException {
        if (run == null) {
            return null;
        }
        Path png = run.run().path().resolve(file);
        if (!Files.isRegularFile(png)) {
            throw new IOException(run.run().path() + " has no " + file);
        }
        return ImageIO.read(png.toFile());
    }

    /** The results folder the notebooks' runs go into. */
    public static Path results() {
        String dir = System.getProperty(RESULTS);
        return dir != null && !dir.isBlank() ? Path.of(dir) : root().resolve("results");
    }

    /** The repository (where the notebooks are), from {@code cnnlabs.root} or the working directory. */
    public static Path root() {
        Path here = Path.of(System.getProperty("cnnlabs.root", ".")).toAbsolutePath().normalize();
        if (!Files.isDirectory(here.resolve("notebooks-ported")) && Files.isDirectory(here.getParent()
                .resolve("notebooks-ported"))) {
            return here.getParent(); // started inside a module, or inside notebooks-ported/ by Jupyter
        }
        return here;
    }
}
