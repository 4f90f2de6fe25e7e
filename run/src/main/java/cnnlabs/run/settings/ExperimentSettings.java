package cnnlabs.run.settings;

/**
 * What every experiment's settings record offers the runner: the settings all experiments share, for experiments that
 * train, the shared training settings (a record with a {@code Training training} component implements
 * {@link #training()} by its accessor), and for those that let the user choose the images, that choice (a
 * {@code DatasetChoice dataset} component).
 */
public interface ExperimentSettings {

    Common common();

    /** The shared training settings; experiments that train nothing have none. */
    default Training training() {
        throw new UnsupportedOperationException(getClass().getName() + " has no training settings");
    }

    /** Whether these settings have a {@link Training} part. */
    default boolean trains() {
        return has(Training.class);
    }

    /** Which images to train on; experiments with a fixed dataset have no choice. */
    default DatasetChoice dataset() {
        throw new UnsupportedOperationException(getClass().getName() + " has no dataset choice");
    }

    /** Whether these settings have a {@link DatasetChoice} part. */
    default boolean choosesDataset() {
        return has(DatasetChoice.class);
    }

    private boolean has(Class<? extends Record> part) {
        return this.getClass().isRecord() && java.util.Arrays.stream(getClass().getRecordComponents())
                .anyMatch(c -> c.getType() == part);
    }
}
