package cnnlabs.experiments.training;

import java.util.Map;

/**
 * Something that watches a {@link Fit} as Keras' callbacks watch {@code model.fit}: early stopping, checkpoints,
 * learning-rate schedules, the divergence stop. Callbacks run in the order given; each may stop the fit
 * ({@link Fit#stop}) or, for a divergence, throw {@link Diverged}. A callback with state (a counter, a best value)
 * returns it from {@link #state()} and takes it back in {@link #restore}, so a resumed run continues exactly.
 */
public interface Callback {

    /** The name its state is filed under in a checkpoint. */
    default String name() {
        return getClass().getSimpleName();
    }

    default void onTrainStart(Fit fit) {
    }

    /** Before epoch {@code epoch} (1-based) trains. */
    default void onEpochStart(Fit fit, int epoch) {
    }

    /** After a training batch: {@code batch} is 1-based within the epoch, {@code loss} that batch's loss. */
    default void onBatchEnd(Fit fit, int epoch, int batch, double loss) {
    }

    /** After the epoch's validation, with its metrics (already in {@link Fit#history()}). */
    default void onEpochEnd(Fit fit, EpochMetrics metrics) {
    }

    default void onTrainEnd(Fit fit) {
    }

    /** What a checkpoint must keep for {@link #restore} (numbers, strings, booleans); empty when stateless. */
    default Map<String, Object> state() {
        return Map.of();
    }

    /** Takes back {@link #state()} from a checkpoint, before training continues. */
    default void restore(Fit fit, Map<String, Object> state) {
    }
}
