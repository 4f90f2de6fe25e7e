package cnnlabs.experiments;

import cnnlabs.architectures.UnknownNameException;
import cnnlabs.datasets.Cifar10;
import cnnlabs.datasets.DataDirectory;
import cnnlabs.datasets.DataException;
import cnnlabs.experiments.training.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * {@code mvn exec:java -Dexp=NAME}: parses the {@code -D} properties and delegates to {@link Experiments}.
 * Bad input (unknown experiment, invalid value, missing or corrupt data) gets one paragraph on stderr and
 * exit code 2; an unexpected failure gets exit code 1 and its stack trace in the run's {@code error.txt}.
 */
public final class Main {

    public static final String EXPERIMENT = "exp";
    public static final String RESULTS_DIR = "results.dir";

    /** The {@code -D} properties cnnlabs reads, in the order the command line is reconstructed for env.json. */
    static final List<String> PROPERTIES = List.of(EXPERIMENT, RunConfig.EPOCHS, RunConfig.BATCH_SIZE,
            RunConfig.LEARNING_RATE, RunConfig.SEED, RunConfig.SUBSET, RunConfig.VALIDATION_SPLIT, RunConfig.MAX_BATCHES,
            RunConfig.BN_MOMENTUM, DataDirectory.PROPERTY, Cifar10.PROPERTY, RESULTS_DIR, TransferLearning.WEIGHTS,
            TransferLearning.FINETUNE_LR, TransferLearning.HEAD_LR, TransferLearning.PRETRAIN_EPOCHS,
            TransferLearning.PRETRAIN_IMAGES, Throughput.PYTHON_PROPERTY, Engine.PROPERTY);

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(System.getProperties(), Console.system(), System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs what {@code props} ask for; returns the process exit status. */
    static int run(Properties props, Console console, PrintStream err) {
        String name = props.getProperty(EXPERIMENT, "").strip();
        if (name.isEmpty() || name.equalsIgnoreCase("list")) {
            console.println(listing());
            return 0;
        }
        Experiments.Run run;
        try {
            Experiment experiment = Experiments.get(name);
            RunConfig config = experiment.defaults().withOverrides(props);
            experiment.checkProperties(props);
            run = Experiments.run(experiment, config, resultsRoot(props), DataDirectory.resolve(props), console,
                    command(props), props);
        } catch (UnknownNameException e) {
            err.println("ERROR: " + e.getMessage() + " List them with descriptions: mvn exec:java -Dexp=list");
            return 2;
        } catch (ConfigException | DataException e) {
            err.println("ERROR: " + e.getMessage());
            return 2;
        } catch (Exception | Error e) {
            err.println("ERROR: " + name + " failed unexpectedly: " + e + ". The stack trace is in error.txt in the run's "
                    + "results folder (printed above as \"Running ... into\").");
            return 1;
        }
        console.println("");
        console.println(run.result().table());
        console.println("Results: " + run.directory().path());
        return 0;
    }

    static String listing() {
        StringBuilder out = new StringBuilder("cnnlabs experiments. Run one with: mvn exec:java -Dexp=NAME\n\n");
        int width = Experiments.names().stream().mapToInt(String::length).max().orElse(10) + 3;
        for (Experiment e : Experiments.all()) {
            out.append(String.format("  %-" + width + "s%s%n", e.name(), e.description()));
        }
        out.append("\nSettings (each experiment has the lab's defaults): -Depochs -Dbatch.size -Dlr -Dseed -Dsubset\n")
                .append("-Dvalidation.split -Dmax.batches (smoke runs) -Dbn.momentum; -Ddata.dir (dataset cache, default\n")
                .append("~/.cnnlabs/data), -Ddata.cifar10 (a CIFAR-10 folder), -Dresults.dir (default results/),\n")
                .append("-Dcnnlabs.fast=false (plain DL4J instead of the oneDNN runtime, for comparison).\n")
                .append("TransferLearning only: -Dweights (Keras MobileNetV2 .h5 file or URL) -Dfinetune.lr -Dhead.lr\n")
                .append("-Dpretrain.epochs -Dpretrain.images. Throughput only: -Dpython (a Python with torch).");
        return out.toString();
    }

    /** {@code -Dresults.dir}, else {@code results/} in the repository root, else in the working directory. */
    static Path resultsRoot(Properties props) {
        String configured = props.getProperty(RESULTS_DIR);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        String root = props.getProperty("cnnlabs.root");
        return (root == null || root.isBlank() ? Path.of("results") : Path.of(root, "results")).toAbsolutePath().normalize();
    }

    /** The command line as the user would type it, from the properties cnnlabs reads. */
    static String command(Properties props) {
        StringBuilder cmd = new StringBuilder("mvn exec:java");
        for (String key : PROPERTIES) {
            String value = props.getProperty(key);
            if (value != null) {
                cmd.append(" -D").append(key).append('=').append(value);
            }
        }
        return cmd.toString();
    }
}
