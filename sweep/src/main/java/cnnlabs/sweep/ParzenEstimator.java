package cnnlabs.sweep;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * One setting's Parzen estimator in TPE, as Optuna's {@code _ParzenEstimator} builds it for independent sampling: a
 * weighted mixture of one kernel per observed value and one prior kernel over the whole range.
 *
 * <ul>
 *   <li><b>Ranges</b> ({@code uniform}, {@code log_uniform}, {@code int}): truncated normals on the range, in log space
 *       for {@code log_uniform}; an {@code int} range is the continuous range widened by half a step each side, a
 *       value's mass the normal's over [v - 0.5, v + 0.5]. Each kernel's bandwidth is the larger distance to its sorted
 *       neighbours, the range's ends counting as neighbours except for the lowest and highest kernels
 *       ({@code consider_endpoints=False}), clipped to [range / min(100, 1 + kernels), range] (the "magic clip"); the
 *       prior kernel sits in the middle with the whole range as its bandwidth.</li>
 *   <li><b>Choices</b>: each kernel a categorical distribution that puts 1 on its observed choice plus
 *       {@code prior_weight / kernels} on every choice, renormalised; the prior kernel is uniform.</li>
 *   <li><b>Weights</b>: Optuna's {@code default_weights}: 1 for each observation while there are fewer than 25; from 25
 *       on, the newest 25 get 1 and the older ones a ramp from 1/n up to 1; the prior gets {@code prior_weight} (1).
 *       Without observations the prior alone.</li>
 * </ul>
 *
 * <p>Values are given and returned as the setting's own: numbers (the value itself, not its log) for ranges, the
 * choice's index for choices.
 */
final class ParzenEstimator {

    static final double PRIOR_WEIGHT = 1.0;

    private final double[] weights; // the mixture's, normalised: the observations' kernels, then the prior's
    // ranges: kernels in the internal space (log for log_uniform, widened by half a step for int)
    private final double[] mus;
    private final double[] sigmas;
    private final double low;
    private final double high;
    private final boolean log;
    private final boolean integer;
    private final double externalLow;
    private final double externalHigh;
    // choices: each kernel's probabilities
    private final double[][] probabilities;

    private ParzenEstimator(double[] weights, double[] mus, double[] sigmas, double low, double high, boolean log,
                            boolean integer, double externalLow, double externalHigh, double[][] probabilities) {
        this.weights = weights;
        this.mus = mus;
        this.sigmas = sigmas;
        this.low = low;
        this.high = high;
        this.log = log;
        this.integer = integer;
        this.externalLow = externalLow;
        this.externalHigh = externalHigh;
        this.probabilities = probabilities;
    }

    /** The estimator of a range [low, high] from {@code observations} (in trial order, oldest first). */
    static ParzenEstimator range(double[] observations, double low, double high, boolean log, boolean integer) {
        double lo = integer ? low - 0.5 : low;
        double hi = integer ? high + 0.5 : high;
        double[] mus = observations.clone();
        if (log) {
            lo = Math.log(lo);
            hi = Math.log(hi);
            for (int i = 0; i < mus.length; i++) {
                mus[i] = Math.log(mus[i]);
            }
        }
        int n = mus.length;
        double[] sigmas = sigmas(mus, lo, hi);
        double[] allMus = Arrays.copyOf(mus, n + 1);
        double[] allSigmas = Arrays.copyOf(sigmas, n + 1);
        allMus[n] = 0.5 * (lo + hi);
        allSigmas[n] = hi - lo;
        return new ParzenEstimator(mixtureWeights(n), allMus, allSigmas, lo, hi, log, integer, low, high, null);
    }

    /** The estimator of a choice among {@code choices} from the observed choices' indices (oldest first). */
    static ParzenEstimator choice(int[] observations, int choices) {
        int n = observations.length;
        double[][] p;
        if (n == 0) {
            p = new double[1][choices];
            Arrays.fill(p[0], 1.0 / choices);
        } else {
            int kernels = n + 1;
            p = new double[kernels][choices];
            for (int k = 0; k < kernels; k++) {
                Arrays.fill(p[k], PRIOR_WEIGHT / kernels);
                if (k < n) {
                    p[k][observations[k]] += 1;
                }
                double sum = Arrays.stream(p[k]).sum();
                for (int c = 0; c < choices; c++) {
                    p[k][c] /= sum;
                }
            }
        }
        return new ParzenEstimator(mixtureWeights(n), null, null, 0, 0, false, false, 0, 0, p);
    }

    /** Optuna's bandwidths: the larger gap to a sorted neighbour, ends as neighbours, the magic clip. */
    private static double[] sigmas(double[] mus, double low, double high) {
        int n = mus.length;
        Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> mus[i]))
                .toArray(Integer[]::new);
        double[] withEnds = new double[n + 2];
        withEnds[0] = low;
        for (int i = 0; i < n; i++) {
            withEnds[i + 1] = mus[order[i]];
        }
        withEnds[n + 1] = high;
        double[] sorted = new double[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = Math.max(withEnds[i + 1] - withEnds[i], withEnds[i + 2] - withEnds[i + 1]);
        }
        if (n >= 2) { // consider_endpoints=False: the outermost kernels look inwards only
            sorted[0] = withEnds[2] - withEnds[1];
            sorted[n - 1] = withEnds[n] - withEnds[n - 1];
        }
        double max = high - low;
        double min = (high - low) / Math.min(100.0, 1.0 + (n + 1));
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[order[i]] = Math.min(max, Math.max(min, sorted[i]));
        }
        return out;
    }

    /** The observations' weights (Optuna's default_weights) and the prior's, normalised. */
    private static double[] mixtureWeights(int n) {
        if (n == 0) {
            return new double[] {1.0};
        }
        double[] w = new double[n + 1];
        Arrays.fill(w, 1.0);
        if (n >= 25) { // a ramp from 1/n to 1 over the oldest n - 25, as numpy's linspace
            int ramp = n - 25;
            for (int i = 0; i < ramp; i++) {
                w[i] = ramp == 1 ? 1.0 / n : 1.0 / n + i * (1.0 - 1.0 / n) / (ramp - 1);
            }
        }
        w[n] = PRIOR_WEIGHT;
        double sum = Arrays.stream(w).sum();
        for (int i = 0; i <= n; i++) {
            w[i] /= sum;
        }
        return w;
    }

    /** {@code size} draws: a kernel by its weight, then a value from it (a choice's index for choices). */
    double[] sample(Random rng, int size) {
        double[] out = new double[size];
        for (int s = 0; s < size; s++) {
            int k = pick(weights, rng.nextDouble());
            double u = rng.nextDouble();
            if (probabilities != null) {
                out[s] = pick(probabilities[k], u);
                continue;
            }
            double x = TruncNorm.quantile(u, (low - mus[k]) / sigmas[k], (high - mus[k]) / sigmas[k], mus[k],
                    sigmas[k]);
            if (log) {
                x = Math.exp(x);
            }
            if (integer) {
                x = externalLow + Math.rint(x - externalLow);
            }
            out[s] = Math.min(externalHigh, Math.max(externalLow, x));
        }
        return out;
    }

    /** The first index whose cumulative probability reaches {@code u} (numpy's {@code sum(cum < u)}). */
    private static int pick(double[] p, double u) {
        double cumulative = 0;
        for (int i = 0; i < p.length - 1; i++) {
            cumulative += p[i];
            if (cumulative >= u) {
                return i;
            }
        }
        return p.length - 1;
    }

    /** The log density (log mass, for choices and whole numbers) of {@code x}; for log ranges, of log x. */
    double logPdf(double x) {
        double[] terms = new double[weights.length];
        for (int k = 0; k < weights.length; k++) {
            terms[k] = Math.log(weights[k]) + kernelLogPdf(k, x);
        }
        double max = Arrays.stream(terms).max().orElse(Double.NEGATIVE_INFINITY);
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (double t : terms) {
            sum += Math.exp(t - max);
        }
        return max + Math.log(sum);
    }

    private double kernelLogPdf(int k, double x) {
        if (probabilities != null) {
            return Math.log(probabilities[k][(int) x]);
        }
        double mu = mus[k];
        double sigma = sigmas[k];
        double a = (low - mu) / sigma;
        double b = (high - mu) / sigma;
        if (integer) {
            double left = log ? Math.log(x - 0.5) : x - 0.5;
            double right = log ? Math.log(x + 0.5) : x + 0.5;
            return TruncNorm.logGaussMass((left - mu) / sigma, (right - mu) / sigma) - TruncNorm.logGaussMass(a, b);
        }
        return TruncNorm.logPdf(log ? Math.log(x) : x, a, b, mu, sigma);
    }
}
