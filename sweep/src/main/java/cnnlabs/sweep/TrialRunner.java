package cnnlabs.sweep;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where a sweep's trials run: this JVM's threads ({@link LocalTrialRunner}) or a Spark cluster (the
 * {@code sweep-spark} module's, found through {@link Provider}). Each job becomes a {@link Trial} by
 * {@link TrialWorker#run}, wherever it runs; the runner reports each trial to {@code ended} as it ends, in any order,
 * from the thread that called {@link #run}. A job past its start-by time is not run and not reported.
 */
public interface TrialRunner {

    void run(List<TrialJob> jobs, Consumer<Trial> ended) throws Exception;

    /** Makes the runner for a cluster master ({@code -Dsweep.spark}); a {@link java.util.ServiceLoader} service. */
    interface Provider {

        TrialRunner forMaster(String master);
    }
}
