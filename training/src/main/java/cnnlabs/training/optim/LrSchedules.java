package cnnlabs.training.optim;


/**
 * The learning rate of each epoch under a {@link Schedule}, as PyTorch's epoch schedulers give it (stepped once per
 * epoch, after it). The plateau schedule depends on the metrics and lives in {@code ReduceLrOnPlateau}; here it is a
 * constant rate.
 */
public final class LrSchedules {

    private LrSchedules() {
    }

    /**
     * The rate for epoch {@code epoch} (0-based) of {@code epochs}, starting from {@code base}. A warm-up of {@code W}
     * epochs runs epoch {@code e < W} at {@code base * (e + 1) / W}; the schedule then runs over the remaining epochs
     * as if they were the whole run.
     */
    public static double lr(Schedule schedule, double base, int epoch, int epochs) {
        int warmup = schedule.warmupEpochs();
        if (epoch < warmup) {
            return base * (epoch + 1) / warmup;
        }
        int t = epoch - warmup;
        int span = Math.max(1, epochs - warmup);
        return switch (schedule.kind()) {
            case NONE, PLATEAU -> base;
            case STEP -> base * Math.pow(schedule.gamma(), Math.floorDiv(t, schedule.stepEpochs()));
            case EXPONENTIAL -> base * Math.pow(schedule.gamma(), t);
            // CosineAnnealingLR(T_max = span, eta_min): the closed form PyTorch documents
            case COSINE -> schedule.minLr() + (base - schedule.minLr()) * (1 + Math.cos(Math.PI * t / span)) / 2;
        };
    }
}
