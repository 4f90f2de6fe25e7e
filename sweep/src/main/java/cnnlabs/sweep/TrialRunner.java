package cnnlabs.sweep;

import java.util.function.Consumer;

/**
 * Where a sweep's trials run: this JVM's threads ({@link LocalTrialRunner}) or a Spark cluster (the
 * {@code sweep-spark} module's, found through {@link Provider}). Each job becomes a {@link Trial} by
 * {@link TrialWorker#run}, wherever it runs; the runner reports each trial to {@code ended} as it ends. A job past its
 * start-by time is not run and not reported.
 */
public interface TrialRunner {

    /**
     * The jobs to run, taken one at a time; safe to call from several threads. An adaptive source (TPE) proposes a job
     * from the trials that ended before it is taken, so a runner takes one only when it has a slot for it.
     */
    interface Jobs {
        /** The next job, or null when there is none. */
        TrialJob next();

        boolean adaptive();
    }

    void run(Jobs jobs, Consumer<Trial> ended) throws Exception;

    /** Makes the runner for a cluster master ({@code -Dsweep.spark}); a {@link java.util.ServiceLoader} service. */
    interface Provider {

        TrialRunner forMaster(String master);
    }
}
