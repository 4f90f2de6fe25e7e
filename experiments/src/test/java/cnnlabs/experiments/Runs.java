package cnnlabs.experiments;

import cnnlabs.datasets.CifarFixture;
import cnnlabs.datasets.DataLocations;
import cnnlabs.run.Experiment;
import cnnlabs.run.RunRoots;
import cnnlabs.run.RunSetup;
import cnnlabs.run.Runner;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.training.Console;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/** Experiments run by the tests as the command line runs them: the repository's roots, a test's results folder. */
public final class Runs {

    private Runs() {
    }

    /** The repository the build names, run folders under {@code results}, the default data cache. */
    public static RunRoots roots(Path results) {
        return new RunRoots(Path.of(System.getProperty("cnnlabs.root", "")), results, DataLocations.defaults());
    }

    /** As {@link #roots}, with a declared synthetic CIFAR-10 fixture (40 training, 30 test images a file) as the user's CIFAR-10 folder. */
    public static RunRoots withCifarFixture(Path results) {
        RunRoots roots = roots(results);
        return roots.withData(roots.data().withCifar10(CifarFixture.write(results.resolve("cifar-fixture"), 40, 30, 3)));
    }

    public static Console quiet() {
        return new Console(new PrintStream(new ByteArrayOutputStream()), false);
    }

    /** Runs {@code experiment} with {@code settings} into {@code roots}, quietly, through the oneDNN runtime. */
    public static <S extends Record & ExperimentSettings> Runner.Finished run(Experiment<S> experiment, S settings,
                                                                             RunRoots roots) throws Exception {
        return Runner.run(experiment, settings, RunSetup.of(roots, quiet(), "test"));
    }
}
