package cnnlabs.run.settings;

/**
 * What every experiment's settings record offers the runner: the settings all experiments share, and, for
 * experiments that train, the shared training settings (a record with a {@code Training training} component
 * implements {@link #training()} by its accessor).
 */
public interface ExperimentSettings {

    Common common();

    /** The shared training settings; experiments that train nothing have none. */
    default Training training() {
        throw new UnsupportedOperationException(getClass().getName() + " has no training settings");
    }

    /** Whether these settings have a {@link Training} part. */
    default boolean trains() {
        return this.getClass().isRecord() && java.util.Arrays.stream(getClass().getRecordComponents())
                .anyMatch(c -> c.getType() == Training.class);
    }
}
