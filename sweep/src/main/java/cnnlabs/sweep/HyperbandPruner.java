package cnnlabs.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Hyperband (Li et al. 2018) as brackets of asynchronous successive halving, as Optuna's {@code HyperbandPruner} runs
 * it: with {@code R = max/min} and {@code s_max = floor(log_eta R)}, bracket {@code s} (from {@code s_max}, the most
 * aggressive, to 0, which prunes nothing) has its first rung at {@code max / eta^s} epochs and one every factor
 * {@code eta} after it, and keeps the best {@code 1/eta} of the trials of its own bracket at each rung. Trials go to
 * brackets in proportion to Hyperband's table ({@code n_s = ceil((s_max + 1) / (s + 1) * eta^s)} configurations),
 * by their number, so every worker, and a resumed sweep, puts a trial in the same bracket without asking anyone.
 */
public final class HyperbandPruner implements Pruner {

    private final int maxEpochs;
    private final int eta;
    private final SweepSpec.Objective objective;
    /** Bracket of trial n is cycle[(n - 1) % cycle.size()]. */
    private final List<Integer> cycle = new ArrayList<>();

    public HyperbandPruner(int minEpochs, int maxEpochs, int eta, SweepSpec.Objective objective) {
        this.maxEpochs = maxEpochs;
        this.eta = eta;
        this.objective = objective;
        int sMax = sMax(minEpochs, maxEpochs, eta);
        for (int s = sMax; s >= 0; s--) {
            int n = (int) Math.ceil((double) (sMax + 1) / (s + 1) * Math.pow(eta, s));
            for (int i = 0; i < n; i++) {
                cycle.add(s);
            }
        }
    }

    /** {@code floor(log_eta(max / min))}, exactly for whole powers. */
    static int sMax(int minEpochs, int maxEpochs, int eta) {
        int s = 0;
        for (long r = (long) minEpochs * eta; r <= maxEpochs; r *= eta) {
            s++;
        }
        return s;
    }

    /** The bracket trial {@code n} belongs to. */
    public int bracket(int n) {
        return cycle.get((n - 1) % cycle.size());
    }

    /** The epochs at which bracket {@code s} compares its trials. */
    public List<Integer> rungs(int s) {
        List<Integer> out = new ArrayList<>();
        for (long r = Math.round(maxEpochs / Math.pow(eta, s)); r < maxEpochs; r *= eta) {
            out.add((int) Math.max(1, r));
        }
        return out;
    }

    @Override
    public String prune(TrialStore store, int trial, int epoch, double value) {
        int bracket = bracket(trial);
        List<Integer> rungs = rungs(bracket);
        if (!rungs.contains(epoch)) {
            return null;
        }
        List<Double> board = new ArrayList<>();
        for (Map.Entry<Integer, Map<Integer, Double>> e : store.allReports().entrySet()) {
            Double v = e.getValue().get(epoch);
            if (v != null && !Double.isNaN(v) && bracket(e.getKey()) == bracket) {
                board.add(v);
            }
        }
        board.sort(objective.direction() == SweepSpec.Objective.Direction.MAX
                ? Comparator.reverseOrder() : Comparator.naturalOrder());
        int kept = Math.max(1, board.size() / eta);
        if (!Double.isNaN(value) && board.indexOf(value) < kept) {
            return null;
        }
        return String.format(Locale.ROOT, "pruned by Hyperband in bracket %d at rung %d (epoch %d): %s %.4f is not in "
                + "the best 1/%d of the bracket's trials there", bracket, rungs.indexOf(epoch) + 1, epoch,
                objective.metric(), value, eta);
    }
}
