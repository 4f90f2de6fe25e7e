package cnnlabs.sweep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxCandidatesCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxTimeCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.TerminationCondition;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;

/**
 * A sweep file's search in Arbiter's terms: its space ({@link SweepSpace}), Arbiter's random or grid generator over it,
 * seeded, and the candidates it draws. The same file and seed draw the same candidates.
 */
public final class ArbiterSearch {

    private ArbiterSearch() {
    }

    /** The candidates a sweep file asks for, in order. */
    public static List<Map<String, String>> candidates(SweepSpec spec) {
        return generated(spec).stream().map(c -> cast(c.getValue())).toList();
    }

    /** Where each candidate lies in Arbiter's space (coordinates in [0, 1]), in {@link #candidates}' order. */
    public static List<double[]> positions(SweepSpec spec) {
        return generated(spec).stream().map(Candidate::getFlatParameters).toList();
    }

    /** The space's lowest and highest corners: the settings a range the experiment refuses would first show in. */
    static List<Map<String, String>> corners(SweepSpec spec) {
        SweepSpace space = new SweepSpace(spec.space());
        int i = 0;
        for (var leaf : space.collectLeaves()) {
            leaf.setIndices(i++); // their positions in the flat vector, as Arbiter's generators give them
        }
        List<Map<String, String>> out = new ArrayList<>();
        for (double value : new double[] {0, 1 - 1e-12}) {
            double[] corner = new double[space.numParameters()];
            Arrays.fill(corner, value);
            out.add(space.getValue(corner));
        }
        return out;
    }

    private static List<Candidate> generated(SweepSpec spec) {
        CandidateGenerator generator = generator(spec, space -> space);
        List<Candidate> out = new ArrayList<>();
        while (generator.hasMoreCandidates() && out.size() < spec.search().trials()) {
            out.add(generator.getCandidate());
        }
        return out;
    }

    /** Arbiter's generator for the sweep's search over its space ({@code wrap} of it), seeded. */
    private static CandidateGenerator generator(SweepSpec spec, UnaryOperator<ParameterSpace<Map<String, String>>> wrap) {
        ParameterSpace<Map<String, String>> space = wrap.apply(new SweepSpace(spec.space()));
        CandidateGenerator generator = spec.search().kind() == SweepSpec.Search.Kind.GRID
                ? new GridSearchCandidateGenerator(space, spec.search().gridPoints(),
                        GridSearchCandidateGenerator.Mode.Sequential, null)
                : new RandomSearchGenerator(space, null);
        generator.setRngSeed(spec.seed());
        return generator;
    }

    /**
     * The sweep in Arbiter's terms: the generator over the sweep's space, the objective, and the budget (trials, and
     * minutes where given).
     */
    static OptimizationConfiguration arbiterConfiguration(SweepSpec spec) {
        return arbiterConfiguration(spec, space -> space, builder -> { });
    }

    /**
     * {@link #arbiterConfiguration(SweepSpec)} with the sweep's space given to the generator as {@code wrap} of it, and
     * {@code extra} adding to Arbiter's builder (what a UI needs to show it).
     */
    public static OptimizationConfiguration arbiterConfiguration(SweepSpec spec,
            UnaryOperator<ParameterSpace<Map<String, String>>> wrap, Consumer<OptimizationConfiguration.Builder> extra) {
        List<TerminationCondition> budget = new ArrayList<>(List.of(new MaxCandidatesCondition(spec.search().trials())));
        if (spec.search().minutes() > 0) {
            budget.add(new MaxTimeCondition((long) Math.ceil(spec.search().minutes() * 60), TimeUnit.SECONDS));
        }
        OptimizationConfiguration.Builder builder = new OptimizationConfiguration.Builder()
                .candidateGenerator(generator(spec, wrap)).scoreFunction(new SweepObjective(spec.objective()))
                .terminationConditions(budget).rngSeed(spec.seed());
        extra.accept(builder);
        return builder.build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> cast(Object value) {
        return (Map<String, String>) value;
    }
}
