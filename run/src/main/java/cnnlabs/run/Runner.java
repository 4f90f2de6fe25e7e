package cnnlabs.run;

import cnnlabs.run.results.EnvironmentInfo;
import cnnlabs.run.results.ExperimentRun;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.Diverged;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one way to run an experiment, which the command line, sweeps and notebooks all call: checks its settings, runs
 * it into a fresh run folder (or continues an interrupted one), and records how it ended.
 */
public final class Runner {

    private Runner() {
    }

    /** A finished run: its run object and what the experiment returned. */
    public record Finished(ExperimentRun run, ExperimentResult result) {
    }

    /** Where training diverged, for {@code summary.json}. */
    public record Divergence(String model, int epoch, int batch, double loss, double learningRate) {
    }

    /**
     * Runs {@code experiment} with {@code settings} as {@code setup} says: {@link Experiment#check} first, before any
     * folder exists; then {@link ExperimentRun} writes {@code config.json} (every setting the run used) and
     * {@code env.json} into a new folder under the results root (or, with {@link RunSetup#resume()}, the run folder it
     * continues, each of its fits going on from its last checkpoint), the experiment emits its epochs, tables, pictures
     * and files as it goes, and the summary record goes into {@code summary.json} ({@code "status": "completed"}, or
     * {@code "failed"} with the error, whose stack trace goes to {@code error.txt} before the exception is rethrown). A
     * fit that diverges ({@link Diverged}) ends the run as {@code "diverged"} and is rethrown.
     */
    public static <S extends Record & ExperimentSettings> Finished run(Experiment<S> experiment, S settings,
                                                                      RunSetup setup) throws Exception {
        experiment.check(settings, setup.roots());
        Engine engine = setup.fast() ? Engine.fast() : Engine.plain();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("experiment", experiment.name());
        config.putAll(SettingsParser.values(settings));
        Common common = settings.common();
        Map<String, Object> env = EnvironmentInfo.collect(common.seed(), setup.command(), setup.roots().repository());
        env.put("runtime", engine.report());
        ExperimentRun run = setup.resume() == null
                ? ExperimentRun.start(setup.roots().results(), experiment.name(), config, common.isSmokeRun(), env)
                : ExperimentRun.resume(setup.resume(), experiment.name(), config, common.isSmokeRun(), env);
        setup.console().println((setup.resume() == null ? "Running " : "Resuming ") + experiment.name() + " into "
                + run.path() + (common.isSmokeRun() ? " (smoke run: at most " + common.maxBatches()
                + " batches per pass)" : ""));
        try {
            ExperimentResult result;
            try {
                result = experiment.run(new ExperimentContext<>(settings, run, setup, engine));
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
