package cnnlabs.sweep;

import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.run.Experiments;
import cnnlabs.run.RunRoots;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.settings.ConfigException;
import cnnlabs.settings.SettingsParser;
import cnnlabs.training.Callback;
import cnnlabs.training.Fit;
import com.google.auto.service.AutoService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Hyperparameter sweep: any experiment, over any of its settings, searched by Arbiter.
 *
 * <p><b>What it does:</b> reads a sweep file ({@code -Dsweep=FILE}, JSON or YAML: the experiment, the search, the
 * objective, fixed settings and the space; see {@link SweepSpec}), draws the candidates with Arbiter's random or grid
 * generator from the seed ({@link ArbiterSearch}), and runs each as a trial: the named experiment with those settings,
 * into its own run folder under {@code trials/<n>/}, through the same loop, runtime and results path as any run
 * ({@link TrialWorker}), on this machine's threads or on Spark ({@link TrialRunner}). Halving prunes the worst trials at
 * rungs of epochs ({@link HalvingPruner}), from what the trials reported to the sweep folder ({@link TrialStore}). A
 * trial that fails, runs out of memory or diverges is recorded with its reason and the sweep goes on. Writes
 * {@code sweep.json} (the file as run), {@code trials.csv}, a ranked {@code table.md}, {@code best.json} (run it with
 * {@code -Dconfig=best.json -Dexp=<experiment>}), the score against each parameter and the best-so-far curve
 * ({@link SweepReport}). {@code -Dsweep.parallel=N} runs N trials at once, each with cores / N threads;
 * {@code -Dresume} continues a sweep, skipping finished trials.
 *
 * <p><b>Expected runtime:</b> the trials' own times added up (divided by the parallelism at best); the example
 * {@code sweeps/mnist-quick.yaml} takes about a minute on a 2-core CPU.
 */
@AutoService(Experiment.class)
public final class Sweep implements Experiment<SweepSettings> {

    public static final String NAME = "Sweep";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Hyperparameter sweep of any experiment (-Dsweep=FILE): random, grid, TPE, halving or Hyperband";
    }

    @Override
    public SweepSettings defaults() {
        return SweepSettings.DEFAULTS;
    }

    @Override
    public void check(SweepSettings settings, RunRoots roots) {
        if (settings.sweep().isBlank()) {
            throw new ConfigException("-Dexp=Sweep needs a sweep file: -Dsweep=FILE (JSON or YAML), e.g. "
                    + "-Dsweep=sweeps/mnist-quick.yaml.");
        }
        SweepSpec spec = SweepSpec.read(roots.find(settings.sweep()));
        checkSettings(target(spec), spec, roots);
        if (!settings.spark().isBlank()) {
            runner(settings.spark());
        }
        if (settings.ui()) {
            monitor();
        }
    }

    private static Experiment<?> target(SweepSpec spec) {
        if (spec.experiment().equalsIgnoreCase(NAME)) {
            throw new ConfigException("A sweep cannot sweep sweeps: name an experiment in the sweep file's experiment.");
        }
        return Experiments.get(spec.experiment());
    }

    /**
     * Every fixed and searched key must be the experiment's setting, with values it accepts, and what each corner of
     * the space names outside itself (a folder of images, a file) must pass the experiment's own check.
     */
    private static <S extends Record & ExperimentSettings> void checkSettings(Experiment<S> target, SweepSpec spec,
                                                                             RunRoots roots) {
        List<String> keys = SettingsParser.keys(target.defaults());
        for (String key : Stream.concat(spec.fixed().keySet().stream(), spec.space().keySet().stream()).toList()) {
            if (!keys.contains(key)) {
                throw new ConfigException("The sweep file names '" + key + "', which is not a setting of "
                        + target.name() + ". Its settings: " + String.join(", ", keys) + ".");
            }
        }
        checkModel(target, SettingsParser.with(target.defaults(), spec.fixed()), spec);
        if (spec.search().kind() == SweepSpec.Search.Kind.HYPERBAND
                && !String.valueOf(spec.search().maxEpochs()).equals(spec.fixed().get("epochs"))) {
            throw new ConfigException("Hyperband gives a trial at most max_epochs (" + spec.search().maxEpochs()
                    + ") epochs, and prunes the others on the way: fix them in the sweep file, fixed: {epochs: "
                    + spec.search().maxEpochs() + "}.");
        }
        for (Map<String, String> corner : ArbiterSearch.corners(spec)) {
            Map<String, String> values = new LinkedHashMap<>(spec.fixed());
            values.putAll(TpeSampler.applicable(spec, corner)); // as a trial gets it: without settings whose when fails
            // a range the experiment refuses, or a dataset it cannot read, stops the sweep here
            target.check(SettingsParser.with(target.defaults(), values), roots);
        }
    }

    /**
     * The objective of an experiment that trains several models names one of them, or their mean, least or most (a
     * bare val_acc of Lab 3's comparison would silently be its last model's); one that trains one names none. A pruner
     * watches one model's epochs.
     */
    private static <S extends Record & ExperimentSettings> void checkModel(Experiment<S> target, S settings,
                                                                          SweepSpec spec) {
        List<String> models = target.models(settings);
        String model = spec.objective().model();
        List<String> valid = new ArrayList<>(models);
        valid.addAll(SweepSpec.Objective.OVER_MODELS);
        if (models.size() > 1 && (model == null || !valid.contains(model))) {
            throw new ConfigException(target.name() + " trains " + models.size() + " models (" + String.join(", ", models)
                    + "), so the objective must say whose " + spec.objective().metric() + " counts: objective: {metric: "
                    + spec.objective().metric() + ", model: " + models.get(models.size() - 1) + "}, or model: mean, min "
                    + "or max over them" + (model == null ? "" : "; '" + model + "' is none of these") + ".");
        }
        if (models.size() <= 1 && model != null) {
            throw new ConfigException(target.name() + " trains one model: leave the objective's model out.");
        }
        if (model != null && SweepSpec.Objective.OVER_MODELS.contains(model) && Pruner.of(spec) != null) {
            throw new ConfigException("A pruner compares one model's epochs: name the model in the objective (one of "
                    + String.join(", ", models) + ") rather than " + model + ", or search without pruning.");
        }
        if (model != null && !Scores.EPOCH_METRICS.contains(spec.objective().metric())) {
            throw new ConfigException("The objective of one of " + target.name() + "'s models is an epoch metric ("
                    + String.join(", ", Scores.EPOCH_METRICS) + "), not " + spec.objective().metric() + ".");
        }
    }

    @Override
    public ExperimentResult run(ExperimentContext<SweepSettings> ctx) throws Exception {
        SweepSettings settings = ctx.settings();
        SweepSpec spec = SweepSpec.read(ctx.roots().find(settings.sweep()));
        Experiment<?> target = target(spec);
        ctx.run().writeJson("sweep.json", spec);
        TrialStore store = new TrialStore(ctx.run().path());
        Map<Integer, Trial> trials = new TreeMap<>();
        if (ctx.run().resumed()) {
            trials.putAll(store.finished());
            ctx.console().println("Resuming the sweep: " + trials.size() + " trials finished before");
        }
        Proposals proposals = new Proposals(ctx, spec, store, trials);
        int planned = proposals.planned();
        SweepMonitor monitor = settings.ui() ? monitor() : null;
        String page = null;
        if (monitor != null) {
            page = monitor.start(ctx.run().path().getFileName().toString(), spec, planned);
            ctx.console().println("Arbiter's UI: " + page);
            trials.values().forEach(t -> monitor.ended(t, proposals.position(t.trial())));
        }
        TrialRunner runner;
        if (settings.spark().isBlank()) {
            LocalTrialRunner local = new LocalTrialRunner(settings.parallel(), job -> {
                if (monitor == null) {
                    return TrialWorker.run(job);
                }
                monitor.started(job.n(), proposals.position(job.n()));
                return TrialWorker.run(job, List.of(() -> steps(monitor, job.n())));
            });
            if (!local.describe().isEmpty()) {
                ctx.console().println(local.describe());
            }
            runner = local;
        } else {
            ctx.console().println("Running the trials on Spark (" + settings.spark() + ")");
            runner = runner(settings.spark());
        }
        try {
            runner.run(proposals, t -> {
                synchronized (trials) {
                    trials.put(t.trial(), t);
                    if (monitor != null) {
                        monitor.ended(t, proposals.position(t.trial()));
                    }
                    publish(ctx, spec, target, trials, planned);
                    ctx.console().println(String.format(Locale.ROOT, "trial %d/%d %s: %s %s %s", t.trial(), planned,
                            t.params(), t.status().label(), spec.objective().metric(),
                            Double.isNaN(t.score()) ? "-" : String.format(Locale.ROOT, "%.4f", t.score())));
                }
            });
        } finally {
            if (monitor != null) {
                monitor.close();
            }
        }
        return new ExperimentResult(SweepReport.summary(spec, trials), publish(ctx, spec, target, trials, planned),
                page == null ? null : "Arbiter's page of the sweep stays at " + page);
    }

    /**
     * The sweep's jobs, proposed by its {@link Sampler} as they are taken (an adaptive sampler then sees every trial
     * that ended before). Each proposal is kept in the trial store first, so a resumed sweep runs an interrupted trial
     * with its own settings; trials that ended are not proposed again.
     */
    private static final class Proposals implements TrialRunner.Jobs {
        private final ExperimentContext<SweepSettings> ctx;
        private final SweepSpec spec;
        private final TrialStore store;
        private final Map<Integer, Trial> trials;
        private final Sampler sampler;
        private final Map<Integer, double[]> positions = new java.util.concurrent.ConcurrentHashMap<>();
        private final long startBy;
        private int next = 1;

        Proposals(ExperimentContext<SweepSettings> ctx, SweepSpec spec, TrialStore store, Map<Integer, Trial> trials) {
            this.ctx = ctx;
            this.spec = spec;
            this.store = store;
            this.trials = trials;
            this.sampler = Sampler.of(spec);
            this.startBy = spec.search().minutes() > 0
                    ? System.currentTimeMillis() + (long) (spec.search().minutes() * 60_000) : Long.MAX_VALUE;
        }

        int planned() {
            return sampler.planned();
        }

        /** Where trial {@code n}'s settings lie in the space: as proposed, else found from its settings. */
        double[] position(int n) {
            return positions.computeIfAbsent(n, k -> {
                Map<String, String> params = store.proposal(k);
                return spec.position(params != null ? params : trials.get(k).params());
            });
        }

        @Override
        public boolean adaptive() {
            return sampler.adaptive();
        }

        @Override
        public TrialJob next() {
            synchronized (trials) {
                while (next <= planned() && System.currentTimeMillis() <= startBy) {
                    int n = next++;
                    Map<String, String> params = store.proposal(n);
                    if (params == null) {
                        Sampler.Proposal p = sampler.propose(n, List.copyOf(trials.values()));
                        if (p == null) {
                            return null;
                        }
                        params = p.params();
                        positions.put(n, p.position());
                        store.propose(n, params);
                    }
                    if (!trials.containsKey(n)) {
                        return job(n, params);
                    }
                }
                return null;
            }
        }

        private TrialJob job(int n, Map<String, String> params) {
            return new TrialJob(ctx.run().path().toString(), spec.toJson(), n, params,
                    ctx.roots().repository().toString(), ctx.dataDir().toString(),
                    ctx.data().cifar10() == null ? "" : ctx.data().cifar10().toString(), ctx.common().maxBatches(),
                    ctx.engine().isFast(), startBy);
        }
    }

    private static String publish(ExperimentContext<SweepSettings> ctx, SweepSpec spec, Experiment<?> target,
                                  Map<Integer, Trial> trials, int planned) {
        return SweepReport.publish(ctx.run(), spec, target, trials, planned,
                ctx.common().smokeRunNote("trials cut to a few batches; the scores mean nothing"));
    }

    /** The callback for one fit of a watched trial: each step's loss to the monitor. */
    private static Callback steps(SweepMonitor monitor, int trial) {
        return new Callback() {
            @Override
            public void onBatchEnd(Fit fit, int epoch, int batch, double loss) {
                monitor.step(trial, loss);
            }
        };
    }

    /** The sweep's page in Arbiter's UI, when the sweep-ui module is on the class path. */
    static SweepMonitor monitor() {
        return ServiceLoader.load(SweepMonitor.class).findFirst().orElseThrow(() -> new ConfigException(
                "-Dsweep.ui=true needs Arbiter's UI, which the default build leaves out. Run the sweep from the "
                        + "sweep-ui module: mvn install -DskipTests, then mvn -pl sweep-ui exec:java "
                        + "-Dsweep.ui.exec.skip=false -Dexp=Sweep -Dsweep=FILE -Dsweep.ui=true (see the README's "
                        + "sweeps section)."));
    }

    /** The Spark trial runner for {@code master}, when the sweep-spark module is on the class path. */
    static TrialRunner runner(String master) {
        return ServiceLoader.load(TrialRunner.Provider.class).findFirst().orElseThrow(() -> new ConfigException(
                "-Dsweep.spark needs Apache Spark, which the default build leaves out. Run the sweep from the "
                        + "sweep-spark module: mvn install -DskipTests, then MAVEN_OPTS=\"$(cat sweep-spark/jvm.options)\" "
                        + "mvn -pl sweep-spark exec:java -Dexp=Sweep -Dsweep=FILE -Dsweep.spark=local[2] (see the "
                        + "README's sweeps section).")).forMaster(master);
    }
}
