package cnnlabs.sweep;

import java.util.Collection;

/** TPE (Bergstra et al. 2011), as Optuna's default sampler: being written. */
final class TpeSampler implements Sampler {

    private final SweepSpec spec;

    TpeSampler(SweepSpec spec) {
        this.spec = spec;
    }

    @Override
    public Proposal propose(int n, Collection<Trial> ended) {
        throw new UnsupportedOperationException("TPE is not written yet");
    }

    @Override
    public boolean adaptive() {
        return true;
    }

    @Override
    public int planned() {
        return spec.search().trials();
    }
}
