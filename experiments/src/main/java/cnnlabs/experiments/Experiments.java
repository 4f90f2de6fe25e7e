package cnnlabs.experiments;

import cnnlabs.architectures.Registry;
import cnnlabs.experiments.basics.ConvolutionBasics;
import cnnlabs.experiments.basics.ModelZoo;
import cnnlabs.experiments.basics.PoolingBasics;
import cnnlabs.experiments.basics.ReceptiveField;
import cnnlabs.experiments.lab3.ActivationVisualization;
import cnnlabs.experiments.lab3.ArchitectureComparison;
import cnnlabs.experiments.lab3.AugmentationSamples;
import cnnlabs.experiments.lab3.ConvolutionFilters;
import cnnlabs.experiments.lab3.DataAugmentation;
import cnnlabs.experiments.lab3.MnistSimpleCnn;
import cnnlabs.experiments.performance.Throughput;
import cnnlabs.experiments.results.EnvironmentInfo;
import cnnlabs.experiments.results.HtmlReport;
import cnnlabs.experiments.results.RunDirectory;
import cnnlabs.experiments.settings.Common;
import cnnlabs.experiments.settings.ExperimentSettings;
import cnnlabs.experiments.settings.SettingsParser;
import cnnlabs.experiments.training.Console;
import cnnlabs.experiments.transfer.FreezeBackbone;
import cnnlabs.experiments.transfer.TransferLearning;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every experiment, by name, in lab order; and the one way to run one into a fresh run folder. */
public final class Experiments {

    private static final Registry<Experiment<?>> REGISTRY = new Registry<Experiment<?>>("experiment", Experiment::name)
            .register(new MnistSimpleCnn())
            .register(new ArchitectureComparison())
            .register(new ConvolutionBasics())
            .register(new PoolingBasics())
            .register(new ModelZoo())
            .register(new FreezeBackbone())
            .register(new ConvolutionFilters())
            .register(new ActivationVisualization())
            .register(new ReceptiveField())
            .register(new AugmentationSamples())
            .register(new DataAugmentation())
            .register(new TransferLearning())
            .register(new Throughput());

    private Experiments() {
    }

    /** The experiment called {@code name} (any case); throws listing the valid names. */
    public static Experiment<?> get(String name) {
        return REGISTRY.get(name);
    }

    public static List<Experiment<?>> all() {
        return REGISTRY.all();
    }

    public static List<String> names() {
        return REGISTRY.names();
    }

    /** A finished run: its folder and what the experiment returned. */
    public record Run(RunDirectory directory, ExperimentResult result) {
    }

    /**
     * Runs {@code experiment} with {@code settings} into a new folder under {@code resultsRoot}: writes
     * {@code config.json} (every setting the run used) and {@code env.json} first, then lets the experiment write as
     * it goes, then {@code summary.json} ({@code "status": "completed"}, or {@code "failed"} with the error, whose
     * stack trace goes to {@code error.txt} before the exception is rethrown). {@code report.html} and
     * {@code results/index.html} are written when the run starts and again when it ends (the report also after
     * every epoch).
     */
    public static <S extends Record & ExperimentSettings> Run run(Experiment<S> experiment, S settings, Engine engine,
                                                                 Path resultsRoot, Path dataDir, Console console,
                                                                 String command) throws Exception {
        RunDirectory dir = RunDirectory.create(resultsRoot, experiment.name());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("experiment", experiment.name());
        config.putAll(SettingsParser.values(settings));
        dir.writeJson("config.json", config);
        Map<String, Object> env = EnvironmentInfo.collect(settings.common().seed(), command);
        env.put("runtime", engine.report());
        dir.writeJson("env.json", env);
        dir.writeJson("summary.json", Map.of("experiment", experiment.name(), "status", "running"));
        publish(dir, resultsRoot);
        Common common = settings.common();
        console.println("Running " + experiment.name() + " into " + dir.path()
                + (common.isSmokeRun() ? " (smoke run: at most " + common.maxBatches() + " batches per pass)" : ""));
        try {
            ExperimentResult result;
            try {
                result = experiment.run(new ExperimentContext<>(settings, dir, dataDir, console, engine));
            } finally {
                env.put("runtime", engine.report()); // with the graphs the experiment made
                dir.writeJson("env.json", env);
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("experiment", experiment.name());
            summary.put("status", "completed");
            summary.put("smoke_run", common.isSmokeRun());
            summary.putAll(result.summary());
            dir.writeJson("summary.json", summary);
            dir.writeText("table.md", result.table());
            publish(dir, resultsRoot);
            return new Run(dir, result);
        } catch (Exception | Error e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            dir.writeText("error.txt", trace.toString());
            dir.writeJson("summary.json", Map.of("experiment", experiment.name(), "status", "failed",
                    "error", String.valueOf(e.getMessage())));
            try {
                publish(dir, resultsRoot);
            } catch (RuntimeException reportFailure) {
                e.addSuppressed(reportFailure);
            }
            throw e;
        }
    }

    /** The run's {@code report.html} and the results index, from what the run folder holds now. */
    private static void publish(RunDirectory dir, Path resultsRoot) {
        HtmlReport.writeReport(dir.path());
        HtmlReport.writeIndex(resultsRoot);
    }
}
