package cnnlabs.experiments.sweep;

import java.util.List;

/**
 * Runs a sweep's trials somewhere else than this JVM's threads: found with {@link java.util.ServiceLoader} when
 * {@code -Dsweep.spark} is set (the {@code sweep-spark} module provides Apache Spark's). Each job runs
 * {@link Sweep#runJob}; the runner returns the trials in any order.
 */
public interface TrialRunner {

    /** Runs {@code jobs} on {@code master} (e.g. {@code local[2]}, {@code spark://host:7077}). */
    List<Trial> run(String master, List<TrialJob> jobs) throws Exception;
}
