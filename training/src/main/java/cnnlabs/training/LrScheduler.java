package cnnlabs.training;

import cnnlabs.training.optim.LrSchedules;
import cnnlabs.training.optim.Schedule;

/**
 * Sets the learning rate before each epoch from a {@link Schedule} (step, exponential, cosine annealing over the
 * fit's epochs, a linear warm-up), times the fit's {@link Fit#rateFactor()} that {@link ReduceLrOnPlateau} lowers
 * (never below the schedule's {@code lr.min} once lowered).
 */
public final class LrScheduler implements Callback {

    private final Schedule schedule;

    public LrScheduler(Schedule schedule) {
        this.schedule = schedule;
    }

    @Override
    public Stage stage() {
        return Stage.SCHEDULE;
    }

    @Override
    public void onEpochStart(Fit fit, int epoch) {
        double factor = fit.rateFactor();
        fit.setLearningRates(base -> {
            double lr = LrSchedules.lr(schedule, base, epoch - 1, fit.epochs()) * factor;
            return factor < 1 ? Math.max(lr, schedule.minLr()) : lr;
        });
    }
}
