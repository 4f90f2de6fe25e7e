package cnnlabs.experiments.performance;

import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.run.Experiments;
import cnnlabs.run.RunSetup;
import cnnlabs.run.Runner;
import cnnlabs.run.results.EnvironmentInfo;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.settings.ConfigException;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;
import com.google.auto.service.AutoService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lab wall time: each Lab 3 part's training in cnnlabs against the Keras original, one after the other.
 *
 * <p><b>Reproduces:</b> no lab section; the comparison a student makes first (how long the lab's own cells take),
 * for Lab 3's Part 2 (the simple CNN, 10 epochs on 54,000 images), Part 3 (LeNet-5, VGG-style and ResNet-style, 5
 * epochs on 8,000) and Part 4 (the simple CNN with augmentation, 10 epochs).
 *
 * <p><b>Description:</b> for each part of {@code -Dparts}, alternating which side goes first: the Keras original
 * (the lab's own cells, unchanged, through {@code experiments/reference/lab3_keras.py --time} under
 * {@code -Dkeras.python}, a Python with TensorFlow; it times each {@code model.fit} call and each cell) and the
 * cnnlabs experiment that holds the part, with the lab's settings, as a normal run. Per model: the wall time of
 * Keras' {@code fit} (its epochs with their validation passes) against cnnlabs' (the sum of its epochs' seconds in
 * {@code metrics.csv}: training and validation passes), and their ratio; per part: the wall time of its cells against
 * that of the cnnlabs run (building, data, training, evaluation, pictures, report; Python's imports and the JVM's
 * start are outside both). Keras runs Part 2's cells before Part 3's or 4's, which train on its arrays.
 *
 * <p><b>Expected runtime:</b> about 35 minutes on a 2-core CPU (Part 4 is the longest on both sides; cnnlabs'
 * DataAugmentation also trains its model without augmentation). Without TensorFlow, or in a smoke run, only the
 * cnnlabs side runs and the table says why. The measured table, with the CPU, is in {@code results/REPRODUCED.md}.
 */
@AutoService(Experiment.class)
public final class LabWallTime implements Experiment<LabWallTime.Settings> {

    /** The lab's text, where the project keeps it next to this checkout. */
    static final String SEED = "../shared/seeds/003_7a63af71bd0c2835.txt";

    /** A part of Lab 3: the experiment that holds it, and the models it trains, by their fits' names. */
    enum Part {
        TWO(2, "MnistSimpleCnn", List.of("simple-cnn")),
        THREE(3, "ArchitectureComparison", List.of("lenet5", "vgg-style", "resnet-style")),
        FOUR(4, "DataAugmentation", List.of("with-augmentation"));

        final int number;
        final String experiment;
        final List<String> models;

        Part(int number, String experiment, List<String> models) {
            this.number = number;
            this.experiment = experiment;
            this.models = models;
        }

        static Part of(int number) {
            return Arrays.stream(values()).filter(p -> p.number == number).findFirst().orElse(null);
        }
    }

    /**
     * LabWallTime's settings.
     *
     * @param parts       comma-separated Lab 3 parts
     * @param kerasPython a Python with TensorFlow (Keras 3); empty: the PATH's python3 where it has TensorFlow
     * @param labFile     the lab's text (seed 003), whose code cells the Keras side runs
     */
    public record Settings(
            Common common,
            @Setting(key = "parts", help = "comma-separated Lab 3 parts to time: 2, 3, 4", example = "2,3,4")
            String parts,
            @Setting(key = "keras.python", help = "a Python with TensorFlow for the Keras original (python3 -m venv V "
                    + "&& V/bin/pip install tensorflow-cpu scipy matplotlib); empty: the PATH's python3",
                    example = "/opt/tf/bin/python") String kerasPython,
            @Setting(key = "lab.file", help = "Lab 3's text (seed 003), whose code cells the Keras side runs; empty: "
                    + SEED + " beside this checkout", example = "/data/003_7a63af71bd0c2835.txt") String labFile)
            implements ExperimentSettings {

        public Settings {
            SettingsParser.require(partList(parts) != null, "parts", parts, "a comma-separated list of 2, 3 and 4",
                    "2,3");
            if (!kerasPython.isEmpty() && !Files.isExecutable(Path.of(kerasPython))) {
                throw new ConfigException("-Dkeras.python=" + kerasPython + " is not an executable file. Give a Python "
                        + "with TensorFlow (python3 -m venv V && V/bin/pip install tensorflow-cpu scipy matplotlib, "
                        + "then -Dkeras.python=V/bin/python), or leave it out to time the cnnlabs side only.");
            }
            if (!labFile.isEmpty() && !Files.isRegularFile(Path.of(labFile))) {
                throw new ConfigException("-Dlab.file=" + labFile + " does not exist. Give the path of Lab 3's text "
                        + "(seed 003, 003_7a63af71bd0c2835.txt), or leave it out to use " + SEED + ".");
            }
        }
    }

    /** The parts {@code list} names, in order; null where it names anything else. */
    static List<Part> partList(String list) {
        List<Part> out = new ArrayList<>();
        for (String p : list.split(",")) {
            try {
                Part part = Part.of(Integer.parseInt(p.strip()));
                if (part == null) {
                    return null;
                }
                out.add(part);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return out.isEmpty() ? null : out.stream().distinct().toList();
    }

    @Override
    public String name() {
        return "LabWallTime";
    }

    @Override
    public String description() {
        return "Lab 3 Parts 2-4: training wall time in cnnlabs against the Keras original, one after the other";
    }

    @Override
    public Settings defaults() {
        return new Settings(Common.DEFAULTS, "2,3,4", "", "");
    }

    /** One model: Keras' fit and cnnlabs' epochs, in seconds (NaN where that side did not run). */
    public record ModelTime(int part, String model, double kerasSeconds, double cnnlabsSeconds) {
    }

    /** One part: its Keras cells and its cnnlabs run, in seconds, and the cnnlabs run's folder. */
    public record PartTime(int part, String experiment, double kerasSeconds, double cnnlabsSeconds, String run) {
    }

    /** What {@code summary.json} holds. */
    public record Summary(String cpu, String keras, List<PartTime> parts, List<ModelTime> models) {
    }

    @Override
    public ExperimentResult run(ExperimentContext<Settings> ctx) throws Exception {
        Settings s = ctx.settings();
        KerasOriginal keras = KerasOriginal.find(ctx, s);
        ctx.console().println("Keras original: " + keras.describe());
        List<PartTime> parts = new ArrayList<>();
        List<ModelTime> models = new ArrayList<>();
        List<Part> list = partList(s.parts());
        for (int i = 0; i < list.size(); i++) {
            Part part = list.get(i);
            KerasOriginal.Timing k = null;
            if (i % 2 == 1) {
                k = keras.time(part.number);
            }
            long start = System.nanoTime();
            Runner.Finished run = cnnlabs(ctx, part);
            double cnnlabsSeconds = (System.nanoTime() - start) / 1e9;
            if (i % 2 == 0) {
                k = keras.time(part.number);
            }
            Map<String, Double> epochs = epochSeconds(run.run().path().resolve("metrics.csv"));
            for (int m = 0; m < part.models.size(); m++) {
                String model = part.models.get(m);
                double kerasFit = k != null && m < k.fits().size() ? k.fits().get(m) : Double.NaN;
                models.add(new ModelTime(part.number, model, kerasFit, epochs.getOrDefault(model, Double.NaN)));
            }
            parts.add(new PartTime(part.number, part.experiment, k == null ? Double.NaN : k.cells(), cnnlabsSeconds,
                    ctx.roots().repository().relativize(run.run().path()).toString()));
        }
        String cpu = EnvironmentInfo.cpuModel();
        return new ExperimentResult(new Summary(cpu, keras.describe(), parts, models), table(ctx, cpu, keras, parts,
                models));
    }

    /** The part's experiment with the lab's settings (a smoke run's: one batch, one epoch), as a normal run. */
    private static Runner.Finished cnnlabs(ExperimentContext<Settings> ctx, Part part) throws Exception {
        return run(ctx, Experiments.get(part.experiment));
    }

    private static <S extends Record & ExperimentSettings> Runner.Finished run(ExperimentContext<Settings> ctx,
                                                                              Experiment<S> e) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("seed", String.valueOf(ctx.common().seed()));
        if (ctx.common().isSmokeRun()) {
            values.put("max.batches", String.valueOf(ctx.common().maxBatches()));
            values.put("epochs", "1");
        }
        S settings = SettingsParser.with(e.defaults(), values);
        return Runner.run(e, settings, RunSetup.of(ctx.roots(), ctx.console(), "LabWallTime: " + e.name()));
    }

    /** The sum of each model's epoch seconds in a run's {@code metrics.csv}. */
    static Map<String, Double> epochSeconds(Path metrics) throws IOException {
        List<String> lines = Files.readAllLines(metrics);
        List<String> header = List.of(lines.get(0).split(","));
        int model = header.indexOf("model");
        int seconds = header.indexOf("seconds");
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            out.merge(cells[model], Double.parseDouble(cells[seconds]), Double::sum);
        }
        return out;
    }

    private static String table(ExperimentContext<Settings> ctx, String cpu, KerasOriginal keras, List<PartTime> parts,
                                List<ModelTime> models) {
        MarkdownTable byModel = new MarkdownTable("Part", "Model", "Keras fit (s)", "cnnlabs epochs (s)",
                "cnnlabs / Keras");
        for (ModelTime m : models) {
            byModel.row(String.valueOf(m.part()), m.model(), seconds(m.kerasSeconds()), seconds(m.cnnlabsSeconds()),
                    ratio(m.cnnlabsSeconds(), m.kerasSeconds()));
        }
        MarkdownTable byPart = new MarkdownTable("Part", "Experiment", "Keras cells (s)", "cnnlabs run (s)",
                "cnnlabs / Keras", "cnnlabs run");
        for (PartTime p : parts) {
            byPart.row(String.valueOf(p.part()), p.experiment(), seconds(p.kerasSeconds()), seconds(p.cnnlabsSeconds()),
                    ratio(p.cnnlabsSeconds(), p.kerasSeconds()), "`" + p.run() + "`");
        }
        return "# Lab 3's training time: cnnlabs against the Keras original\n\n"
                + "CPU: " + cpu + ". Keras original: " + keras.describe() + ". One run each, one after the other, the "
                + "side that goes first alternating by part. Below 1: cnnlabs faster; the issue's target is at most "
                + "0.5.\n\n## Per model\n\nKeras: the wall time of `model.fit` (its epochs and validation passes). "
                + "cnnlabs: the sum of the model's epoch seconds in `metrics.csv` (training and validation passes).\n\n"
                + byModel + "\n## Per part\n\nKeras: the wall time of the part's cells (building, fitting, evaluating, "
                + "plotting). cnnlabs: the experiment's whole run (data, building, training, evaluation, pictures, "
                + "report; DataAugmentation also trains the model without augmentation).\n\n" + byPart
                + ctx.common().smokeRunNote("one batch per epoch, one epoch; no Keras");
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "–" : String.format(Locale.ROOT, "%.1f", s);
    }

    private static String ratio(double cnnlabs, double keras) {
        return Double.isNaN(cnnlabs) || Double.isNaN(keras) ? "–" : String.format(Locale.ROOT, "%.2f", cnnlabs / keras);
    }
}
