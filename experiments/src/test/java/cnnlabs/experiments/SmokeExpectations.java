package cnnlabs.experiments;

import java.util.Map;
import java.util.function.Function;

/**
 * What a smoke run of each experiment must leave behind, kept with the tests of its lab's package (a
 * {@link java.util.ServiceLoader} service of the tests, {@code @AutoService(SmokeExpectations.class)}):
 * {@link ExperimentSmokeTest} runs every registered experiment and checks it against its entry, and fails for an
 * experiment that has none.
 */
public interface SmokeExpectations {

    /** Experiment name to what its smoke run with the given settings (its own settings record) must leave. */
    Map<String, Function<Record, SmokeCheck>> expectations();
}
