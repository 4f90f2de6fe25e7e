package cnnlabs.experiments.performance;

import cnnlabs.datasets.Datasets;
import cnnlabs.run.ExperimentContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link LabWallTime}'s Keras side: Lab 3's own cells under a Python with TensorFlow, through
 * {@code experiments/reference/lab3_keras.py --time}, or why it cannot run here.
 */
final class KerasOriginal {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> command;
    private final String description;

    private KerasOriginal(List<String> command, String description) {
        this.command = command;
        this.description = description;
    }

    /** Each {@code model.fit}'s seconds in order, and the part's cells' seconds together. */
    record Timing(List<Double> fits, double cells) {
    }

    /** The Python and the lab's text the settings name (or the defaults), probed for TensorFlow. */
    static KerasOriginal find(ExperimentContext<LabWallTime.Settings> ctx, LabWallTime.Settings s) throws IOException {
        if (ctx.common().isSmokeRun()) {
            return new KerasOriginal(null, "not run (a smoke run)");
        }
        Path repository = ctx.roots().repository();
        Path script = repository.resolve("experiments/reference/lab3_keras.py");
        Path lab = s.labFile().isEmpty() ? repository.resolve(LabWallTime.SEED).normalize() : Path.of(s.labFile());
        if (!Files.isRegularFile(lab)) {
            return new KerasOriginal(null, "not run (Lab 3's text is not at " + lab + "; -Dlab.file names it)");
        }
        String python = s.kerasPython().isEmpty() ? TorchPeers.onPath("python3").orElse(null) : s.kerasPython();
        if (python == null) {
            return new KerasOriginal(null, "not run (no python3 on the PATH; -Dkeras.python names one with TensorFlow)");
        }
        String version = probe(python);
        if (version.startsWith("!")) {
            return new KerasOriginal(null, "not run (" + python + ": " + version.substring(1) + ")");
        }
        Path mnist = Datasets.MNIST.ensure(ctx.dataDir());
        return new KerasOriginal(List.of(python, script.toString(), "--seed-file", lab.toString(), "--data",
                mnist.toString(), "--time", "--parts"), version + " (" + python + ")");
    }

    /** "TensorFlow X, Keras Y", or "!" and why not. */
    private static String probe(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import tensorflow as tf, keras; print('TensorFlow', "
                    + "tf.__version__ + ', Keras', keras.__version__)").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return "!importing tensorflow took over 5 minutes";
            }
            String last = out.lines().reduce((a, b) -> b).orElse("");
            return p.exitValue() == 0 && last.startsWith("TensorFlow") ? last
                    : "!" + (last.contains("No module named") ? "no TensorFlow" : "TensorFlow fails: " + last);
        } catch (IOException e) {
            return "!cannot run (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "!interrupted";
        }
    }

    /** What the table says the Keras side is. */
    String describe() {
        return description;
    }

    /**
     * Lab 3's Part {@code part} (the script runs the parts it needs first: Part 2's cell makes the arrays Parts 3 and
     * 4 train on); null where Keras does not run.
     */
    Timing time(int part) throws IOException, InterruptedException {
        if (command == null) {
            return null;
        }
        List<String> c = new ArrayList<>(command);
        c.add(String.valueOf(part));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.HOURS) || p.exitValue() != 0) {
            String last = output.strip().lines().reduce((a, b) -> b).orElse("");
            throw new IOException("the Keras original failed on Part " + part + " (" + String.join(" ", c) + "): "
                    + last);
        }
        return parse(output, part);
    }

    /** The fits and cells of {@code part} in the script's output. */
    static Timing parse(String output, int part) throws IOException {
        List<Double> fits = new ArrayList<>();
        double cells = 0;
        for (String line : output.split("\n")) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            if (n.path("part").asInt(-1) != part) {
                continue;
            }
            if (n.has("fit")) {
                fits.add(n.get("seconds").asDouble());
            } else if (n.has("cell")) {
                cells += n.get("seconds").asDouble();
            }
        }
        return new Timing(fits, cells);
    }
}
