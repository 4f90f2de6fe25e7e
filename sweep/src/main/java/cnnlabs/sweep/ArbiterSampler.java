package cnnlabs.sweep;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Random and grid search: every candidate drawn up front by Arbiter's seeded generator ({@link ArbiterSearch}). A
 * setting whose {@code when} condition does not hold for a candidate is left out of it (the experiment's default
 * applies), and a grid point that left-out settings make equal to an earlier one is not run twice.
 */
final class ArbiterSampler implements Sampler {

    private final List<Proposal> proposals = new ArrayList<>();

    ArbiterSampler(SweepSpec spec) {
        List<Map<String, String>> candidates = ArbiterSearch.candidates(spec);
        List<double[]> positions = ArbiterSearch.positions(spec);
        Set<Map<String, String>> seen = new HashSet<>();
        for (int i = 0; i < candidates.size(); i++) {
            Map<String, String> params = applicable(spec, candidates.get(i));
            if (spec.search().kind() != SweepSpec.Search.Kind.GRID || seen.add(params)) {
                proposals.add(new Proposal(params, positions.get(i)));
            }
        }
    }

    /** {@code candidate} without the settings whose conditions it does not meet. */
    static Map<String, String> applicable(SweepSpec spec, Map<String, String> candidate) {
        Map<String, String> out = new LinkedHashMap<>();
        candidate.forEach((key, value) -> {
            if (spec.space().get(key).applies(candidate)) {
                out.put(key, value);
            }
        });
        return out;
    }

    @Override
    public int planned() {
        return proposals.size();
    }

    @Override
    public Proposal propose(int n, Collection<Trial> ended) {
        return n <= proposals.size() ? proposals.get(n - 1) : null;
    }

    @Override
    public boolean adaptive() {
        return false;
    }
}
