package cnnlabs.sweep.spark;

import cnnlabs.sweep.Trial;
import cnnlabs.sweep.TrialJob;
import cnnlabs.sweep.TrialRunner;
import cnnlabs.sweep.TrialWorker;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A sweep's trials as Apache Spark tasks, one trial per task ({@code -Dsweep.spark=MASTER}): an embedded local Spark
 * ({@code local[N]}: N trials at once in this JVM, each with cores / N threads) or a cluster. Each task runs
 * {@link TrialWorker#run}, which writes the trial's run folder and its pruning reports into the sweep's folder and
 * returns its record; on a cluster that folder must be on a file system every executor sees (the same path, e.g. an
 * NFS mount), and the executors need the project's classes.
 */
public final class SparkTrials implements TrialRunner {

    /** How a sweep finds this runner ({@link java.util.ServiceLoader}). */
    public static final class Provider implements TrialRunner.Provider {
        @Override
        public TrialRunner forMaster(String master) {
            return new SparkTrials(master);
        }
    }

    private final String master;

    public SparkTrials(String master) {
        this.master = master;
    }

    @Override
    public void run(List<TrialJob> jobs, Consumer<Trial> ended) {
        if (jobs.isEmpty()) {
            return;
        }
        // spark.* system properties (spark-submit's) come in through SparkConf; a trial is not retried on failure
        SparkConf conf = new SparkConf().setAppName("cnnlabs-sweep").setMaster(master)
                .set("spark.ui.enabled", "false").set("spark.task.maxFailures", "1");
        int slots = localSlots(master);
        if (slots > 0) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
            Nd4j.getEnvironment().setMaxThreads(Math.max(1, Runtime.getRuntime().availableProcessors() / slots));
        }
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            spark.parallelize(jobs, jobs.size()).map(TrialWorker::run).collect().stream().filter(Objects::nonNull)
                    .forEach(ended);
        } finally {
            if (slots > 0) {
                Nd4j.getEnvironment().setMaxThreads(Runtime.getRuntime().availableProcessors());
            }
        }
    }

    /** N of {@code local[N]} ({@code local} is 1, {@code local[*]} the cores); 0 for a cluster. */
    static int localSlots(String master) {
        if (master.equals("local")) {
            return 1;
        }
        if (master.startsWith("local[")) {
            String n = master.substring(6, master.indexOf(']'));
            return n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n.split(",")[0]);
        }
        return 0;
    }
}
