package cnnlabs.sweep;

import cnnlabs.training.Callback;
import cnnlabs.training.EpochMetrics;
import cnnlabs.training.Fit;

/**
 * A trial's fits as its sweep's pruner sees them: after each epoch the objective goes into the trial store, then the
 * pruner decides; a pruned fit stops there, and {@link Outcome} says why. Of an experiment that trains several models,
 * only the objective's model's fit is watched.
 */
final class PruningCallback implements Callback {

    /** What one trial's pruning found, across its fits. */
    static final class Outcome {
        volatile String pruned;
    }

    private final TrialStore store;
    private final Pruner pruner;
    private final int trial;
    private final SweepSpec.Objective objective;
    private final Outcome outcome;

    PruningCallback(TrialStore store, Pruner pruner, int trial, SweepSpec.Objective objective, Outcome outcome) {
        this.store = store;
        this.pruner = pruner;
        this.trial = trial;
        this.objective = objective;
        this.outcome = outcome;
    }

    @Override
    public void onEpochEnd(Fit fit, EpochMetrics metrics) {
        if (objective.model() != null && !objective.model().equals(fit.model())) {
            return; // the objective's model is another fit of the run
        }
        double value = Scores.epochMetric(objective.metric(), metrics);
        store.report(trial, metrics.epoch(), value);
        String reason = pruner.prune(store, trial, metrics.epoch(), value);
        if (reason != null) {
            outcome.pruned = reason;
            fit.stop(reason);
        }
    }
}
