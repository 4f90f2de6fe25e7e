package cnnlabs.sweep.ui;

import cnnlabs.sweep.ArbiterSearch;
import cnnlabs.sweep.SweepMonitor;
import cnnlabs.sweep.SweepSpec;
import cnnlabs.sweep.Trial;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.deeplearning4j.arbiter.ui.data.GlobalConfigPersistable;
import org.deeplearning4j.arbiter.ui.data.ModelInfoPersistable;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.ui.api.UIServer;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;

/**
 * A running sweep in Arbiter's own results page ({@code arbiter-ui}'s module of DL4J's UI server, on localhost:
 * {@code /arbiter}), for {@code -Dsweep.ui=true}: the sweep's configuration (Arbiter's candidate generator over the
 * sweep's space, its objective and budget), the counts of queued, completed and failed trials, and for each trial its
 * status, score, settings and the training loss of every step so far.
 *
 * <p>It sends what Arbiter's own {@code ArbiterStatusListener} sends (a {@link GlobalConfigPersistable} for the sweep, a
 * {@link ModelInfoPersistable} per trial) to an in-memory store the server shows; the sweep's trials are cnnlabs
 * experiment runs rather than candidates of Arbiter's runner, so they are reported from the sweep's own events.
 * Pruned trials show as Arbiter's "Cancelled", diverged ones as "Failed" with the reason.
 */
public final class ArbiterUiMonitor implements SweepMonitor {

    /** At most this many loss points per trial go to the page (Arbiter's listener keeps about as many). */
    static final int MAX_POINTS = 1500;

    private final Map<Integer, TrialView> trials = new ConcurrentHashMap<>();
    private UIServer server;
    private StatsStorage storage;
    private String session;
    private String configJson;
    private int planned;

    @Override
    public synchronized String start(String id, SweepSpec spec, int planned) {
        this.session = id;
        OptimizationConfiguration configuration = ArbiterSearch.arbiterConfiguration(spec, SettingsSpace::new,
                b -> b.dataProvider(new TrialData(spec.experiment())).modelSaver(new TrialFolders(id)));
        configuration.setExecutionStartTime(System.currentTimeMillis()); // the page's clock: runtime, score vs time
        this.configJson = configuration.toJson();
        this.planned = planned;
        this.server = UIServer.getInstance();
        this.storage = new InMemoryStatsStorage();
        server.attach(storage);
        storage.putStaticInfo(global());
        return "http://localhost:" + server.getPort() + "/arbiter";
    }

    @Override
    public void started(int trial, double[] position) {
        TrialView v = new TrialView(trial, position);
        trials.put(trial, v);
        post(v);
        storage.putStaticInfo(global()); // the counts change only as trials start and end
    }

    @Override
    public void step(int trial, double loss) {
        TrialView v = trials.get(trial);
        if (v == null) {
            return;
        }
        boolean send;
        synchronized (v) {
            send = v.add(loss);
        }
        if (send) {
            post(v);
        }
    }

    @Override
    public void ended(Trial trial, double[] position) {
        TrialView v = trials.computeIfAbsent(trial.trial(), n -> new TrialView(n, position));
        synchronized (v) {
            v.status = switch (trial.status()) {
                case COMPLETED -> CandidateStatus.Complete;
                case PRUNED -> CandidateStatus.Cancelled;
                case FAILED, DIVERGED -> CandidateStatus.Failed;
            };
            v.score = Double.isNaN(trial.score()) ? null : trial.score();
            v.reason = trial.reason().isEmpty() ? null : trial.status().label() + ": " + trial.reason();
        }
        post(v);
        storage.putStaticInfo(global());
    }

    @Override
    public synchronized void close() {
        if (storage != null) {
            storage.putStaticInfo(global());
        }
    }

    /** The sweep's entry: its configuration and its trial counts now. */
    private synchronized GlobalConfigPersistable global() {
        int completed = 0;
        int failed = 0;
        int running = 0;
        for (TrialView v : trials.values()) {
            if (v.status == CandidateStatus.Running) {
                running++;
            } else if (v.status == CandidateStatus.Failed) {
                failed++;
            } else {
                completed++; // completed or pruned: done
            }
        }
        return new GlobalConfigPersistable.Builder().optimizationConfigJson(configJson)
                .candidateCounts(Math.max(0, planned - completed - failed - running), completed, failed, planned)
                .optimizationRunner("cnnlabs Sweep").sessionId(session).timestamp(System.currentTimeMillis()).build();
    }

    private void post(TrialView v) {
        ModelInfoPersistable p;
        synchronized (v) {
            p = v.persistable(session);
        }
        storage.putUpdate(p);
    }

    /** One trial as the page shows it. */
    private static final class TrialView {
        final int trial;
        final double[] position;
        final long created = System.currentTimeMillis();
        CandidateStatus status = CandidateStatus.Running;
        Double score;
        String reason;
        int steps;
        int every = 1;
        final List<Integer> iterations = new ArrayList<>();
        final List<Float> losses = new ArrayList<>();

        TrialView(int trial, double[] position) {
            this.trial = trial;
            this.position = position == null ? null : position.clone();
        }

        /** Records a step's loss, keeping every {@code every}-th (halved as it fills); whether to send now. */
        boolean add(double loss) {
            steps++;
            if (steps % every != 0) {
                return false;
            }
            iterations.add(steps);
            losses.add((float) loss);
            if (iterations.size() >= MAX_POINTS) {
                every *= 2;
                for (int i = iterations.size() - 1; i >= 0; i--) {
                    if (iterations.get(i) % every != 0) {
                        iterations.remove(i);
                        losses.remove(i);
                    }
                }
            }
            return steps % 10 == 0;
        }

        ModelInfoPersistable persistable(String session) {
            int[] iter = iterations.stream().mapToInt(Integer::intValue).toArray();
            float[] loss = new float[losses.size()];
            for (int i = 0; i < loss.length; i++) {
                loss[i] = losses.get(i);
            }
            ModelInfoPersistable.Builder b = new ModelInfoPersistable.Builder().modelIdx(trial).status(status)
                    .score(score).paramSpaceValues(position).scoreVsIter(iter, loss).totalNumUpdates(steps)
                    .lastUpdateTime(System.currentTimeMillis()).workerId(String.valueOf(trial));
            if (reason != null) {
                b.exceptionStackTrace(reason);
            }
            // as Arbiter's listener: one worker per candidate, its creation time, so each update replaces the last
            return b.sessionId(session).timestamp(created).build();
        }
    }
}
