package cnnlabs.sweep.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.arbiter.BaseNetworkSpace;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;

/**
 * A sweep's space of experiment settings as Arbiter's UI reads a space: its results page takes every space for one of
 * Arbiter's network spaces and lists the space's named sub-spaces as its hyperparameters, with each candidate's
 * values. This one holds the sweep's own space and hands on its settings (the experiment's {@code -D} keys) as those
 * sub-spaces; it has no layers, and a candidate is the sweep's map of settings, not a network.
 */
final class SettingsSpace extends BaseNetworkSpace<Map<String, String>> {

    private ParameterSpace<Map<String, String>> settings;

    SettingsSpace(ParameterSpace<Map<String, String>> settings) {
        this.settings = settings;
        this.layerSpaces = new ArrayList<>();
    }

    /** For Arbiter's JSON reader. */
    private SettingsSpace() {
        this.layerSpaces = new ArrayList<>();
    }

    @Override
    public Map<String, String> getValue(double[] parameterValues) {
        return settings.getValue(parameterValues);
    }

    @Override
    public int numParameters() {
        return settings.numParameters();
    }

    @Override
    public List<ParameterSpace> collectLeaves() {
        return settings.collectLeaves();
    }

    @Override
    public Map<String, ParameterSpace> getNestedSpaces() {
        return settings.getNestedSpaces();
    }

    @Override
    public String toString() {
        return "experiment settings " + settings.getNestedSpaces().keySet();
    }
}
