package cnnlabs.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.datasets.CifarFixture;
import cnnlabs.datasets.DataLocations;
import cnnlabs.run.results.HtmlReport;
import cnnlabs.run.results.ExperimentRun;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.Console;
import cnnlabs.onednn.OneDnnRuntime;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import cnnlabs.run.Engine;
import cnnlabs.run.Experiment;
import cnnlabs.run.Experiments;
import cnnlabs.run.RunRoots;
import cnnlabs.run.RunSetup;
import cnnlabs.run.Runner;

/** Every registered experiment, on the real data, cut to one batch per pass, into a temporary results folder. */
class ExperimentSmokeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path results;

    static Stream<Experiment<?>> experiments() {
        return Experiments.all().stream();
    }

    /** Each experiment's smoke expectations, from the lab packages' tests. */
    private static final Map<String, Function<Record, SmokeCheck>> EXPECTATIONS = expectations();

    private static Map<String, Function<Record, SmokeCheck>> expectations() {
        Map<String, Function<Record, SmokeCheck>> out = new TreeMap<>();
        for (SmokeExpectations e : ServiceLoader.load(SmokeExpectations.class)) {
            out.putAll(e.expectations());
        }
        return out;
    }

    /**
     * A smoke run of {@code experiment} into the temporary results folder: its lab settings with one batch per pass
     * and, for experiments that train, {@code epochs} epochs.
     */
    static <S extends Record & ExperimentSettings> Smoke smokeRun(Experiment<S> experiment, int epochs, Path results)
            throws Exception {
        Map<String, String> overrides = new java.util.HashMap<>(Map.of("max.batches", "1"));
        if (SettingsParser.keys(experiment.defaults()).contains("epochs")) {
            overrides.put("epochs", String.valueOf(epochs));
        }
        S settings = SettingsParser.with(experiment.defaults(), overrides);
        Console quiet = new Console(new PrintStream(new ByteArrayOutputStream()), false);
        RunRoots roots = new RunRoots(Path.of(System.getProperty("cnnlabs.root", "")), results, DataLocations.defaults());
        if (experiment.getClass().getPackageName().endsWith(".cifar")) {
            // CIFAR-10 is not on this machine: the CIFAR labs run on a declared synthetic fixture, and say so.
            roots = roots.withData(roots.data().withCifar10(CifarFixture.write(results.resolve("cifar-fixture"), 40, 30, 3)));
        }
        Runner.Finished run = Runner.run(experiment, settings, RunSetup.of(roots, quiet, "test"));
        Function<Record, SmokeCheck> check = EXPECTATIONS.get(experiment.name());
        assertNotNull(check, experiment.name() + " has no smoke expectations in its package's tests");
        return new Smoke(run, check.apply(settings));
    }

    /** A smoke run and what the experiment's tests say it must have left. */
    record Smoke(Runner.Finished run, SmokeCheck check) {
    }

    @Test
    void everyExperimentHasSmokeExpectationsAndEveryExpectationAnExperiment() {
        List<String> names = Experiments.names().stream().sorted().toList();
        assertEquals(names, List.copyOf(EXPECTATIONS.keySet()), "experiments registered vs smoke expectations");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("experiments")
    void smokeRunWritesTheWholeResultsLayoutAndWhatTheExperimentPromises(Experiment<?> experiment) throws Exception {
        Smoke smoke = smokeRun(experiment, 2, results);
        Runner.Finished run = smoke.run();
        SmokeCheck check = smoke.check();
        boolean trains = check.metricRows() >= 0;

        Path dir = run.run().path();
        assertEquals(results.resolve(experiment.name()), dir.getParent());
        assertTrue(dir.getFileName().toString().matches("\\d{8}-\\d{6}-[0-9a-f]{6}"), dir.toString());
        JsonNode cfg = JSON.readTree(dir.resolve("config.json").toFile());
        assertEquals(experiment.name(), cfg.get("experiment").asText());
        assertEquals(1, cfg.get("max.batches").asInt());
        for (String key : SettingsParser.keys(experiment.defaults())) {
            assertTrue(cfg.has(key), "config.json holds every setting the run used: " + key);
        }
        if (trains) {
            assertEquals(2, cfg.get("epochs").asInt());
        }
        JsonNode env = JSON.readTree(dir.resolve("env.json").toFile());
        for (String key : List.of("dl4j_version", "nd4j_backend", "cpu_model", "available_processors", "threads", "seed",
                "command")) {
            assertTrue(env.hasNonNull(key), "env.json lacks " + key);
        }
        assertEquals("1.0.0-M2.1", env.get("dl4j_version").asText());
        JsonNode runtime = env.get("runtime");
        assertEquals("onednn-runtime", runtime.get("engine").asText());
        if (trains && OneDnnRuntime.available()) {
            JsonNode graph = runtime.get("graphs").get(0);
            assertTrue(graph.get("fast_layers").asInt() > 0, "env.json counts the fast layers: " + runtime);
            assertTrue(graph.has("plain_layers") && graph.has("plain"), runtime.toString());
        }
        JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
        assertEquals("completed", summary.get("status").asText());
        assertTrue(summary.get("smoke_run").asBoolean());

        if (!trains) {
            assertFalse(Files.exists(dir.resolve("metrics.csv")), "an experiment that trains nothing writes no metrics.csv");
        } else {
            List<String> metrics = Files.readAllLines(dir.resolve("metrics.csv"));
            assertEquals(ExperimentRun.METRICS_HEADER, metrics.get(0));
            assertEquals(1 + check.metricRows(), metrics.size(), String.join("\n", metrics));
            for (String row : metrics.subList(1, metrics.size())) {
                String[] cells = row.split(",", -1);
                assertEquals(12, cells.length, row);
                for (int i = 1; i < cells.length; i++) {
                    assertTrue(Double.isFinite(Double.parseDouble(cells[i])), row);
                }
            }
            assertTrue(Files.readString(dir.resolve("model-summary.txt")).contains("Total params:"));
        }
        for (Map.Entry<String, int[]> picture : check.pictures().entrySet()) {
            BufferedImage image = ImageIO.read(dir.resolve(picture.getKey()).toFile());
            assertTrue(image != null, picture.getKey() + " does not decode as an image");
            assertArrayEquals(picture.getValue(), new int[] {image.getWidth(), image.getHeight()}, picture.getKey());
        }
        if (trains) {
            BufferedImage curves = ImageIO.read(dir.resolve(ExperimentRun.CURVES).toFile());
            assertArrayEquals(new int[] {1120, 400}, new int[] {curves.getWidth(), curves.getHeight()});
        }
        assertReportLinksOnlyExistingFiles(dir.resolve(HtmlReport.REPORT));
        String report = Files.readString(dir.resolve(HtmlReport.REPORT));
        assertTrue(report.contains("status completed"), "report shows the final status");
        try (Stream<Path> pngs = Files.list(dir)) {
            for (Path png : pngs.filter(p -> p.toString().endsWith(".png")).toList()) {
                assertTrue(report.contains("<img src=\"" + png.getFileName() + "\""), png + " is not on the report");
            }
        }
        assertReportLinksOnlyExistingFiles(results.resolve(HtmlReport.INDEX));
        assertTrue(Files.readString(results.resolve(HtmlReport.INDEX)).contains(experiment.name() + "/" + dir.getFileName()));
        String table = Files.readString(dir.resolve("table.md"));
        assertEquals(run.result().table(), table);
        if (trains) {
            assertTrue(table.contains("Smoke run"), table);
        }
        for (List<String> oneOf : check.tableShows()) {
            assertTrue(oneOf.stream().anyMatch(table::contains), "the table lacks " + oneOf + ":\n" + table);
        }
        for (Map.Entry<String, Integer> file : check.files().entrySet()) {
            Path f = dir.resolve(file.getKey());
            assertTrue(Files.isRegularFile(f), file.getKey() + " missing");
            if (file.getValue() >= 0) {
                assertEquals(file.getValue().intValue(), Files.readAllLines(f).size(), file.getKey() + " lines");
            }
        }
        try (Stream<Path> models = Files.list(dir)) {
            for (Path zip : models.filter(p -> p.toString().endsWith(".zip")).toList()) {
                // a saved model or checkpoint is DL4J's format and names the layers the model declares: no class of
                // the oneDNN runtime leaks into it (PortableModelTest loads one without cnnlabs at all)
                ComputationGraph restored = ModelSerializer.restoreComputationGraph(zip.toFile(), false);
                assertTrue(restored.numParams() > 0, zip.toString());
                assertFalse(restored.getConfiguration().toJson().contains("cnnlabs.onednn"), zip + " names the runtime");
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    /** Every href and src of {@code page} (relative, as the reports write them) names a file that exists. */
    static void assertReportLinksOnlyExistingFiles(Path page) throws Exception {
        String html = Files.readString(page);
        Matcher links = Pattern.compile("(?:href|src)=\"([^\"]+)\"").matcher(html);
        int count = 0;
        while (links.find()) {
            Path target = page.getParent().resolve(links.group(1)).normalize();
            assertTrue(Files.exists(target), page + " links " + links.group(1) + ", which does not exist");
            count++;
        }
        assertTrue(count > 0, page + " links nothing");
    }
}
