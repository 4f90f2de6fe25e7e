package cnnlabs.run.results;

import cnnlabs.training.Callback;
import cnnlabs.training.EpochMetrics;
import cnnlabs.training.Fit;

/**
 * A fit's epochs into the run, as Keras' {@code History} keeps them: each epoch into {@code metrics.csv} and the
 * training curves once the last checkpoint holds it (it runs in the {@link Stage#PUBLISH} stage, so every row of
 * {@code metrics.csv} can be resumed from); a resumed fit's finished epochs go in first again, so the file is whole.
 */
public final class RunMetrics implements Callback {

    private final ExperimentRun run;

    public RunMetrics(ExperimentRun run) {
        this.run = run;
    }

    @Override
    public Stage stage() {
        return Stage.PUBLISH;
    }

    @Override
    public void onTrainStart(Fit fit) {
        fit.history().forEach(run::epoch);
    }

    @Override
    public void onEpochEnd(Fit fit, EpochMetrics metrics) {
        run.epoch(metrics);
    }
}
