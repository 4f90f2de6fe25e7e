package cnnlabs.sweep;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * TPE, the Tree-structured Parzen Estimator (Bergstra et al. 2011, "Algorithms for Hyper-Parameter Optimization"), as
 * Optuna's {@code TPESampler} does it by default in its 4.x releases: independent (univariate) TPE, 10 startup trials,
 * 24 candidates, {@code gamma(n) = min(ceil(0.1 n), 25)}, its Parzen estimators ({@link ParzenEstimator}).
 *
 * <p>Proposal {@code n}: while fewer than {@code startup_trials} trials have ended with a result (so at least for the
 * first {@code startup_trials} proposals), Arbiter's random candidate {@code n} of the same seed, as a random sweep of
 * the same file proposes it; so a TPE sweep and a random one start alike. After that, the trials with a result are
 * split: completed ones with a finite score, pruned ones (as Optuna counts them), and diverged ones. The best
 * {@code gamma(n)} completed ones by the objective's direction are "below", topped up, if fewer completed, with the
 * pruned ones that got furthest and then reported the best value (Optuna's order for pruned trials); all others are
 * "above", diverged ones always. Failed trials (an exception, out of memory) are left out, as Optuna leaves out failed
 * ones. Here cnnlabs departs from Optuna, where a diverged training would end its trial as failed (a NaN objective)
 * and so be left out: left out, the region that diverged stays as likely to be proposed as before, and with few
 * results TPE can propose it again and again (a MnistSimpleCnn sweep proposed Adam at rates above 0.04 for 7 trials
 * running, each diverging at its second batch); in "above", it makes g(x) larger there, as Optuna treats a trial its
 * pruner stopped before it reported anything. Then for each searched setting, in key order, one
 * estimator l(x) from the below trials that set it and one g(x) from the above trials that set it; {@code ei_candidates}
 * draws from l(x), and the draw with the largest log l(x) - log g(x) is proposed. A setting whose {@code when}
 * condition the proposed values do not meet (or whose condition's setting is itself left out) is left out.
 *
 * <p>Deterministic: a proposal's draws come from a {@link Random} seeded from the sweep's seed and {@code n}, and the
 * trials are taken in trial order, so the same trials give the same proposal wherever and whenever it is made.
 */
final class TpeSampler implements Sampler {

    private final SweepSpec spec;
    private ArbiterSampler random;

    TpeSampler(SweepSpec spec) {
        this.spec = spec;
    }

    @Override
    public Proposal propose(int n, Collection<Trial> ended) {
        if (n < 1 || n > planned()) {
            return null;
        }
        List<Trial> usable = ended.stream().filter(TpeSampler::usable)
                .sorted(Comparator.comparingInt(Trial::trial)).toList();
        if (n <= spec.search().startupTrials() || usable.size() < spec.search().startupTrials()) {
            return randomSampler().propose(n, ended);
        }
        List<List<Trial>> split = split(usable);
        List<Trial> below = split.get(0);
        List<Trial> above = split.get(1);
        Random rng = new Random(seed(spec.seed(), n));
        Map<String, String> candidate = new LinkedHashMap<>();
        for (Map.Entry<String, SweepDimension> e : spec.space().entrySet()) {
            candidate.put(e.getKey(), sample(e.getKey(), e.getValue(), below, above, rng));
        }
        Map<String, String> params = applicable(spec, candidate);
        return new Proposal(params, spec.position(params));
    }

    private synchronized ArbiterSampler randomSampler() {
        if (random == null) {
            random = new ArbiterSampler(spec);
        }
        return random;
    }

    @Override
    public boolean adaptive() {
        return true;
    }

    @Override
    public int planned() {
        return spec.search().trials();
    }

    /** Optuna's gamma: how many of {@code n} trials with a result make up "below". */
    static int gamma(int n) {
        return Math.min((int) Math.ceil(0.1 * n), 25);
    }

    /**
     * A trial TPE learns from: completed with a finite score, or pruned (as Optuna's COMPLETE and PRUNED states), or
     * diverged (always "above").
     */
    private static boolean usable(Trial t) {
        return (t.status() == Trial.Status.COMPLETED && Double.isFinite(t.score())) || t.status() == Trial.Status.PRUNED
                || t.status() == Trial.Status.DIVERGED;
    }

    /** Below and above, each in trial order. */
    List<List<Trial>> split(List<Trial> usable) {
        boolean max = spec.objective().direction() == SweepSpec.Objective.Direction.MAX;
        List<Trial> completed = new ArrayList<>(usable.stream().filter(t -> t.status() == Trial.Status.COMPLETED)
                .toList());
        List<Trial> pruned = new ArrayList<>(usable.stream().filter(t -> t.status() == Trial.Status.PRUNED).toList());
        // stable sorts: ties keep trial order, as Python's sorted does
        completed.sort(Comparator.comparingDouble(t -> max ? -t.score() : t.score()));
        pruned.sort(Comparator.comparingDouble((Trial t) -> -lastEpoch(t)).thenComparingDouble(t -> lastValue(t, max)));
        int nBelow = gamma(usable.size());
        List<Trial> below = new ArrayList<>(completed.subList(0, Math.min(nBelow, completed.size())));
        List<Trial> above = new ArrayList<>(completed.subList(below.size(), completed.size()));
        int more = Math.min(Math.max(0, nBelow - below.size()), pruned.size());
        below.addAll(pruned.subList(0, more));
        above.addAll(pruned.subList(more, pruned.size()));
        above.addAll(usable.stream().filter(t -> t.status() == Trial.Status.DIVERGED).toList());
        below.sort(Comparator.comparingInt(Trial::trial));
        above.sort(Comparator.comparingInt(Trial::trial));
        return List.of(below, above);
    }

    /** The epoch of a pruned trial's last report; -1 without one (Optuna's step key 1, ranked after every report). */
    private static double lastEpoch(Trial t) {
        return t.rungs().keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
    }

    /** A pruned trial's last reported value, smaller better; NaN is worst, none is 0 (as Optuna). */
    private static double lastValue(Trial t, boolean max) {
        if (t.rungs().isEmpty()) {
            return 0;
        }
        double v = t.rungs().get(t.rungs().keySet().stream().max(Integer::compare).orElseThrow());
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : max ? -v : v;
    }

    /** One setting's proposal: the best of {@code ei_candidates} draws from l(x) by log l(x) - log g(x). */
    private String sample(String key, SweepDimension d, List<Trial> below, List<Trial> above, Random rng) {
        ParzenEstimator l = estimator(d, observations(key, d, below));
        ParzenEstimator g = estimator(d, observations(key, d, above));
        double[] draws = l.sample(rng, spec.search().eiCandidates());
        double best = draws[0];
        double bestScore = Double.NEGATIVE_INFINITY;
        for (double x : draws) {
            double score = l.logPdf(x) - g.logPdf(x);
            if (score > bestScore) {
                bestScore = score;
                best = x;
            }
        }
        return external(d, best);
    }

    private static ParzenEstimator estimator(SweepDimension d, double[] observations) {
        if (d.choice() != null) {
            int[] indices = new int[observations.length];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = (int) observations[i];
            }
            return ParzenEstimator.choice(indices, d.choice().size());
        }
        if (d.integer() != null) {
            return ParzenEstimator.range(observations, d.integer().get(0), d.integer().get(1), false, true);
        }
        List<Double> range = d.logUniform() != null ? d.logUniform() : d.uniform();
        return ParzenEstimator.range(observations, range.get(0), range.get(1), d.logUniform() != null, false);
    }

    /**
     * The values of setting {@code key} in {@code trials} that set it, in trial order, in the estimator's terms (a
     * choice's index, a number clipped to the range: a value rounded to four digits may sit just outside); a value
     * that is not the dimension's (a sweep file changed under a resumed sweep) is skipped.
     */
    private static double[] observations(String key, SweepDimension d, List<Trial> trials) {
        List<String> choices = d.choice() == null ? null : d.choice().stream().map(String::valueOf).toList();
        List<Double> out = new ArrayList<>();
        for (Trial t : trials) {
            String v = t.params().get(key);
            if (v == null) {
                continue;
            }
            if (choices != null) {
                int i = choices.indexOf(v);
                if (i >= 0) {
                    out.add((double) i);
                }
                continue;
            }
            double x;
            try {
                x = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                continue;
            }
            if (!Double.isFinite(x)) {
                continue;
            }
            double lo;
            double hi;
            if (d.integer() != null) {
                lo = d.integer().get(0);
                hi = d.integer().get(1);
                x = Math.rint(x);
            } else {
                List<Double> range = d.logUniform() != null ? d.logUniform() : d.uniform();
                lo = range.get(0);
                hi = range.get(1);
            }
            out.add(Math.min(hi, Math.max(lo, x)));
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** A draw as the trial gets it: four significant digits, a whole number, or the choice as the file gives it. */
    private static String external(SweepDimension d, double x) {
        if (d.choice() != null) {
            return String.valueOf(d.choice().get((int) x));
        }
        if (d.integer() != null) {
            return String.valueOf((long) x);
        }
        return SweepSpace.format(x);
    }

    /**
     * {@code candidate} without the settings whose conditions it does not meet, where a setting whose condition names
     * a setting that is itself left out is left out too.
     */
    static Map<String, String> applicable(SweepSpec spec, Map<String, String> candidate) {
        Map<String, String> out = new LinkedHashMap<>(candidate);
        boolean changed = true;
        while (changed) {
            changed = out.keySet().removeIf(key -> !spec.space().get(key).applies(out));
        }
        return out;
    }

    /** The seed of proposal {@code n}'s draws: SplitMix64's finaliser over the sweep's seed and {@code n}. */
    static long seed(long sweepSeed, int n) {
        long z = sweepSeed * 0x9E3779B97F4A7C15L + n;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
