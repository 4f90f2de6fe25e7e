package cnnlabs.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trials on this JVM's threads, {@code parallel} at a time, each with cores / {@code parallel} of ND4J's threads: each
 * thread takes a job, runs it, reports the trial, and takes the next.
 */
public final class LocalTrialRunner implements TrialRunner {

    private final int parallel;
    private final Function<TrialJob, Trial> work;

    /** @param work how a job becomes a trial here ({@link TrialWorker#run} with this machine's watchers) */
    public LocalTrialRunner(int parallel, Function<TrialJob, Trial> work) {
        this.parallel = parallel;
        this.work = work;
    }

    /** The line a sweep prints about how its trials share the cores; empty for one at a time. */
    public String describe() {
        return parallel > 1 ? String.format(Locale.ROOT, "%d trials at once, %d thread(s) each", parallel, threads()) : "";
    }

    private int threads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / parallel);
    }

    @Override
    public void run(Jobs jobs, Consumer<Trial> ended) throws Exception {
        if (parallel > 1) {
            Nd4j.getEnvironment().setMaxThreads(threads());
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "sweep-trial");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> slots = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                slots.add(pool.submit(() -> {
                    for (TrialJob job = jobs.next(); job != null; job = jobs.next()) {
                        Trial t = work.apply(job);
                        if (t != null) {
                            ended.accept(t);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> slot : slots) {
                slot.get();
            }
        } finally {
            pool.shutdownNow();
            if (parallel > 1) {
                Nd4j.getEnvironment().setMaxThreads(Runtime.getRuntime().availableProcessors());
            }
        }
    }
}
