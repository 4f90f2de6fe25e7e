package cnnlabs.sweep;

/**
 * Decides after an epoch whether a trial goes on, as Optuna's pruners do. A pruner keeps no state of its own: what it
 * compares a trial with (the other trials' reports) is in the sweep's {@link TrialStore}, where the trial's own report
 * already is. So trials on threads, in other processes or on a cluster, and a resumed sweep, are pruned alike.
 */
public interface Pruner {

    /** Null for "go on", else why trial {@code trial}, which reported {@code value} after {@code epoch}, stops. */
    String prune(TrialStore store, int trial, int epoch, double value);

    /** The sweep file's pruner, or null when its search prunes nothing. */
    static Pruner of(SweepSpec spec) {
        return spec.search().kind() == SweepSpec.Search.Kind.HALVING
                ? new HalvingPruner(spec.search().rungs(), spec.search().keep(), spec.objective()) : null;
    }
}
