package cnnlabs.run.results;

import cnnlabs.run.tables.Csv;
import cnnlabs.run.plots.TrainingCurves;
import cnnlabs.training.EpochMetrics;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One run as the experiment sees it: everything it produces is an event here (an epoch's metrics, its table, a
 * picture, another file, the finished summary). Each event writes its file into the {@link RunDirectory} and then
 * publishes: {@link HtmlReport} renders {@code report.html} and the results index from what this object holds in
 * memory, never from the files it wrote. So a long run's report shows its curves and table as it goes, and lists only
 * files that were written.
 */
public final class ExperimentRun {

    public static final String CONFIG = "config.json";
    public static final String ENVIRONMENT = "env.json";
    public static final String SUMMARY = "summary.json";
    public static final String TABLE = "table.md";
    public static final String METRICS = "metrics.csv";
    public static final String CURVES = "training-curves.png";
    public static final String ERROR = "error.txt";
    public static final String METRICS_HEADER =
            "model,epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds,images_per_sec,val_top_k,val_macro_f1,"
                    + "val_weighted_f1";

    private final RunDirectory dir;
    private final String experiment;
    private final Map<String, Object> config;
    private final boolean smokeRun;
    private final boolean resumed;
    private Map<String, Object> environment;
    private RunSummary summary;
    private String table;
    private final List<EpochMetrics> metrics = new ArrayList<>();
    private String evaluatedOn = "validation";
    private final Set<String> pictures = new LinkedHashSet<>();
    private final Set<String> files = new LinkedHashSet<>();

    private ExperimentRun(RunDirectory dir, String experiment, Map<String, Object> config, boolean smokeRun,
                          Map<String, Object> environment, boolean resumed) {
        this.dir = dir;
        this.experiment = experiment;
        this.config = new LinkedHashMap<>(config);
        this.smokeRun = smokeRun;
        this.environment = new LinkedHashMap<>(environment);
        this.resumed = resumed;
    }

    /**
     * Creates the run's folder under {@code resultsRoot/experiment} and writes {@code config.json} (every setting the
     * run uses), {@code env.json} and a {@code "running"} summary, then publishes.
     */
    public static ExperimentRun start(Path resultsRoot, String experiment, Map<String, Object> config, boolean smokeRun,
                                      Map<String, Object> environment) {
        ExperimentRun run = new ExperimentRun(RunDirectory.create(resultsRoot, experiment), experiment, config, smokeRun,
                environment, false);
        run.files.add(CONFIG);
        run.dir.writeJson(CONFIG, run.config);
        run.files.add(ENVIRONMENT);
        run.dir.writeJson(ENVIRONMENT, run.environment);
        run.summary(RunSummary.running(experiment, smokeRun));
        return run;
    }

    /**
     * Continues an interrupted run in its own folder ({@code -Dresume}): keeps every file there, writes this process's
     * {@code env.json} and a {@code "running"} summary. The experiment then runs again from its start; its fits
     * continue from their checkpoints and give their finished epochs back to {@link #epoch}, so {@code metrics.csv}
     * ends up whole.
     *
     * @param config the run's settings, as its {@code config.json} holds them (the caller checked they are the same, but
     *               for more epochs to train it on), written back
     */
    public static ExperimentRun resume(Path runFolder, String experiment, Map<String, Object> config, boolean smokeRun,
                                       Map<String, Object> environment) {
        RunDirectory dir = RunDirectory.open(runFolder);
        ExperimentRun run = new ExperimentRun(dir, experiment, config, smokeRun, environment, true);
        run.files.addAll(dir.fileNames());
        run.files.remove(HtmlReport.REPORT);
        run.dir.writeJson(CONFIG, run.config); // trained on with more epochs, it says so
        run.files.add(ENVIRONMENT);
        run.dir.writeJson(ENVIRONMENT, run.environment);
        run.summary(RunSummary.running(experiment, smokeRun));
        return run;
    }

    /** Whether this run continues an interrupted one in its folder. */
    public boolean resumed() {
        return resumed;
    }

    public Path path() {
        return dir.path();
    }

    /** The results folder this run's folder is in (for {@link RunHistory}). */
    public Path resultsRoot() {
        return dir.resultsRoot();
    }

    public String experiment() {
        return experiment;
    }

    public boolean smokeRun() {
        return smokeRun;
    }

    /**
     * Names the split the epochs' {@code val_*} metrics come from in {@code training-curves.png}: "validation" unless
     * said otherwise (the CIFAR labs evaluate on the test set each epoch, as their seeds do, and say "test").
     */
    public synchronized void evaluatedOn(String split) {
        this.evaluatedOn = split;
    }

    /** Adds one epoch's row to {@code metrics.csv} and redraws {@code training-curves.png}. */
    public synchronized void epoch(EpochMetrics m) {
        metrics.add(m);
        StringBuilder csv = new StringBuilder(METRICS_HEADER).append('\n');
        for (EpochMetrics r : metrics) {
            csv.append(String.join(",", Csv.field(r.model()), Integer.toString(r.epoch()), num(r.trainLoss()),
                    num(r.trainAcc()), num(r.valLoss()), num(r.valAcc()), num(r.learningRate()), num(r.seconds()),
                    num(r.imagesPerSec()), num(r.valTopK()), num(r.valMacroF1()), num(r.valWeightedF1()))).append('\n');
        }
        dir.writeText(METRICS, csv.toString());
        files.add(METRICS);
        pictures.add(CURVES);
        dir.writePng(CURVES, TrainingCurves.render(metrics, evaluatedOn));
        files.add(CURVES);
        publish();
    }

    /** The epochs so far, in order. */
    public synchronized List<EpochMetrics> metrics() {
        return List.copyOf(metrics);
    }

    /** The run's table ({@code table.md}, Markdown), as far as it goes; the last one stays. */
    public synchronized void table(String markdown) {
        table = markdown;
        dir.writeText(TABLE, markdown);
        files.add(TABLE);
        publish();
    }

    /** A picture for the report, as {@code fileName} (PNG). */
    public synchronized Path picture(String fileName, BufferedImage image) {
        Path written = dir.writePng(fileName, image);
        pictures.add(fileName);
        files.add(fileName);
        publish();
        return written;
    }

    /** Any other text file the run keeps (a CSV, a model summary). */
    public synchronized Path writeText(String fileName, String text) {
        return published(fileName, dir.writeText(fileName, text));
    }

    /** Any other JSON file the run keeps (indented, snake_case keys). */
    public synchronized Path writeJson(String fileName, Object value) {
        return published(fileName, dir.writeJson(fileName, value));
    }

    /** A binary file (a saved model, an array), written atomically by {@code writer}. */
    public synchronized Path writeWith(String fileName, RunDirectory.FileWriter writer) {
        return published(fileName, dir.writeWith(fileName, writer));
    }

    /** Replaces {@code env.json} (the runtime section grows as the experiment builds graphs). */
    public synchronized void environment(Map<String, Object> environment) {
        this.environment = new LinkedHashMap<>(environment);
        published(ENVIRONMENT, dir.writeJson(ENVIRONMENT, this.environment));
    }

    /** The run finished: its summary record goes into {@code summary.json} with {@code "status": "completed"}. */
    public synchronized void completed(Record result) {
        summary(RunSummary.completed(experiment, smokeRun, result));
    }

    /**
     * Training diverged: {@code summary.json} says {@code "diverged"} with {@code message} and {@code details}, and the
     * table ends with the message, so it cannot pass for a result.
     */
    public synchronized void diverged(String message, Record details) {
        String note = "\n**Training diverged; this run stopped and its numbers are not a result.** " + message + "\n";
        table((table == null ? "# " + experiment + "\n" : table) + note);
        summary(RunSummary.diverged(experiment, smokeRun, message, details));
    }

    /** The run failed: the stack trace goes to {@code error.txt}, the message into a {@code "failed"} summary. */
    public synchronized void failed(String message, String stackTrace) {
        dir.writeText(ERROR, stackTrace);
        files.add(ERROR);
        summary(RunSummary.failed(experiment, smokeRun, message));
    }

    /** The summary as it stands. */
    public synchronized RunSummary summary() {
        return summary;
    }

    private void summary(RunSummary s) {
        summary = s;
        dir.writeJson(SUMMARY, s);
        files.add(SUMMARY);
        publish();
    }

    private Path published(String fileName, Path written) {
        files.add(fileName);
        publish();
        return written;
    }

    /** Renders the report and the index from this object's state. */
    private void publish() {
        dir.writeText(HtmlReport.REPORT, HtmlReport.report(new HtmlReport.RunView(experiment,
                dir.path().getFileName().toString(), summary, table, List.copyOf(pictures), config, environment,
                List.copyOf(files))));
        HtmlReport.writeIndex(dir.resultsRoot(), dir.path(), summary.status());
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

}
