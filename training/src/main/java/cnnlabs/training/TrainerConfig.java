package cnnlabs.training;

import cnnlabs.training.optim.Optimizer;
import cnnlabs.training.optim.Schedule;

/**
 * What the {@link Trainer} needs besides the graph and the data: the optimiser (for its weight decay and gradient
 * clipping; its updater is part of the graph's configuration), the learning-rate schedule, what watches the fit, the
 * loss's label smoothing (class weights are part of the output layer's loss), and how many batches a pass may take.
 *
 * @param maxBatches stop every training and validation pass after this many batches (smoke runs); 0 = full passes
 */
public record TrainerConfig(Optimizer optimizer, Schedule schedule, CallbackSettings callbacks, Loss loss,
                            int maxBatches) {

    /**
     * A constant rate, no weight decay or clipping, hard labels, no early stopping, the divergence stop at a loss of
     * 10, full passes.
     */
    public static final TrainerConfig DEFAULTS = new TrainerConfig(Optimizer.KERAS_ADAM, Schedule.CONSTANT,
            CallbackSettings.DEFAULTS, Loss.PLAIN, 0);

    public TrainerConfig {
        if (optimizer == null || schedule == null || callbacks == null || loss == null || maxBatches < 0) {
            throw new IllegalArgumentException("an optimiser, a schedule, callback settings, a loss and max batches >= 0 "
                    + "are needed, got " + optimizer + ", " + schedule + ", " + callbacks + ", " + loss + ", "
                    + maxBatches);
        }
    }

    /** Hard labels. */
    public TrainerConfig(Optimizer optimizer, Schedule schedule, CallbackSettings callbacks, int maxBatches) {
        this(optimizer, schedule, callbacks, Loss.PLAIN, maxBatches);
    }

    public TrainerConfig withMaxBatches(int batches) {
        return new TrainerConfig(optimizer, schedule, callbacks, loss, batches);
    }
}
