package cnnlabs.training;

import cnnlabs.training.optim.LrSchedules;
import cnnlabs.training.optim.Schedule;

/**
 * Sets the learning rate before each epoch from a {@link Schedule} (step, exponential, cosine annealing over the
 * fit's epochs, a linear warm-up), or before each step for a schedule that changes per step (cosine and warm-up per
 * step, one-cycle; steps counted from the fit's start, so a resumed fit goes on where it was), times the fit's
 * {@link Fit#rateFactor()} that {@link ReduceLrOnPlateau} lowers (never below the schedule's {@code lr.min} once
 * lowered).
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
        if (schedule.changesPerStep()) {
            atStep(fit, (epoch - 1) * fit.batchesThisEpoch());
        } else {
            set(fit, base -> LrSchedules.lr(schedule, base, epoch - 1, fit.epochs()));
        }
    }

    /** The next step's rate, once a step has been taken. */
    @Override
    public void onBatchEnd(Fit fit, int epoch, int batch, double loss) {
        if (schedule.changesPerStep()) {
            atStep(fit, (epoch - 1) * fit.batchesThisEpoch() + batch);
        }
    }

    private void atStep(Fit fit, int step) {
        int perEpoch = Math.max(1, fit.batchesThisEpoch());
        set(fit, base -> LrSchedules.lrAtStep(schedule, base, step, fit.epochs() * perEpoch, perEpoch));
    }

    private void set(Fit fit, java.util.function.DoubleUnaryOperator scheduled) {
        double factor = fit.rateFactor();
        fit.setLearningRates(base -> {
            double lr = scheduled.applyAsDouble(base) * factor;
            return factor < 1 ? Math.max(lr, schedule.minLr()) : lr;
        });
    }
}
