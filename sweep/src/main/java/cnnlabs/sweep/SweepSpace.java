package cnnlabs.sweep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.arbiter.optimize.api.AbstractParameterSpace;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.distribution.LogUniformDistribution;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;

/**
 * A sweep's space as Arbiter's {@link ParameterSpace}: one Arbiter leaf per searched setting (continuous, log-uniform,
 * integer or discrete), in key order; a candidate's value is the map of setting key to the value as {@code -D} would
 * give it. Arbiter's generators (random, grid) draw the leaves' positions in [0, 1].
 */
final class SweepSpace extends AbstractParameterSpace<Map<String, String>> {

    // not final: Arbiter's JSON reader (its UI reads the sweep's configuration back) sets them
    private List<String> keys;
    private List<ParameterSpace<?>> leaves;

    /** For Arbiter's JSON reader. */
    private SweepSpace() {
        this.keys = new ArrayList<>();
        this.leaves = new ArrayList<>();
    }

    SweepSpace(Map<String, SweepDimension> space) {
        this.keys = List.copyOf(space.keySet());
        this.leaves = new ArrayList<>();
        for (SweepDimension d : space.values()) {
            leaves.add(leaf(d));
        }
    }

    private static ParameterSpace<?> leaf(SweepDimension d) {
        if (d.uniform() != null) {
            return new ContinuousParameterSpace(d.uniform().get(0), d.uniform().get(1));
        }
        if (d.logUniform() != null) {
            return new ContinuousParameterSpace(new LogUniformDistribution(d.logUniform().get(0), d.logUniform().get(1)));
        }
        if (d.integer() != null) {
            return new IntegerParameterSpace(d.integer().get(0), d.integer().get(1));
        }
        return new DiscreteParameterSpace<>(d.choice().stream().map(String::valueOf).toList());
    }

    List<String> keys() {
        return keys;
    }

    @Override
    public Map<String, String> getValue(double[] parameterValues) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            out.put(keys.get(i), format(leaves.get(i).getValue(parameterValues)));
        }
        return out;
    }

    static String format(Object value) {
        if (value instanceof Double d) { // four significant digits: 0.003293, not 0.0032929698784532743
            return new java.math.BigDecimal(d).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    /** The searched settings by key, each with its leaf (as Arbiter's UI lists a space's hyperparameters). */
    @Override
    public Map<String, ParameterSpace> getNestedSpaces() {
        Map<String, ParameterSpace> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            out.put(keys.get(i), leaves.get(i));
        }
        return out;
    }

    @Override
    public int numParameters() {
        return leaves.size();
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public List<ParameterSpace> collectLeaves() {
        return Collections.unmodifiableList((List) leaves);
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    @Override
    public void setIndices(int... indices) {
        throw new UnsupportedOperationException("a sweep space is not a leaf; Arbiter sets its leaves' indices");
    }
}
