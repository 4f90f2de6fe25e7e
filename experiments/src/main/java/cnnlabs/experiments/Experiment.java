package cnnlabs.experiments;

import java.util.Properties;

/**
 * One lab section as a runnable experiment. {@link #run} does the work, writes its files into the run
 * folder as it goes, and returns its result; it never exits the JVM and never prints stack traces.
 */
public interface Experiment {

    /** The name users pass as {@code -Dexp=NAME}. */
    String name();

    /** One line for {@code -Dexp=list}. */
    String description();

    /** The lab's settings. */
    RunConfig defaults();

    ExperimentResult run(ExperimentContext context) throws Exception;

    /**
     * Checks the experiment's own {@code -D} settings before anything is written, throwing {@link ConfigException}
     * for an invalid one. Experiments without settings of their own accept anything.
     */
    default void checkProperties(Properties properties) {
    }
}
