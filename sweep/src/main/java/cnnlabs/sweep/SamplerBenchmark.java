package cnnlabs.sweep;

import cnnlabs.run.Experiment;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.ExperimentResult;
import cnnlabs.run.RunSetup;
import cnnlabs.run.Runner;
import cnnlabs.run.settings.Common;
import cnnlabs.run.tables.MarkdownTable;
import com.google.auto.service.AutoService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Sampler benchmark: random search against TPE on the same budget.
 *
 * <p><b>Reproduces:</b> no lab section; the comparison the project's issue on TPE asks for ("best score and
 * trials-to-target of random against TPE on the same budget on a standard test function and on MnistSimpleCnn,
 * several seeds, medians"), in the manner of Bergstra et al. 2011 and of Optuna's benchmarks.
 *
 * <p><b>Description:</b> (a) on the standard test functions Branin (2-D, minimum 0.397887; target: 1.0) and
 * Hartmann-6 (6-D, minimum -3.32237; target: -2.5) ({@link BenchmarkFunction}), for
 * {@code -Dbench.seeds} seeds (20) and a budget of {@code -Dbench.trials} trials (50), both samplers propose through
 * the {@link Sampler} interface in this JVM, each trial the function at the proposed (four-digit) values: random search
 * is Arbiter's generator ({@link ArbiterSampler}), TPE is {@link TpeSampler} with Optuna's defaults (10 random startup
 * trials, the same as random search's first 10 for the same seed, then 24 candidates). (b) on MnistSimpleCnn,
 * {@code -Dbench.mnist.seeds} (3) real sweeps per sampler of {@code -Dbench.mnist.trials} trials (12; TPE starts
 * after 4 random ones) over the same space: {@code lr} log-uniform in [1e-4, 0.1], {@code batch.size} in {32, 64, 128},
 * {@code optimizer} in {adam, sgd, nesterov} and {@code momentum} uniform in [0.5, 0.99] where the optimizer is sgd or
 * nesterov; each trial 1 epoch ({@code -Dbench.mnist.epochs}) on the first 6,000 training images
 * ({@code -Dbench.mnist.subset}, the last tenth validating), the objective its {@code val_acc}, target 0.92
 * ({@code -Dbench.mnist.target}; one such epoch gets to about 0.93 at best). Each sweep is a normal {@link Sweep} run, its sweep file written into this run's
 * folder and its own folder under {@code sweeps/Sweep/}. Repetition k uses seed {@code -Dseed} + k for the sweep (both
 * samplers) and the trials' training. Per problem and sampler: the median (and range) over seeds of the best value at
 * the budget, the median trials to target (the first trial whose value reaches it; a seed that never does counts as
 * beyond the budget) and how many seeds never reached it.
 *
 * <p><b>Expected runtime:</b> part (a) takes seconds; part (b) about 4 minutes on a 2-core CPU (72 trials of 2 to 5
 * seconds; 3.7 minutes in all on a 2-core AMD EPYC, 11 minutes when other jobs loaded it). A smoke run
 * ({@code -Dmax.batches=N}) cuts (a) to 3 seeds x 12 trials (TPE from trial 5) and (b) to 1 seed x 2 trials (TPE
 * proposes the second) of N batches: about 10 seconds.
 *
 * <p><b>Where the numbers are:</b> {@code table.md} (the medians), {@code curves.csv} (every seed's value and best so
 * far by trial), {@code best-so-far.png} (the median best so far by trial for both samplers: the gap to the minimum on
 * a log axis for the test functions, {@code val_acc} for MNIST), {@code summary.json}; the measured table, with the
 * CPU it ran on, belongs in {@code results/REPRODUCED.md}.
 */
@AutoService(Experiment.class)
public final class SamplerBenchmark implements Experiment<SamplerBenchmarkSettings> {

    public static final String NAME = "SamplerBenchmark";
    static final String CURVES = "curves.csv";
    static final String PLOT = "best-so-far.png";
    static final String MNIST = "MnistSimpleCnn";
    private static final List<SweepSpec.Search.Kind> SAMPLERS = List.of(SweepSpec.Search.Kind.RANDOM,
            SweepSpec.Search.Kind.TPE);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Random search against TPE on the same budget: Branin, Hartmann-6 and MnistSimpleCnn sweeps, medians "
                + "over seeds";
    }

    @Override
    public SamplerBenchmarkSettings defaults() {
        return SamplerBenchmarkSettings.DEFAULTS;
    }

    /** One run of one sampler on one problem: the value of each trial (NaN: no result) and the best so far. */
    public record Curve(String problem, String sampler, long seed, double[] values, double[] best) {
    }

    /** One problem and sampler over its seeds. */
    public record Row(String problem, String sampler, int seeds, int trials, String direction, double optimum,
                      double target, double medianBest, double minBest, double maxBest, Double medianTrialsToTarget,
                      int neverReached) {
    }

    /** What {@code summary.json} holds. */
    public record Summary(List<Row> rows, String mnistSpace) {
    }

    @Override
    public ExperimentResult run(ExperimentContext<SamplerBenchmarkSettings> ctx) throws Exception {
        SamplerBenchmarkSettings s = ctx.settings();
        Common common = ctx.common();
        boolean smoke = common.isSmokeRun();
        int seeds = smoke ? Math.min(s.seeds(), 3) : s.seeds();
        int trials = smoke ? Math.min(s.trials(), 12) : s.trials();
        int startup = smoke ? Math.min(s.startup(), 4) : s.startup();
        List<Curve> curves = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (BenchmarkFunction f : s.testFunctions()) {
            for (SweepSpec.Search.Kind kind : SAMPLERS) {
                List<Curve> mine = new ArrayList<>();
                for (int k = 0; k < seeds; k++) {
                    long seed = common.seed() + k;
                    SweepSpec spec = f.spec(search(kind, trials, startup), seed);
                    double[] values = values(Sampler.of(spec), f::value, trials);
                    mine.add(new Curve(f.label(), label(kind), seed, values, bestSoFar(values, false)));
                }
                curves.addAll(mine);
                Row row = row(f.label(), label(kind), mine, trials, false, f.minimum(), f.target());
                rows.add(row);
                ctx.console().println(String.format(Locale.ROOT, "%s, %s: median best %.4f after %d trials, "
                        + "%d of %d seeds reached %.4f", f.label(), label(kind), row.medianBest(), trials,
                        seeds - row.neverReached(), seeds, f.target()));
            }
        }
        int mnistSeeds = smoke ? Math.min(s.mnistSeeds(), 1) : s.mnistSeeds();
        int mnistTrials = smoke ? Math.min(s.mnistTrials(), 2) : s.mnistTrials();
        int mnistStartup = smoke ? 1 : s.mnistStartup();
        for (SweepSpec.Search.Kind kind : mnistSeeds == 0 ? List.<SweepSpec.Search.Kind>of() : SAMPLERS) {
            List<Curve> mine = new ArrayList<>();
            for (int k = 0; k < mnistSeeds; k++) {
                long seed = common.seed() + k;
                double[] values = mnistSweep(ctx, kind, seed, mnistTrials, mnistStartup);
                mine.add(new Curve(MNIST, label(kind), seed, values, bestSoFar(values, true)));
            }
            curves.addAll(mine);
            rows.add(row(MNIST, label(kind), mine, mnistTrials, true, 1.0, s.mnistTarget()));
        }

        ctx.run().writeText(CURVES, csv(curves));
        ctx.run().picture(PLOT, SamplerBenchmarkPlot.plot(rows, curves));
        String table = table(rows, seeds, trials, startup, mnistSeeds, mnistTrials, mnistStartup, s)
                + common.smokeRunNote("few seeds and trials, MNIST trials cut to a few batches; the numbers mean "
                + "nothing");
        return new ExperimentResult(new Summary(rows, MNIST_SPACE), table);
    }

    /** The search of {@code kind} with the budget and TPE's startup trials; the rest as the defaults. */
    static SweepSpec.Search search(SweepSpec.Search.Kind kind, int trials, int startup) {
        return new SweepSpec.Search(kind, trials, null, null, null, null, null, null, null, startup, null);
    }

    private static String label(SweepSpec.Search.Kind kind) {
        return kind == SweepSpec.Search.Kind.TPE ? "TPE" : "random";
    }

    /**
     * Runs {@code sampler} for {@code trials} trials in this JVM, each scored by {@code f} at the proposed settings and
     * given back to the sampler as a completed trial; the value of each trial in order.
     */
    static double[] values(Sampler sampler, ToDoubleFunction<Map<String, String>> f, int trials) {
        List<Trial> ended = new ArrayList<>();
        double[] out = new double[trials];
        Arrays.fill(out, Double.NaN);
        for (int n = 1; n <= trials; n++) {
            Sampler.Proposal p = sampler.propose(n, List.copyOf(ended));
            if (p == null) {
                break;
            }
            out[n - 1] = f.applyAsDouble(p.params());
            ended.add(new Trial(n, p.params(), Trial.Status.COMPLETED, out[n - 1], 1, 0, "", "", Map.of()));
        }
        return out;
    }

    /** The best value so far after each trial (NaN until one has a value). */
    static double[] bestSoFar(double[] values, boolean max) {
        double[] out = new double[values.length];
        double best = Double.NaN;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (!Double.isNaN(v) && (Double.isNaN(best) || (max ? v > best : v < best))) {
                best = v;
            }
            out[i] = best;
        }
        return out;
    }

    /** The first trial (1-based) whose best so far reaches {@code target}; infinity when none does. */
    static double trialsToTarget(double[] best, boolean max, double target) {
        for (int i = 0; i < best.length; i++) {
            if (!Double.isNaN(best[i]) && (max ? best[i] >= target : best[i] <= target)) {
                return i + 1;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    /** The median, NaN counting as the worst value (for {@code max}, the lowest); NaN when that is the median. */
    static double median(double[] values, boolean max) {
        double[] v = values.clone();
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                v[i] = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
        }
        Arrays.sort(v);
        int m = v.length / 2;
        double out = v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
        return Double.isInfinite(out) ? Double.NaN : out; // most seeds without a value: no median value
    }

    private static Row row(String problem, String sampler, List<Curve> curves, int trials, boolean max, double optimum,
                           double target) {
        double[] best = curves.stream().mapToDouble(c -> c.best()[c.best().length - 1]).toArray();
        double[] toTarget = curves.stream().mapToDouble(c -> trialsToTarget(c.best(), max, target)).toArray();
        Arrays.sort(toTarget);
        int m = toTarget.length / 2;
        double medianToTarget = toTarget.length % 2 == 1 ? toTarget[m] : (toTarget[m - 1] + toTarget[m]) / 2;
        double[] finite = Arrays.stream(best).filter(Double::isFinite).toArray();
        return new Row(problem, sampler, curves.size(), trials, max ? "max" : "min", optimum, target, median(best, max),
                Arrays.stream(finite).min().orElse(Double.NaN), Arrays.stream(finite).max().orElse(Double.NaN),
                Double.isInfinite(medianToTarget) ? null : medianToTarget,
                (int) Arrays.stream(toTarget).filter(Double::isInfinite).count());
    }

    /** The searched space of the MnistSimpleCnn sweeps, as their sweep files write it. */
    static final String MNIST_SPACE = """
            space:
              lr: {log_uniform: [0.0001, 0.1]}
              batch.size: {choice: [32, 64, 128]}
              optimizer: {choice: [adam, sgd, nesterov]}
              momentum: {uniform: [0.5, 0.99], when: {optimizer: [sgd, nesterov]}}
            """;

    /** One real MnistSimpleCnn sweep; the val_acc of each trial in order (NaN where it failed or diverged). */
    private static double[] mnistSweep(ExperimentContext<SamplerBenchmarkSettings> ctx, SweepSpec.Search.Kind kind,
                                       long seed, int trials, int startup) throws Exception {
        SamplerBenchmarkSettings s = ctx.settings();
        String yaml = String.format(Locale.ROOT, """
                # %s's %s sweep, seed %d: written by the benchmark, run as any sweep file.
                experiment: %s
                seed: %d
                search: {kind: %s, trials: %d, startup_trials: %d}
                objective: {metric: val_acc}
                fixed: {epochs: %d, subset: %d, seed: %d}
                """, NAME, label(kind), seed, MNIST, seed, kind.label(), trials, startup, s.mnistEpochs(),
                s.mnistSubset(), seed) + MNIST_SPACE;
        Path file = ctx.run().writeText("sweep-" + kind.label() + "-seed" + seed + ".yaml", yaml);
        ctx.console().println(String.format(Locale.ROOT, "%s: %s sweep, seed %d, %d trials (%s)", MNIST, label(kind),
                seed, trials, file.getFileName()));
        RunSetup setup = new RunSetup(ctx.roots().withResults(ctx.run().path().resolve("sweeps")),
                ctx.engine().isFast(), ctx.console(), NAME + ": the " + label(kind) + " sweep of seed " + seed, null,
                List.of());
        Runner.Finished finished = Runner.run(new Sweep(), new SweepSettings(new Common(seed,
                ctx.common().maxBatches()), file.toString(), 1, "", false), setup);
        Map<Integer, Trial> ended = new TrialStore(finished.run().path()).finished();
        double[] out = new double[trials];
        Arrays.fill(out, Double.NaN);
        ended.forEach((n, t) -> {
            if (n >= 1 && n <= trials && t.status() == Trial.Status.COMPLETED) {
                out[n - 1] = t.score();
            }
        });
        return out;
    }

    static String csv(List<Curve> curves) {
        StringBuilder out = new StringBuilder("problem,sampler,seed,trial,value,best_so_far\n");
        for (Curve c : curves) {
            for (int i = 0; i < c.values().length; i++) {
                out.append(c.problem()).append(',').append(c.sampler()).append(',').append(c.seed()).append(',')
                        .append(i + 1).append(',').append(number(c.values()[i])).append(',')
                        .append(number(c.best()[i])).append('\n');
            }
        }
        return out.toString();
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String table(List<Row> rows, int seeds, int trials, int startup, int mnistSeeds, int mnistTrials,
                                int mnistStartup, SamplerBenchmarkSettings s) {
        StringBuilder out = new StringBuilder("# Random search against TPE on the same budget\n\n");
        MarkdownTable functions = header();
        MarkdownTable mnist = header();
        for (Row r : rows) {
            boolean isMnist = r.problem().equals(MNIST);
            String problem = isMnist ? "MnistSimpleCnn val_acc (target >= " + plain(r.target()) + ")"
                    : r.problem() + " (min " + plain(r.optimum()) + ", target <= " + plain(r.target()) + ")";
            (isMnist ? mnist : functions).row(problem, r.sampler(), fmt(r.medianBest()),
                    fmt(r.minBest()) + " to " + fmt(r.maxBest()),
                    r.medianTrialsToTarget() == null ? "> " + r.trials() : plain(r.medianTrialsToTarget()),
                    r.neverReached() + " of " + r.seeds());
        }
        if (!s.testFunctions().isEmpty()) {
            out.append(String.format(Locale.ROOT, "## Test functions%n%nMinimised in this JVM: %s per sampler, "
                    + "%s each. TPE: %s at random (random search's own for the seed), then 24 candidates "
                    + "per proposal. Median trials to target counts a seed that never reached it as beyond the budget."
                    + "%n%n", count(seeds, "seed"), count(trials, "trial"), count(startup, "startup trial")))
                    .append(functions).append('\n');
        }
        if (mnistSeeds > 0) {
            out.append(String.format(Locale.ROOT, "## MnistSimpleCnn%n%nReal sweeps (`sweeps/Sweep/`, their files "
                    + "`sweep-*.yaml`): %s per sampler, %s each, every trial %s on the first %,d training images "
                    + "(the last tenth validating); TPE after %s at random. Best: the highest val_acc; a failed or "
                    + "diverged trial has none.%n%n", count(mnistSeeds, "seed"), count(mnistTrials, "trial"),
                    count(s.mnistEpochs(), "epoch"), s.mnistSubset(), count(mnistStartup, "trial")))
                    .append("```yaml\n").append(MNIST_SPACE).append("```\n\n").append(mnist).append('\n');
        }
        out.append("Every seed's curve: `" + CURVES + "`; the median best so far by trial: `" + PLOT + "`.\n");
        return out.toString();
    }

    private static MarkdownTable header() {
        return new MarkdownTable("Problem", "Sampler", "Median best", "Best (min to max)", "Median trials to target",
                "Seeds never at target");
    }

    /** A value found: four decimals. */
    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    /** A given number (a minimum, a target, a count of trials): five significant digits at most, no trailing zeros. */
    private static String plain(double v) {
        return Double.isNaN(v) ? "-" : new java.math.BigDecimal(v).round(new java.math.MathContext(5))
                .stripTrailingZeros().toPlainString();
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
