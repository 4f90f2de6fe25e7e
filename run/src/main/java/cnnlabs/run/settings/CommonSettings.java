package cnnlabs.run.settings;

/**
 * The settings of an experiment that trains nothing and has no settings of its own: the common ones.
 *
 * @param common seed and smoke-run length
 */
public record CommonSettings(Common common) implements ExperimentSettings {

    public static final CommonSettings DEFAULTS = new CommonSettings(Common.DEFAULTS);
}
