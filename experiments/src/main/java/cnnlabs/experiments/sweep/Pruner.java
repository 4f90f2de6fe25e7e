package cnnlabs.experiments.sweep;

import cnnlabs.experiments.training.Callback;
import cnnlabs.experiments.training.EpochMetrics;
import cnnlabs.experiments.training.Fit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Successive halving, asynchronously (ASHA, Optuna's {@code SuccessiveHalvingPruner}): when a trial reaches a rung (an
 * epoch listed in {@code search.rungs}), its objective goes on the rung's board, and it continues only if it is among
 * the best {@code keep} fraction of the values on that board so far (at least one always continues); otherwise its
 * fit stops there, pruned. Trials run one after another or in parallel alike.
 */
final class Pruner {

    private final List<Integer> rungs;
    private final double keep;
    private final SweepSpec.Objective objective;
    private final Map<Integer, List<Double>> boards = new HashMap<>();

    Pruner(List<Integer> rungs, double keep, SweepSpec.Objective objective) {
        this.rungs = List.copyOf(rungs);
        this.keep = keep;
        this.objective = objective;
    }

    /** Puts a finished trial's rung values back on the boards (a resumed sweep). */
    synchronized void restore(Map<Integer, Double> values) {
        values.forEach((rung, v) -> boards.computeIfAbsent(rung, r -> new ArrayList<>()).add(v));
    }

    /** Reports {@code value} at {@code rung}; whether the trial goes on. */
    synchronized boolean promote(int rung, double value) {
        List<Double> board = boards.computeIfAbsent(rung, r -> new ArrayList<>());
        board.add(value);
        if (Double.isNaN(value)) {
            return false;
        }
        List<Double> sorted = board.stream().filter(v -> !Double.isNaN(v))
                .sorted(objective.direction() == SweepSpec.Objective.Direction.MAX
                        ? java.util.Comparator.reverseOrder() : java.util.Comparator.naturalOrder())
                .toList();
        int kept = Math.max(1, (int) Math.floor(sorted.size() * keep));
        return sorted.indexOf(value) < kept;
    }

    /** What one trial's pruning callback found. */
    static final class Outcome {
        final Map<Integer, Double> rungs = new TreeMap<>();
        String pruned;
    }

    /** The callback for one fit of a trial. */
    Callback callback(Outcome outcome) {
        return new Callback() {
            @Override
            public void onEpochEnd(Fit fit, EpochMetrics metrics) {
                if (!rungs.contains(metrics.epoch())) {
                    return;
                }
                double value = Sweep.epochMetric(objective.metric(), metrics);
                outcome.rungs.put(metrics.epoch(), value);
                if (!promote(metrics.epoch(), value)) {
                    outcome.pruned = String.format(Locale.ROOT, "pruned at rung %d (epoch %d): %s %.4f is not in the "
                            + "best %.0f%% of the trials there", rungs.indexOf(metrics.epoch()) + 1, metrics.epoch(),
                            objective.metric(), value, 100 * keep);
                    fit.stop(outcome.pruned);
                }
            }
        };
    }
}
