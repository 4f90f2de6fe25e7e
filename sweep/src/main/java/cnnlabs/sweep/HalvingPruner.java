package cnnlabs.sweep;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Successive halving, asynchronously (ASHA, Optuna's {@code SuccessiveHalvingPruner}): when a trial reaches a rung (an
 * epoch listed in {@code search.rungs}), it continues only if its objective is among the best {@code keep} fraction of
 * the values every trial reported at that rung so far, its own included (at least one always continues).
 */
public final class HalvingPruner implements Pruner {

    private final List<Integer> rungs;
    private final double keep;
    private final SweepSpec.Objective objective;

    public HalvingPruner(List<Integer> rungs, double keep, SweepSpec.Objective objective) {
        this.rungs = List.copyOf(rungs);
        this.keep = keep;
        this.objective = objective;
    }

    @Override
    public String prune(TrialStore store, int trial, int epoch, double value) {
        if (!rungs.contains(epoch)) {
            return null;
        }
        List<Double> board = sorted(store.valuesAt(epoch));
        boolean promoted = !Double.isNaN(value) && board.indexOf(value) < Math.max(1, (int) Math.floor(board.size() * keep));
        return promoted ? null : String.format(Locale.ROOT, "pruned at rung %d (epoch %d): %s %.4f is not in the best "
                + "%.0f%% of the trials there", rungs.indexOf(epoch) + 1, epoch, objective.metric(), value, 100 * keep);
    }

    /** The board's values that are numbers, best first. */
    private List<Double> sorted(List<Double> board) {
        return board.stream().filter(v -> !Double.isNaN(v))
                .sorted(objective.direction() == SweepSpec.Objective.Direction.MAX
                        ? Comparator.reverseOrder() : Comparator.naturalOrder())
                .toList();
    }
}
