package cnnlabs.sweep;

import java.util.Collection;
import java.util.Map;

/**
 * Proposes each trial's settings, as Optuna's samplers do: from the space alone (random, grid: {@link ArbiterSampler})
 * or also from the trials that ended ({@link TpeSampler}). A proposal depends only on the sweep file, the trial's
 * number and the trials given, so a resumed sweep, or one whose trials run elsewhere, proposes alike.
 */
public interface Sampler {

    /** One proposal: the settings, by key, and where they lie in the space (coordinates in [0, 1], for a UI). */
    record Proposal(Map<String, String> params, double[] position) {
    }

    /** Trial {@code n}'s settings (1-based), given every trial that ended so far; null when the search has no more. */
    Proposal propose(int n, Collection<Trial> ended);

    /** Whether proposals depend on the trials that ended: then a trial is proposed only when a slot frees up. */
    boolean adaptive();

    /** How many trials the search plans. */
    int planned();

    /** The sweep file's sampler: TPE for {@code kind: tpe}, else Arbiter's random or grid generator. */
    static Sampler of(SweepSpec spec) {
        return spec.search().kind() == SweepSpec.Search.Kind.TPE ? new TpeSampler(spec) : new ArbiterSampler(spec);
    }
}
