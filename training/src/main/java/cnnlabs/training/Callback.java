package cnnlabs.training;

import java.util.Map;

/**
 * Something that watches a {@link Fit} as Keras' callbacks watch {@code model.fit}: learning-rate schedules, progress,
 * early stopping, checkpoints, the divergence stop, a sweep's pruner. Each may stop the fit ({@link Fit#stop}) or, for a
 * divergence, throw {@link Diverged}.
 *
 * <p>At every event the {@link Trainer} calls its callbacks by {@link #stage()}, and within a stage in the order they
 * were given: schedules set the rate before anything else sees the epoch, the checkpoint is written after every
 * callback whose state it keeps has seen the epoch, and what publishes an epoch comes last, so that every epoch
 * published is in the last checkpoint.
 *
 * <p>A callback with state (a counter, a best value) returns it from {@link #state()} and takes it back in
 * {@link #restore}, filed under its {@link #stateKey()}, so a resumed fit continues exactly; the trainer refuses two
 * callbacks with state under one key.
 */
public interface Callback {

    /** When a callback runs relative to the others. */
    enum Stage {
        /** Learning-rate schedules: at an epoch's start they set the rate the epoch trains at. */
        SCHEDULE,
        /** Everything else by default: progress, a sweep's pruner, a monitor. */
        OBSERVE,
        /** Early stopping and the divergence stop. */
        STOP,
        /** The checkpoint: it keeps the state every earlier callback holds after the epoch. */
        CHECKPOINT,
        /** What puts a finished epoch elsewhere (the run's metrics.csv): after the checkpoint holds it. */
        PUBLISH
    }

    default Stage stage() {
        return Stage.OBSERVE;
    }

    /** The key its state is filed under in a checkpoint. */
    default String stateKey() {
        return getClass().getSimpleName();
    }

    /**
     * Before the first epoch trains; on a resumed fit after everything was restored, with the finished epochs in
     * {@link Fit#history()} (and {@link Fit#resumedFrom()} naming the checkpoint).
     */
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

    /** After the last epoch, or the one a callback stopped at; not when training throws. */
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
