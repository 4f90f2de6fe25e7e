package cnnlabs.sweep.spark;

import cnnlabs.sweep.Trial;
import cnnlabs.sweep.TrialJob;
import cnnlabs.sweep.TrialRunner;
import cnnlabs.sweep.TrialWorker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A sweep's trials as Apache Spark tasks, one trial per task ({@code -Dsweep.spark=MASTER}): an embedded local Spark
 * ({@code local[N]}: N trials at once in this JVM, each with cores / N threads) or a cluster's master. Each task runs
 * {@link TrialWorker#run}, which writes the trial's run folder and its pruning reports into the sweep's folder and
 * returns its record.
 *
 * <p>On a cluster, nothing assumes the executors share this JVM: the driver ships the application's class path
 * without Spark's own jars ({@link ApplicationJars}, as {@code spark.jars}), gives the executors Spark's Java 17
 * options ({@code jvm.options}, as {@code spark.executor.extraJavaOptions}), and a trial whose executor is lost runs
 * again (up to {@code spark.task.maxFailures}, 4 by default), going on from its last checkpoint in the sweep folder.
 * That folder, {@code -Dresults.dir} and {@code -Ddata.dir} must be on a file system every node mounts at the same
 * path.
 */
public final class SparkTrials implements TrialRunner {

    /** How a sweep finds this runner ({@link java.util.ServiceLoader}). */
    public static final class Provider implements TrialRunner.Provider {
        @Override
        public TrialRunner forMaster(String master) {
            return new SparkTrials(master);
        }
    }

    static final String JVM_OPTIONS = "/cnnlabs/sweep/spark/jvm.options";

    private final String master;

    public SparkTrials(String master) {
        this.master = master;
    }

    @Override
    public void run(Jobs jobs, Consumer<Trial> ended) throws IOException {
        TrialJob first = jobs.next();
        if (first == null) {
            return;
        }
        // spark.* system properties (spark-submit's, -Dspark.executor.memory=...) come in through SparkConf
        SparkConf conf = new SparkConf().setAppName("cnnlabs-sweep").setMaster(master).set("spark.ui.enabled", "false");
        int slots = localSlots(master);
        Path shipped = null;
        if (slots > 0) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
            Nd4j.getEnvironment().setMaxThreads(Math.max(1, Runtime.getRuntime().availableProcessors() / slots));
        } else {
            shipped = Files.createTempDirectory("cnnlabs-spark-jars");
            List<String> jars = ApplicationJars.toShip(shipped);
            String given = conf.get("spark.jars", "");
            conf.set("spark.jars", given.isBlank() ? String.join(",", jars) : given + "," + String.join(",", jars));
            conf.set("spark.executor.extraJavaOptions", (jvmOptions() + " "
                    + conf.get("spark.executor.extraJavaOptions", "")).strip());
            conf.setIfMissing("spark.task.maxFailures", "4");
        }
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            // every job at once, or, where the next job depends on the trials that ended (TPE), a round of as many as
            // the cluster runs at once, then the next
            int round = jobs.adaptive() ? spark.defaultParallelism() : Integer.MAX_VALUE;
            for (List<TrialJob> batch = take(first, jobs, round); !batch.isEmpty(); batch = take(jobs.next(), jobs, round)) {
                spark.parallelize(batch, batch.size()).map(new RunTrial(slots == 0)).collect().stream()
                        .filter(Objects::nonNull).forEach(ended);
            }
        } finally {
            if (slots > 0) {
                Nd4j.getEnvironment().setMaxThreads(Runtime.getRuntime().availableProcessors());
            }
            delete(shipped);
        }
    }

    /** {@code first} (null: none) and up to {@code most - 1} more of {@code jobs}. */
    private static List<TrialJob> take(TrialJob first, Jobs jobs, int most) {
        List<TrialJob> out = new ArrayList<>();
        for (TrialJob job = first; job != null; job = out.size() < most ? jobs.next() : null) {
            out.add(job);
        }
        return out;
    }

    /** One trial in a task: on a cluster's executor, ND4J takes the task's cores ({@code spark.task.cpus}). */
    static final class RunTrial implements Function<TrialJob, Trial> {
        private static final long serialVersionUID = 1L;
        private final boolean cluster;

        RunTrial(boolean cluster) {
            this.cluster = cluster;
        }

        @Override
        public Trial call(TrialJob job) {
            TaskContext task = TaskContext.get();
            if (cluster && task != null) {
                Nd4j.getEnvironment().setMaxThreads(task.cpus());
            }
            return TrialWorker.run(job);
        }
    }

    /** Spark's module openings for Java 17, which every JVM that runs Spark needs: the executors' too. */
    static String jvmOptions() {
        try (InputStream in = SparkTrials.class.getResourceAsStream(JVM_OPTIONS)) {
            if (in == null) {
                throw new IllegalStateException(JVM_OPTIONS + " is missing: build sweep-spark with Maven (mvn install)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    private static void delete(Path folder) throws IOException {
        if (folder == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
