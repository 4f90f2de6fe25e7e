package cnnlabs.experiments;

import cnnlabs.architectures.Registry;
import cnnlabs.experiments.basics.ConvolutionBasics;
import cnnlabs.experiments.basics.ModelZoo;
import cnnlabs.experiments.basics.PoolingBasics;
import cnnlabs.experiments.basics.ReceptiveField;
import cnnlabs.experiments.cifar.Cifar10ResNet;
import cnnlabs.experiments.cifar.PlainVsBatchNorm;
import cnnlabs.experiments.lab3.ActivationVisualization;
import cnnlabs.experiments.lab3.ArchitectureComparison;
import cnnlabs.experiments.lab3.AugmentationSamples;
import cnnlabs.experiments.lab3.ConvolutionFilters;
import cnnlabs.experiments.lab3.DataAugmentation;
import cnnlabs.experiments.lab3.GradCam;
import cnnlabs.experiments.lab3.MnistSimpleCnn;
import cnnlabs.experiments.performance.Throughput;
import cnnlabs.experiments.results.EnvironmentInfo;
import cnnlabs.experiments.results.ExperimentRun;
import cnnlabs.experiments.settings.Common;
import cnnlabs.experiments.settings.ExperimentSettings;
import cnnlabs.experiments.settings.SettingsParser;
import cnnlabs.experiments.sweep.Sweep;
import cnnlabs.experiments.training.Console;
import cnnlabs.experiments.training.Diverged;
import cnnlabs.experiments.transfer.FreezeBackbone;
import cnnlabs.experiments.transfer.MobileNetTransfer;
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
            .register(new GradCam())
            .register(new AugmentationSamples())
            .register(new DataAugmentation())
            .register(new MobileNetTransfer())
            .register(new Cifar10ResNet())
            .register(new PlainVsBatchNorm())
            .register(new Throughput())
            .register(new Sweep());

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

    /** A finished run: its run object and what the experiment returned. */
    public record Finished(ExperimentRun run, ExperimentResult result) {
    }

    /**
     * Runs {@code experiment} with {@code settings} into a new folder under {@code resultsRoot}: {@link ExperimentRun}
     * writes {@code config.json} (every setting the run used) and {@code env.json} first, the experiment emits its
     * epochs, tables, pictures and files as it goes, then the summary record goes into {@code summary.json}
     * ({@code "status": "completed"}, or {@code "failed"} with the error, whose stack trace goes to
     * {@code error.txt} before the exception is rethrown). The report and the results index follow every event.
     */
    public static <S extends Record & ExperimentSettings> Finished run(Experiment<S> experiment, S settings,
                                                                      Engine engine, Path resultsRoot, Path dataDir,
                                                                      Console console, String command) throws Exception {
        return run(experiment, settings, engine, resultsRoot, dataDir, console, command, null);
    }

    /** Where training diverged, for {@code summary.json}. */
    public record Divergence(String model, int epoch, int batch, double loss, double learningRate) {
    }

    /**
     * As {@link #run(Experiment, Record, Engine, Path, Path, Console, String)}, or, with {@code resume} (a run folder of
     * this experiment, whose settings the caller has given back), continues that interrupted run in its folder: each
     * of its fits goes on from its last checkpoint. A fit that diverges ({@link Diverged}) ends the run as
     * {@code "diverged"} and is rethrown.
     */
    public static <S extends Record & ExperimentSettings> Finished run(Experiment<S> experiment, S settings,
                                                                      Engine engine, Path resultsRoot, Path dataDir,
                                                                      Console console, String command, Path resume)
            throws Exception {
        experiment.check(settings);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("experiment", experiment.name());
        config.putAll(SettingsParser.values(settings));
        Map<String, Object> env = EnvironmentInfo.collect(settings.common().seed(), command);
        env.put("runtime", engine.report());
        Common common = settings.common();
        ExperimentRun run = resume == null
                ? ExperimentRun.start(resultsRoot, experiment.name(), config, common.isSmokeRun(), env)
                : ExperimentRun.resume(resume, experiment.name(), config, common.isSmokeRun(), env);
        console.println((resume == null ? "Running " : "Resuming ") + experiment.name() + " into " + run.path()
                + (common.isSmokeRun() ? " (smoke run: at most " + common.maxBatches() + " batches per pass)" : ""));
        try {
            ExperimentResult result;
            try {
                result = experiment.run(new ExperimentContext<>(settings, run, dataDir, console, engine));
            } finally {
                env.put("runtime", engine.report()); // with the graphs the experiment made
                run.environment(env);
            }
            run.table(result.table());
            run.completed(result.summary());
            return new Finished(run, result);
        } catch (Diverged d) {
            run.diverged(d.getMessage(), new Divergence(d.model(), d.epoch(), d.batch(), d.loss(), d.learningRate()));
            throw d;
        } catch (Exception | Error e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            try {
                run.failed(String.valueOf(e.getMessage()), trace.toString());
            } catch (RuntimeException reportFailure) {
                e.addSuppressed(reportFailure);
            }
            throw e;
        }
    }
}
