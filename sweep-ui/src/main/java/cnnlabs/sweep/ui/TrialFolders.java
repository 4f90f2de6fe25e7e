package cnnlabs.sweep.ui;

import java.util.List;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.saving.ResultReference;
import org.deeplearning4j.arbiter.optimize.api.saving.ResultSaver;

/**
 * Where a sweep's trials keep their results, as Arbiter's UI names a result saver: each trial's run writes its own
 * folder ({@code trials/<n>/} in the sweep's run folder: metrics, model, report), so this one saves nothing itself.
 */
final class TrialFolders implements ResultSaver {

    private String sweepFolder;

    TrialFolders(String sweepFolder) {
        this.sweepFolder = sweepFolder;
    }

    /** For Arbiter's JSON reader. */
    private TrialFolders() {
    }

    @Override
    public ResultReference saveModel(OptimizationResult result, Object modelResult) {
        throw new UnsupportedOperationException("each trial's run saves itself under " + sweepFolder + "/trials");
    }

    @Override
    public List<Class<?>> getSupportedCandidateTypes() {
        return List.of();
    }

    @Override
    public List<Class<?>> getSupportedModelTypes() {
        return List.of();
    }

    @Override
    public String toString() {
        return "each trial's own run folder, " + sweepFolder + "/trials/<n>/";
    }
}
