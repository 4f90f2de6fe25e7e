package cnnlabs.sweep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One searched setting: exactly one of a uniform range, a log-uniform range (learning rates), a whole-number
 * range, or a list of choices.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record SweepDimension(List<Double> uniform, @JsonProperty("log_uniform") List<Double> logUniform,
                             @JsonProperty("int") List<Integer> integer, List<Object> choice,
                             Map<String, List<Object>> when) {

    public SweepDimension(List<Double> uniform, List<Double> logUniform, List<Integer> integer, List<Object> choice) {
        this(uniform, logUniform, integer, choice, null);
    }

    /** Whether this setting applies given a trial's {@code values} (its {@code when} conditions all hold). */
    public boolean applies(Map<String, String> values) {
        for (Map.Entry<String, List<Object>> c : when.entrySet()) {
            if (!c.getValue().stream().map(String::valueOf).toList().contains(values.get(c.getKey()))) {
                return false;
            }
        }
        return true;
    }

    public SweepDimension {
        when = when == null ? Map.of() : Map.copyOf(when);
        int given = (uniform != null ? 1 : 0) + (logUniform != null ? 1 : 0) + (integer != null ? 1 : 0)
                + (choice != null ? 1 : 0);
        SweepSpec.require(given == 1, "space", "each setting takes exactly one of uniform: [a, b], log_uniform: [a, b], "
                + "int: [a, b] or choice: [x, y, ...]");
        SweepSpec.require(uniform == null || (uniform.size() == 2 && uniform.get(0) < uniform.get(1)), "space",
                "uniform: [low, high] with low < high");
        SweepSpec.require(logUniform == null || (logUniform.size() == 2 && logUniform.get(0) > 0
                && logUniform.get(0) < logUniform.get(1)), "space", "log_uniform: [low, high] with 0 < low < high");
        SweepSpec.require(integer == null || (integer.size() == 2 && integer.get(0) <= integer.get(1)), "space",
                "int: [low, high] with low <= high");
        SweepSpec.require(choice == null || !choice.isEmpty(), "space", "choice: [x, y, ...] with at least one value");
    }

    public static SweepDimension choice(Object... values) {
        return new SweepDimension(null, null, null, List.of(values));
    }

    public static SweepDimension logUniform(double low, double high) {
        return new SweepDimension(null, List.of(low, high), null, null);
    }

    public static SweepDimension uniform(double low, double high) {
        return new SweepDimension(List.of(low, high), null, null, null);
    }

    /**
     * Where {@code value} lies in this dimension, in [0, 1], as Arbiter's leaves map coordinates to values: the
     * middle of a choice's or a whole number's interval, the CDF of a range's distribution (log for log_uniform).
     */
    public double coordinate(String value) {
        if (choice != null) {
            int i = choice.stream().map(String::valueOf).toList().indexOf(value);
            return i < 0 ? 0.5 : (i + 0.5) / choice.size();
        }
        double v = Double.parseDouble(value);
        double x;
        if (integer != null) {
            x = (v - integer.get(0) + 0.5) / (integer.get(1) - integer.get(0) + 1);
        } else if (logUniform != null) {
            x = Math.log(v / logUniform.get(0)) / Math.log(logUniform.get(1) / logUniform.get(0));
        } else {
            x = (v - uniform.get(0)) / (uniform.get(1) - uniform.get(0));
        }
        return Math.min(1, Math.max(0, x));
    }

    /** Whether values are best plotted on a log axis. */
    public boolean logScale() {
        return logUniform != null;
    }
}
