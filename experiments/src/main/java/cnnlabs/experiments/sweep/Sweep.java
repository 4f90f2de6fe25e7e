package cnnlabs.experiments.sweep;

import cnnlabs.experiments.ConfigException;
import cnnlabs.experiments.Engine;
import cnnlabs.experiments.Experiment;
import cnnlabs.experiments.ExperimentContext;
import cnnlabs.experiments.ExperimentResult;
import cnnlabs.experiments.Experiments;
import cnnlabs.experiments.SmokeCheck;
import cnnlabs.experiments.common.Csv;
import cnnlabs.experiments.common.MarkdownTable;
import cnnlabs.experiments.results.ExperimentRun;
import cnnlabs.experiments.results.RunDirectory;
import cnnlabs.experiments.settings.Common;
import cnnlabs.experiments.settings.ExperimentSettings;
import cnnlabs.experiments.settings.Setting;
import cnnlabs.experiments.settings.SettingsParser;
import cnnlabs.experiments.training.Callback;
import cnnlabs.experiments.training.Console;
import cnnlabs.experiments.training.Diverged;
import cnnlabs.experiments.training.EpochMetrics;
import cnnlabs.experiments.training.Fit;
import cnnlabs.experiments.training.Trainer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxCandidatesCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxTimeCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.TerminationCondition;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hyperparameter sweep: any experiment, over any of its settings, searched by Arbiter.
 *
 * <p><b>What it does:</b> reads a sweep file ({@code -Dsweep=FILE}, JSON or YAML: the experiment, the search, the
 * objective, fixed settings and the space; see {@link SweepSpec}), draws the candidates with Arbiter's random or grid
 * generator from the seed, and runs each as a trial: the named experiment with those settings, into its own run folder
 * under {@code trials/<n>/}, through the same loop, runtime and results path as any run. Halving prunes the worst
 * trials at rungs of epochs ({@link Pruner}). A trial that fails, runs out of memory or diverges is recorded with its
 * reason and the sweep goes on. Writes {@code sweep.json} (the file as run), {@code trials.csv}, a ranked
 * {@code table.md}, {@code best.json} (run it with {@code -Dconfig=best.json -Dexp=<experiment>}), the score against
 * each parameter and the best-so-far curve. {@code -Dsweep.parallel=N} runs N trials at once, each with cores / N
 * threads; {@code -Dresume} continues a sweep, skipping finished trials.
 *
 * <p><b>Expected runtime:</b> the trials' own times added up (divided by the parallelism at best); the example
 * {@code sweeps/mnist-quick.yaml} takes a few minutes on a 2-core CPU.
 */
public final class Sweep implements Experiment<Sweep.Settings> {

    public static final String NAME = "Sweep";
    public static final String TRIALS_CSV = "trials.csv";
    public static final String BEST = "best.json";
    public static final String SCORES_PLOT = "scores.png";
    public static final String BEST_SO_FAR_PLOT = "best-so-far.png";
    static final String TRIAL_JSON = "trial.json";
    /** The default sweep: a few minutes on a 2-core CPU. */
    static final String QUICK = "sweeps/mnist-quick.yaml";
    private static volatile String uiAddress;

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * The sweep's settings.
     *
     * @param sweep    the sweep file
     * @param parallel trials at once on this machine
     * @param spark    a Spark master to run the trials on; empty = this machine
     */
    public record Settings(
            Common common,
            @Setting(key = "sweep", help = "the sweep file (JSON or YAML): experiment, search, objective, fixed, space; "
                    + "relative paths also from the repository root", example = "sweeps/mnist-halving.yaml") String sweep,
            @Setting(key = "sweep.parallel", help = "trials at once on this machine, each with cores / N threads",
                    example = "2") int parallel,
            @Setting(key = "sweep.spark", help = "run the trials as Apache Spark tasks on this master (local[2], "
                    + "spark://host:7077); empty: on this machine", example = "local[2]") String spark,
            @Setting(key = "sweep.ui", help = "serve the running sweep in Arbiter's results page on localhost (run "
                    + "from the sweep-ui module)", example = "true") boolean ui)
            implements ExperimentSettings {

        public Settings {
            SettingsParser.require(parallel >= 1 && parallel <= 64, "sweep.parallel", parallel,
                    "a whole number from 1 to 64", "2");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Hyperparameter sweep of any experiment (-Dsweep=FILE): random, grid or halving search with Arbiter";
    }

    @Override
    public Settings defaults() {
        return new Settings(Common.DEFAULTS, QUICK, 1, "", false);
    }

    @Override
    public void check(Settings settings) {
        if (settings.sweep().isBlank()) {
            throw new ConfigException("-Dexp=Sweep needs a sweep file: -Dsweep=FILE (JSON or YAML), e.g. "
                    + "-Dsweep=sweeps/mnist-quick.yaml.");
        }
        SweepSpec spec = SweepSpec.read(file(settings.sweep()));
        Experiment<?> target = target(spec);
        checkSettings(target, spec);
        if (!settings.spark().isBlank()) {
            if (spec.search().kind() == SweepSpec.Search.Kind.HALVING) {
                throw new ConfigException("Halving compares trials at each rung while they run, which Spark tasks "
                        + "cannot share: run a halving sweep without -Dsweep.spark (-Dsweep.parallel=N for several at "
                        + "once), or use random or grid search on Spark.");
            }
            runner();
        }
        if (settings.ui()) {
            monitor();
        }
    }

    /** {@code -Dsweep}: a path as given, or, when it is relative and not found here, in the repository root. */
    static Path file(String sweep) {
        Path given = Path.of(sweep);
        String root = System.getProperty("cnnlabs.root", "");
        if (!given.isAbsolute() && !Files.exists(given) && !root.isBlank() && Files.exists(Path.of(root, sweep))) {
            return Path.of(root, sweep);
        }
        return given;
    }

    private static Experiment<?> target(SweepSpec spec) {
        if (spec.experiment().equalsIgnoreCase(NAME)) {
            throw new ConfigException("A sweep cannot sweep sweeps: name an experiment in the sweep file's experiment.");
        }
        return Experiments.get(spec.experiment());
    }

    /** Every fixed and searched key must be the experiment's setting, with values it accepts. */
    private static <S extends Record & ExperimentSettings> void checkSettings(Experiment<S> target, SweepSpec spec) {
        List<String> keys = SettingsParser.keys(target.defaults());
        for (String key : Stream.concat(spec.fixed().keySet().stream(), spec.space().keySet().stream()).toList()) {
            if (!keys.contains(key)) {
                throw new ConfigException("The sweep file names '" + key + "', which is not a setting of "
                        + target.name() + ". Its settings: " + String.join(", ", keys) + ".");
            }
        }
        SettingsParser.with(target.defaults(), spec.fixed());
        SweepSpace space = new SweepSpace(spec.space());
        for (Map<String, String> corner : List.of(space.getValue(corner(space, 0)), space.getValue(corner(space, 1)))) {
            Map<String, String> values = new LinkedHashMap<>(spec.fixed());
            values.putAll(corner);
            SettingsParser.with(target.defaults(), values); // a range the experiment refuses stops the sweep here
        }
    }

    /** The space's lowest (0) or highest (1) corner, as a flat vector Arbiter's leaves read. */
    private static double[] corner(SweepSpace space, double value) {
        double[] v = new double[space.numParameters()];
        java.util.Arrays.fill(v, value == 1 ? 1 - 1e-12 : 0);
        initialise(space);
        return v;
    }

    /** Gives Arbiter's leaves their positions in the flat vector, as its generators do. */
    private static void initialise(SweepSpace space) {
        int i = 0;
        for (var leaf : space.collectLeaves()) {
            leaf.setIndices(i++);
        }
    }

    @Override
    public SmokeCheck smokeCheck(Settings settings) {
        return SmokeCheck.table("| Rank | Trial |", "| Score |").file(TRIALS_CSV, -1).file(BEST, -1)
                .file("sweep.json", -1);
    }

    /** What {@code summary.json} holds. */
    public record Summary(String experiment, String search, String objective, String direction, int trials,
                          int completed, int pruned, int failed, int diverged, Integer bestTrial, double bestScore,
                          Map<String, String> bestParams) {
    }

    /** The candidates a sweep file asks for, in order: the same file and seed give the same list. */
    static List<Map<String, String>> candidates(SweepSpec spec) {
        return generated(spec).stream().map(c -> cast(c.getValue())).toList();
    }

    /** Where each candidate lies in Arbiter's space (coordinates in [0, 1]), in {@link #candidates}' order. */
    static List<double[]> positions(SweepSpec spec) {
        return generated(spec).stream().map(Candidate::getFlatParameters).toList();
    }

    private static List<Candidate> generated(SweepSpec spec) {
        CandidateGenerator generator = generator(spec, space -> space);
        List<Candidate> out = new ArrayList<>();
        while (generator.hasMoreCandidates() && out.size() < spec.search().trials()) {
            out.add(generator.getCandidate());
        }
        return out;
    }

    /** Arbiter's generator for the sweep's search over its space ({@code wrap} of it), seeded. */
    private static CandidateGenerator generator(SweepSpec spec, UnaryOperator<ParameterSpace<Map<String, String>>> wrap) {
        ParameterSpace<Map<String, String>> space = wrap.apply(new SweepSpace(spec.space()));
        CandidateGenerator generator = spec.search().kind() == SweepSpec.Search.Kind.GRID
                ? new GridSearchCandidateGenerator(space, spec.search().gridPoints(),
                        GridSearchCandidateGenerator.Mode.Sequential, null)
                : new RandomSearchGenerator(space, null);
        generator.setRngSeed(spec.seed());
        return generator;
    }

    /**
     * The sweep in Arbiter's terms: the generator over the sweep's space, the objective, and the budget (trials, and
     * minutes where given).
     */
    static OptimizationConfiguration arbiterConfiguration(SweepSpec spec) {
        return arbiterConfiguration(spec, space -> space, builder -> { });
    }

    /**
     * {@link #arbiterConfiguration(SweepSpec)} with the sweep's space given to the generator as {@code wrap} of it, and
     * {@code extra} adding to Arbiter's builder (what a UI needs to show it).
     */
    public static OptimizationConfiguration arbiterConfiguration(SweepSpec spec,
            UnaryOperator<ParameterSpace<Map<String, String>>> wrap, Consumer<OptimizationConfiguration.Builder> extra) {
        List<TerminationCondition> budget = new ArrayList<>(List.of(new MaxCandidatesCondition(spec.search().trials())));
        if (spec.search().minutes() > 0) {
            budget.add(new MaxTimeCondition((long) Math.ceil(spec.search().minutes() * 60), TimeUnit.SECONDS));
        }
        OptimizationConfiguration.Builder builder = new OptimizationConfiguration.Builder()
                .candidateGenerator(generator(spec, wrap)).scoreFunction(new SweepObjective(spec.objective()))
                .terminationConditions(budget).rngSeed(spec.seed());
        extra.accept(builder);
        return builder.build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> cast(Object value) {
        return (Map<String, String>) value;
    }

    @Override
    public ExperimentResult run(ExperimentContext<Settings> ctx) throws Exception {
        SweepSpec spec = SweepSpec.read(file(ctx.settings().sweep()));
        Experiment<?> target = target(spec);
        ctx.run().writeJson("sweep.json", spec);
        List<Map<String, String>> candidates = candidates(spec);
        List<double[]> positions = positions(spec);
        Pruner pruner = spec.search().kind() == SweepSpec.Search.Kind.HALVING
                ? new Pruner(spec.search().rungs(), spec.search().keep(), spec.objective()) : null;
        Map<Integer, Trial> trials = new TreeMap<>();
        if (ctx.run().resumed()) {
            trials.putAll(finished(ctx.run().path()));
            if (pruner != null) {
                trials.values().forEach(t -> pruner.restore(t.rungs()));
            }
            ctx.console().println("Resuming the sweep: " + trials.size() + " of " + candidates.size()
                    + " trials finished before");
        }
        long deadline = spec.search().minutes() > 0 ? System.nanoTime() + (long) (spec.search().minutes() * 60e9)
                : Long.MAX_VALUE;
        List<TrialJob> jobs = new ArrayList<>();
        for (int i = 1; i <= candidates.size(); i++) {
            if (!trials.containsKey(i)) {
                jobs.add(new TrialJob(ctx.run().path().toString(), spec.toJson(), i, candidates.get(i - 1),
                        ctx.dataDir().toString(), ctx.common().maxBatches(), ctx.engine().isFast()));
            }
        }
        SweepMonitor monitor = ctx.settings().ui() ? monitor() : null;
        if (monitor != null) {
            uiAddress = monitor.start(ctx.run().path().getFileName().toString(), spec, candidates.size());
            ctx.console().println("Arbiter's UI: " + uiAddress);
            trials.values().forEach(t -> monitor.ended(t, positions.get(t.trial() - 1)));
        }
        try {
            String spark = ctx.settings().spark();
            if (!spark.isBlank()) {
                ctx.console().println("Running " + jobs.size() + " trials on Spark (" + spark + ")");
                for (Trial t : runner().run(spark, jobs)) {
                    trials.put(t.trial(), t);
                    if (monitor != null) {
                        monitor.ended(t, positions.get(t.trial() - 1));
                    }
                }
            } else {
                local(ctx, spec, target, jobs, pruner, trials, candidates.size(), deadline, monitor, positions);
            }
        } finally {
            if (monitor != null) {
                monitor.close();
            }
        }
        return new ExperimentResult(summary(spec, trials), publish(ctx, spec, target, trials, candidates.size()));
    }

    /** Runs the jobs in this JVM, {@code sweep.parallel} at a time, publishing after each trial. */
    private static void local(ExperimentContext<Settings> ctx, SweepSpec spec, Experiment<?> target, List<TrialJob> jobs,
                              Pruner pruner, Map<Integer, Trial> trials, int planned, long deadline,
                              SweepMonitor monitor, List<double[]> positions) throws Exception {
        int parallel = ctx.settings().parallel();
        if (parallel > 1) {
            int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / parallel);
            Nd4j.getEnvironment().setMaxThreads(threads);
            ctx.console().println(String.format(Locale.ROOT, "%d trials at once, %d thread(s) each", parallel, threads));
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "sweep-trial");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Trial>> running = new ArrayList<>();
            for (TrialJob job : jobs) {
                running.add(pool.submit(() -> System.nanoTime() > deadline ? null
                        : runJob(job, pruner, monitor, positions.get(job.n() - 1))));
            }
            for (Future<Trial> f : running) {
                Trial t = f.get();
                if (t == null) {
                    continue; // over the time budget: not started
                }
                trials.put(t.trial(), t);
                if (monitor != null) {
                    monitor.ended(t, positions.get(t.trial() - 1));
                }
                publish(ctx, spec, target, trials, planned);
                ctx.console().println(String.format(Locale.ROOT, "trial %d/%d %s: %s %s %s", t.trial(), planned,
                        t.params(), t.status().label(), spec.objective().metric(),
                        Double.isNaN(t.score()) ? "-" : String.format(Locale.ROOT, "%.4f", t.score())));
            }
        } finally {
            pool.shutdownNow();
            if (parallel > 1) {
                Nd4j.getEnvironment().setMaxThreads(Runtime.getRuntime().availableProcessors());
            }
        }
    }

    /** The address of the last sweep's page in Arbiter's UI in this JVM, if one was served ({@code -Dsweep.ui}). */
    public static Optional<String> uiAddress() {
        return Optional.ofNullable(uiAddress);
    }

    /** The sweep's page in Arbiter's UI, when the sweep-ui module is on the class path. */
    static SweepMonitor monitor() {
        return java.util.ServiceLoader.load(SweepMonitor.class).findFirst().orElseThrow(() -> new ConfigException(
                "-Dsweep.ui=true needs Arbiter's UI, which the default build leaves out. Run the sweep from the "
                        + "sweep-ui module: mvn install -DskipTests, then mvn -pl sweep-ui exec:java "
                        + "-Dsweep.ui.exec.skip=false -Dexp=Sweep -Dsweep=FILE -Dsweep.ui=true (see the README's "
                        + "sweeps section)."));
    }

    /** The Spark trial runner, when the sweep-spark module is on the class path. */
    static TrialRunner runner() {
        return java.util.ServiceLoader.load(TrialRunner.class).findFirst().orElseThrow(() -> new ConfigException(
                "-Dsweep.spark needs Apache Spark, which the default build leaves out. Run the sweep from the "
                        + "sweep-spark module: mvn install -DskipTests, then MAVEN_OPTS=\"$(cat sweep-spark/jvm.options)\" "
                        + "mvn -pl sweep-spark exec:java -Dexp=Sweep -Dsweep=FILE -Dsweep.spark=local[2] (see the "
                        + "README's sweeps section)."));
    }

    /** Runs one trial into {@code trials/<n>/}; a failure or divergence is recorded, not thrown. */
    public static Trial runJob(TrialJob job) {
        return runJob(job, null, null, null);
    }

    static Trial runJob(TrialJob job, Pruner pruner, SweepMonitor monitor, double[] position) {
        SweepSpec spec = SweepSpec.fromJson(job.spec());
        if (monitor != null) {
            monitor.started(job.n(), position);
        }
        return trial(Experiments.get(spec.experiment()), spec, job, pruner, monitor);
    }

    private static <S extends Record & ExperimentSettings> Trial trial(Experiment<S> target, SweepSpec spec,
                                                                      TrialJob job, Pruner pruner,
                                                                      SweepMonitor monitor) {
        Path sweepFolder = Path.of(job.sweepFolder());
        Path root = sweepFolder.resolve("trials").resolve(String.valueOf(job.n()));
        long start = System.nanoTime();
        Pruner.Outcome outcome = new Pruner.Outcome();
        Experiments.Finished finished = null;
        Trial.Status status;
        String reason = "";
        double score = Double.NaN;
        try (AutoCloseable hook = pruner == null ? () -> { } : Trainer.onThisThread(() -> pruner.callback(outcome));
             AutoCloseable watch = monitor == null ? () -> { } : Trainer.onThisThread(() -> steps(monitor, job.n()))) {
            Map<String, String> values = new LinkedHashMap<>(spec.fixed());
            values.putAll(job.params());
            if (job.maxBatches() > 0) {
                values.put("max.batches", String.valueOf(job.maxBatches()));
            }
            S settings = SettingsParser.with(target.defaults(), values);
            Console quiet = new Console(new PrintStream(new ByteArrayOutputStream()), Console.Mode.OFF);
            Engine engine = job.fast() ? Engine.fast() : Engine.plain();
            finished = Experiments.run(target, settings, engine, root, Path.of(job.dataDir()), quiet,
                    "trial " + job.n() + " of a sweep: " + values, unfinishedRun(root, target.name()).orElse(null));
            score = score(spec.objective().metric(), finished);
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
        String folder = finished == null ? sweepFolder.relativize(root).toString()
                : sweepFolder.relativize(finished.run().path()).toString();
        Trial t = new Trial(job.n(), job.params(), status, score, epochs, (System.nanoTime() - start) / 1e9, reason,
                folder, outcome.rungs);
        writeTrial(root, t);
        return t;
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

    /** A trial's run folder that was interrupted (a resumed sweep continues it). */
    private static Optional<Path> unfinishedRun(Path root, String experiment) {
        Path dir = root.resolve(experiment);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> runs = Files.list(dir)) {
            return runs.filter(Files::isDirectory).max(Comparator.naturalOrder())
                    .filter(p -> "running".equals(cnnlabs.experiments.results.RunHistory.status(p)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void writeTrial(Path root, Trial t) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + root, e);
        }
        RunDirectory.writeAtomically(root.resolve(TRIAL_JSON),
                tmp -> JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), t));
    }

    /** The trials a sweep folder finished before it was interrupted, from their {@code trial.json}. */
    static Map<Integer, Trial> finished(Path sweepFolder) throws IOException {
        Map<Integer, Trial> out = new TreeMap<>();
        Path dir = sweepFolder.resolve("trials");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> trials = Files.list(dir)) {
            for (Path t : trials.filter(p -> Files.isRegularFile(p.resolve(TRIAL_JSON))).toList()) {
                Trial trial = JSON.readValue(t.resolve(TRIAL_JSON).toFile(), Trial.class);
                out.put(trial.trial(), trial);
            }
        }
        return out;
    }

    /** The objective of a finished trial: a number in its summary, else an epoch metric of its last epoch. */
    static double score(String metric, Experiments.Finished finished) {
        JsonNode summary = JSON.valueToTree(finished.result().summary());
        if (summary.path(metric).isNumber()) {
            return summary.path(metric).asDouble();
        }
        List<EpochMetrics> epochs = finished.run().metrics();
        return epochs.isEmpty() ? Double.NaN : epochMetric(metric, epochs.get(epochs.size() - 1));
    }

    /** {@code val_acc}, {@code val_loss}, {@code acc} or {@code loss} of an epoch (NaN for any other name). */
    static double epochMetric(String metric, EpochMetrics m) {
        return switch (metric) {
            case "val_acc", "val_accuracy" -> m.valAcc();
            case "val_loss" -> m.valLoss();
            case "acc", "accuracy", "train_acc" -> m.trainAcc();
            case "loss", "train_loss" -> m.trainLoss();
            default -> Double.NaN;
        };
    }

    /** Trials in rank order: completed by score, then pruned by score, then failed and diverged by number. */
    static List<Trial> ranked(SweepSpec.Objective objective, Iterable<Trial> trials) {
        List<Trial> out = new ArrayList<>();
        trials.forEach(out::add);
        Comparator<Trial> byScore = (a, b) -> {
            if (Double.isNaN(a.score()) || Double.isNaN(b.score())) {
                return Boolean.compare(Double.isNaN(a.score()), Double.isNaN(b.score()));
            }
            int c = Double.compare(a.score(), b.score());
            return objective.direction() == SweepSpec.Objective.Direction.MAX ? -c : c;
        };
        out.sort(Comparator.comparingInt((Trial t) -> t.status().rank()).thenComparing(byScore)
                .thenComparingInt(Trial::trial));
        return out;
    }

    /** Writes trials.csv, best.json and the plots, and returns the table (also emitted as the run's table). */
    private static <S extends Record & ExperimentSettings> String publish(ExperimentContext<Settings> ctx,
                                                                         SweepSpec spec, Experiment<S> target,
                                                                         Map<Integer, Trial> trials, int planned) {
        ExperimentRun run = ctx.run();
        List<String> keys = List.copyOf(spec.space().keySet());
        StringBuilder csv = new StringBuilder("trial,status,score,epochs,seconds");
        keys.forEach(k -> csv.append(',').append(k));
        csv.append(",reason,folder\n");
        for (Trial t : trials.values()) {
            csv.append(t.trial()).append(',').append(t.status().label()).append(',')
                    .append(Double.isNaN(t.score()) ? "" : String.format(Locale.ROOT, "%.6g", t.score())).append(',')
                    .append(t.epochs()).append(',').append(String.format(Locale.ROOT, "%.1f", t.seconds()));
            keys.forEach(k -> csv.append(',').append(t.params().get(k)));
            csv.append(',').append(Csv.field(t.reason())).append(',').append(Csv.field(t.folder())).append('\n');
        }
        run.writeText(TRIALS_CSV, csv.toString());

        List<Trial> ranked = ranked(spec.objective(), trials.values());
        List<String> header = new ArrayList<>(List.of("Rank", "Trial"));
        header.addAll(keys);
        header.addAll(List.of("Score", "Epochs", "Seconds", "Status"));
        MarkdownTable table = new MarkdownTable(header.toArray(String[]::new));
        for (int r = 0; r < ranked.size(); r++) {
            Trial t = ranked.get(r);
            List<Object> row = new ArrayList<>(List.of(r + 1, t.trial()));
            keys.forEach(k -> row.add(t.params().get(k)));
            row.add(Double.isNaN(t.score()) ? "-" : MarkdownTable.f4(t.score()));
            row.add(t.epochs());
            row.add(String.format(Locale.ROOT, "%.0f", t.seconds()));
            row.add(t.status().label() + (t.reason().isEmpty() || t.status() == Trial.Status.COMPLETED ? ""
                    : " (" + shortReason(t.reason()) + ")"));
            table.row(row.toArray());
        }
        Optional<Trial> best = ranked.stream().filter(t -> t.status() == Trial.Status.COMPLETED).findFirst();
        best.ifPresent(b -> run.writeJson(BEST, bestConfig(target, spec, b)));
        if (!trials.isEmpty()) {
            run.picture(SCORES_PLOT, SweepPlots.scores(spec, trials.values()));
            run.picture(BEST_SO_FAR_PLOT, SweepPlots.bestSoFar(spec, trials.values()));
        }
        String text = "# Sweep of " + target.name() + "\n\n"
                + String.format(Locale.ROOT, "%s search, %d of %d trials, seed %d; objective: %s %s (%s). Each trial "
                                + "is a run of %s in `trials/<n>/`.%n%n", spec.search().kind().label(), trials.size(),
                        planned, spec.seed(), spec.objective().direction() == SweepSpec.Objective.Direction.MAX
                                ? "maximise" : "minimise", spec.objective().metric(),
                        spec.objective().direction().label(), target.name())
                + (spec.fixed().isEmpty() ? "" : "Fixed: " + spec.fixed() + ".\n\n")
                + table + "\n"
                + best.map(b -> "Best: trial " + b.trial() + ", " + b.params() + ". Run it again with `mvn exec:java "
                + "-Dexp=" + target.name() + " -Dconfig=<this folder>/" + BEST + "`.\n").orElse("No trial completed.\n")
                + ctx.common().smokeRunNote("trials cut to a few batches; the scores mean nothing");
        run.table(text);
        return text;
    }

    /** best.json: the experiment and every setting the best trial ran with, as {@code config.json} has them. */
    private static <S extends Record & ExperimentSettings> Map<String, Object> bestConfig(Experiment<S> target,
                                                                                         SweepSpec spec, Trial best) {
        Map<String, String> values = new LinkedHashMap<>(spec.fixed());
        values.putAll(best.params());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment", target.name());
        out.putAll(SettingsParser.values(SettingsParser.with(target.defaults(), values)));
        return out;
    }

    private static Summary summary(SweepSpec spec, Map<Integer, Trial> trials) {
        List<Trial> ranked = ranked(spec.objective(), trials.values());
        Optional<Trial> best = ranked.stream().filter(t -> t.status() == Trial.Status.COMPLETED).findFirst();
        return new Summary(spec.experiment(), spec.search().kind().label(), spec.objective().metric(),
                spec.objective().direction().label(), trials.size(), count(trials, Trial.Status.COMPLETED),
                count(trials, Trial.Status.PRUNED), count(trials, Trial.Status.FAILED),
                count(trials, Trial.Status.DIVERGED), best.map(Trial::trial).orElse(null),
                best.map(Trial::score).orElse(Double.NaN), best.map(Trial::params).orElse(Map.of()));
    }

    private static int count(Map<Integer, Trial> trials, Trial.Status status) {
        return (int) trials.values().stream().filter(t -> t.status() == status).count();
    }

    private static String shortReason(String reason) {
        String first = reason.split("(?<=\\.) ")[0];
        return first.length() > 90 ? first.substring(0, 87) + "..." : first;
    }

}
