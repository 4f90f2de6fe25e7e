package cnnlabs.sweep;

/**
 * Decides after an epoch whether a trial goes on, as Optuna's pruners do. A pruner keeps no state of its own: what it
 * compares a trial with (the other trials' reports) is in the sweep's {@link TrialStore}, where the trial's own report
 * already is. So trials on threads, in other processes or on a cluster, and a resumed sweep, are pruned alike.
 */
public interface Pruner {

    /** Null for "go on", else why trial {@code trial}, which reported {@code value} after {@code epoch}, stops. */
    String prune(TrialStore store, int trial, int epoch, double value);

    /** The sweep file's pruner: its search's (halving, Hyperband), else its {@code pruner} (median), else null. */
    static Pruner of(SweepSpec spec) {
        SweepSpec.Search search = spec.search();
        return switch (search.kind()) {
            case HALVING -> new HalvingPruner(search.rungs(), search.keep(), spec.objective());
            case HYPERBAND -> new HyperbandPruner(search.minEpochs(), search.maxEpochs(), search.reduction(),
                    spec.objective());
            default -> spec.pruner().kind() == SweepSpec.Pruning.Kind.MEDIAN
                    ? new MedianPruner(spec.pruner().startupTrials(), spec.pruner().warmupEpochs(), spec.objective())
                    : null;
        };
    }
}
