package cnnlabs.sweep.ui;

import java.util.Map;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;

/**
 * Where a sweep's trials get their data, as Arbiter's UI names a data provider: each trial's experiment loads its own
 * (the same as a run of it), so this one provides nothing itself.
 */
final class TrialData implements DataProvider {

    private String experiment;

    TrialData(String experiment) {
        this.experiment = experiment;
    }

    /** For Arbiter's JSON reader. */
    private TrialData() {
    }

    @Override
    public Object trainData(Map<String, Object> dataParameters) {
        throw new UnsupportedOperationException("each trial's " + experiment + " run loads its own data");
    }

    @Override
    public Object testData(Map<String, Object> dataParameters) {
        throw new UnsupportedOperationException("each trial's " + experiment + " run loads its own data");
    }

    @Override
    public Class<?> getDataType() {
        return Object.class;
    }

    @Override
    public String toString() {
        return experiment + "'s own data, loaded by each trial's run";
    }
}
