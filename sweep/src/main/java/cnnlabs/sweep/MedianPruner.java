package cnnlabs.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Optuna's {@code MedianPruner}: once {@code startupTrials} trials have completed, and after {@code warmupEpochs}
 * epochs, a trial stops when its best value so far is worse than the median of the completed trials' values at the
 * same epoch. Usable with any search.
 */
public final class MedianPruner implements Pruner {

    private final int startupTrials;
    private final int warmupEpochs;
    private final SweepSpec.Objective objective;

    public MedianPruner(int startupTrials, int warmupEpochs, SweepSpec.Objective objective) {
        this.startupTrials = startupTrials;
        this.warmupEpochs = warmupEpochs;
        this.objective = objective;
    }

    @Override
    public String prune(TrialStore store, int trial, int epoch, double value) {
        if (epoch <= warmupEpochs) {
            return null;
        }
        List<Double> others = new ArrayList<>();
        int completed = 0;
        for (Trial t : store.finished().values()) {
            if (t.status() == Trial.Status.COMPLETED && t.trial() != trial) {
                completed++;
                Double v = t.rungs().get(epoch);
                if (v != null && !Double.isNaN(v)) {
                    others.add(v);
                }
            }
        }
        if (completed < startupTrials || others.isEmpty()) {
            return null;
        }
        double best = best(store.reports(trial), epoch);
        double median = median(others);
        boolean max = objective.direction() == SweepSpec.Objective.Direction.MAX;
        if (!Double.isNaN(best) && (max ? best >= median : best <= median)) {
            return null;
        }
        return String.format(Locale.ROOT, "pruned by the median rule at epoch %d: its best %s so far, %.4f, is worse "
                + "than the median of %d completed trials there, %.4f", epoch, objective.metric(), best, others.size(),
                median);
    }

    /** The trial's best value over its epochs up to {@code epoch} (NaN when it has none). */
    private double best(Map<Integer, Double> reports, int epoch) {
        double best = Double.NaN;
        for (Map.Entry<Integer, Double> e : reports.entrySet()) {
            double v = e.getValue();
            if (e.getKey() <= epoch && !Double.isNaN(v) && (Double.isNaN(best) || objective.better(v, best))) {
                best = v;
            }
        }
        return best;
    }

    /** The median, as numpy's: the mean of the middle two of an even count. */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
