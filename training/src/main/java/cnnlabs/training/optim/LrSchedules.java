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
            case NONE, PLATEAU, ONECYCLE -> base;
            case STEP -> base * Math.pow(schedule.gamma(), Math.floorDiv(t, schedule.stepEpochs()));
            case EXPONENTIAL -> base * Math.pow(schedule.gamma(), t);
            // CosineAnnealingLR(T_max = span, eta_min): the closed form PyTorch documents
            case COSINE -> schedule.minLr() + (base - schedule.minLr()) * (1 + Math.cos(Math.PI * t / span)) / 2;
        };
    }

    /**
     * The rate for training step {@code step} (0-based, counted from the fit's start) of {@code steps}, with
     * {@code stepsPerEpoch} steps an epoch: a warm-up over {@code warmupEpochs} epochs' steps ({@code base * (s + 1) / W},
     * PyTorch's {@code LinearLR(1 / W, 1, W - 1)}), then cosine annealing over the remaining steps
     * ({@code CosineAnnealingLR(T_max = steps - W)} stepped after every batch), or {@code OneCycleLR(max_lr = base,
     * total_steps = steps)} with cosine annealing in two phases. Other schedules change per epoch.
     */
    public static double lrAtStep(Schedule schedule, double base, int step, int steps, int stepsPerEpoch) {
        if (schedule.kind() == Schedule.Kind.ONECYCLE) {
            return oneCycle(schedule, base, step, steps);
        }
        int warmup = schedule.warmupEpochs() * stepsPerEpoch;
        if (step < warmup) {
            return base * (step + 1) / warmup;
        }
        if (schedule.kind() != Schedule.Kind.COSINE) {
            return base;
        }
        int span = Math.max(1, steps - warmup);
        return schedule.minLr() + (base - schedule.minLr()) * (1 + Math.cos(Math.PI * (step - warmup) / span)) / 2;
    }

    /** PyTorch's {@code OneCycleLR}: up from {@code base / div} to {@code base}, then down to {@code base / div / final}. */
    private static double oneCycle(Schedule schedule, double base, int step, int steps) {
        double initial = base / schedule.divFactor();
        double min = initial / schedule.finalDivFactor();
        double peakStep = schedule.pctStart() * steps - 1;
        double lastStep = steps - 1;
        if (step <= peakStep) {
            return anneal(initial, base, step / peakStep);
        }
        return anneal(base, min, (step - peakStep) / (lastStep - peakStep));
    }

    /** PyTorch's {@code _annealing_cos}: from {@code start} at 0 to {@code end} at 1. */
    private static double anneal(double start, double end, double pct) {
        return end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
    }
}
