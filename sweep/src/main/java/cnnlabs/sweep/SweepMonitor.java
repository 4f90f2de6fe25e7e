package cnnlabs.sweep;

/**
 * Watches a sweep while it runs on this machine: found with {@link java.util.ServiceLoader} when
 * {@code -Dsweep.ui=true} (the {@code sweep-ui} module provides Arbiter's results page). Trials report from their
 * own threads (with {@code sweep.parallel} above one, several at once).
 */
public interface SweepMonitor extends AutoCloseable {

    /**
     * Starts showing sweep {@code id}, as its file gives it (Arbiter's description of it:
     * {@link ArbiterSearch#arbiterConfiguration(SweepSpec, java.util.function.UnaryOperator, java.util.function.Consumer)}),
     * and how many trials it plans. Returns the address of the page.
     */
    String start(String id, SweepSpec spec, int planned);

    /** Trial {@code trial} starts, at {@code position} (its coordinates in [0, 1] in Arbiter's space). */
    void started(int trial, double[] position);

    /** One training step of trial {@code trial}, with its loss. */
    void step(int trial, double loss);

    /** Trial {@code trial.trial()} ended (also reported for a resumed sweep's trials finished before). */
    void ended(Trial trial, double[] position);

    /** The sweep is over; the page may stay up. */
    @Override
    void close();
}
