package cnnlabs.sweep;

import cnnlabs.datasets.DataLocations;
import cnnlabs.run.Experiment;
import cnnlabs.run.Experiments;
import cnnlabs.run.RunRoots;
import cnnlabs.run.RunSetup;
import cnnlabs.run.Runner;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.Callback;
import cnnlabs.training.Console;
import cnnlabs.training.Diverged;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs one trial wherever it is: the job's experiment, found on this JVM's class path, with the sweep's fixed settings
 * and the trial's, as a normal run into {@code trials/<n>/} of the sweep folder (continuing its interrupted run there,
 * if any), its fits watched by the sweep's pruner through the {@link TrialStore}. A failure or divergence is recorded
 * in the trial, not thrown. Everything comes from the job and the sweep folder: nothing is shared with the driver.
 */
public final class TrialWorker {

    private TrialWorker() {
    }

    /**
     * Runs {@code job}; null when it is past its start-by time (not run). A job whose trial already ended (an attempt
     * that finished but whose result was lost on the way back) returns that trial as it is.
     */
    public static Trial run(TrialJob job) {
        return run(job, List.of());
    }

    /** As {@link #run(TrialJob)}, with {@code watchers} on every fit too (a UI on this machine). */
    public static Trial run(TrialJob job, List<Supplier<Callback>> watchers) {
        if (System.currentTimeMillis() > job.startBy()) {
            return null;
        }
        SweepSpec spec = SweepSpec.fromJson(job.spec());
        return trial(Experiments.get(spec.experiment()), spec, job, watchers);
    }

    private static <S extends Record & ExperimentSettings> Trial trial(Experiment<S> target, SweepSpec spec,
                                                                      TrialJob job, List<Supplier<Callback>> watchers) {
        Path sweepFolder = Path.of(job.sweepFolder());
        TrialStore store = new TrialStore(sweepFolder);
        Trial ended = store.finished(job.n());
        if (ended != null) {
            return ended;
        }
        int attempt = store.attempt(job.n());
        Path root = store.trialFolder(job.n());
        long start = System.nanoTime();
        Pruner pruner = Pruner.of(spec);
        PruningCallback.Outcome outcome = new PruningCallback.Outcome();
        List<Supplier<Callback>> callbacks = new ArrayList<>();
        if (pruner != null) {
            callbacks.add(() -> new PruningCallback(store, pruner, job.n(), spec.objective(), outcome));
        }
        callbacks.addAll(watchers);
        Runner.Finished finished = null;
        Trial.Status status;
        String reason = "";
        double score = Double.NaN;
        double second = Double.NaN;
        try {
            Map<String, String> values = new LinkedHashMap<>(spec.fixed());
            values.putAll(job.params());
            if (job.maxBatches() > 0) {
                values.put("max.batches", String.valueOf(job.maxBatches()));
            }
            S settings = SettingsParser.with(target.defaults(), values);
            RunRoots roots = new RunRoots(Path.of(job.repository()), root, new DataLocations(Path.of(job.dataDir()),
                    job.cifar10().isEmpty() ? null : Path.of(job.cifar10())));
            Console quiet = new Console(new PrintStream(new ByteArrayOutputStream()), Console.Mode.OFF);
            RunSetup setup = new RunSetup(roots, job.fast(), quiet, "trial " + job.n() + " of a sweep: " + values,
                    store.unfinishedRun(job.n(), target.name()).orElse(null), callbacks);
            finished = Runner.run(target, settings, setup);
            score = Scores.score(spec.objective(), finished);
            second = spec.secondObjective() == null ? Double.NaN
                    : Scores.second(spec.secondObjective().metric(), finished, (System.nanoTime() - start) / 1e9);
            status = outcome.pruned != null ? Trial.Status.PRUNED : Trial.Status.COMPLETED;
            reason = outcome.pruned != null ? outcome.pruned : Double.isNaN(score)
                    ? "no value of " + spec.objective().metric() + " in its summary.json or its epochs" : "";
        } catch (Diverged d) {
            status = Trial.Status.DIVERGED;
            reason = d.getMessage();
        } catch (OutOfMemoryError e) {
            status = Trial.Status.FAILED;
            reason = "out of memory: " + e.getMessage();
        } catch (Exception | Error e) {
            status = Trial.Status.FAILED;
            reason = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        int epochs = finished == null ? 0 : finished.run().metrics().size();
        String folder = sweepFolder.relativize(finished == null ? root : finished.run().path()).toString();
        Trial t = new Trial(job.n(), job.params(), status, score, epochs, (System.nanoTime() - start) / 1e9, reason,
                folder, store.reports(job.n()), attempt, second);
        store.save(t);
        return t;
    }
}
