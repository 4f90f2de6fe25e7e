package cnnlabs.training.optim;

import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;

/**
 * How the learning rate changes from epoch to epoch, or from step to step, as PyTorch's schedulers change it.
 *
 * @param kind         none (constant), step ({@code StepLR}), exponential ({@code ExponentialLR}), cosine
 *                     ({@code CosineAnnealingLR} over the run's epochs, or its steps), plateau
 *                     ({@code ReduceLROnPlateau} on the monitored metric) or onecycle ({@code OneCycleLR} over the
 *                     run's steps, its peak at {@code lr})
 * @param stepEpochs   {@code StepLR}'s {@code step_size}
 * @param gamma        the factor of step, exponential and plateau
 * @param minLr        cosine's {@code eta_min} and plateau's {@code min_lr}
 * @param warmupEpochs a linear warm-up before the schedule: epoch {@code e} of {@code W} runs at {@code lr * e / W}
 * @param patience     plateau: epochs without improvement before the rate drops
 * @param perStep      warm-up and cosine per training step (warm-up over warmupEpochs' steps, cosine over the run's
 *                     steps, PyTorch's schedulers stepped after every batch) rather than per epoch; onecycle always is
 * @param pctStart     onecycle: the fraction of the steps spent rising to the peak ({@code pct_start})
 * @param divFactor    onecycle: the start rate is {@code lr / divFactor} ({@code div_factor})
 * @param finalDivFactor onecycle: the last rate is {@code lr / divFactor / finalDivFactor} ({@code final_div_factor})
 */
public record Schedule(
        @Setting(key = "lr.schedule", help = "none, step, exponential, cosine (over the epochs), plateau or onecycle "
                + "(PyTorch's OneCycleLR over the steps)", example = "cosine") Kind kind,
        @Setting(key = "lr.step.epochs", help = "step: multiply the rate by lr.gamma every N epochs", example = "10")
        int stepEpochs,
        @Setting(key = "lr.gamma", help = "step, exponential and plateau: the factor", example = "0.1") double gamma,
        @Setting(key = "lr.min", help = "cosine: the final rate (eta_min); plateau: the lowest rate", example = "0")
        double minLr,
        @Setting(key = "lr.warmup.epochs", help = "linear warm-up: epoch e of N runs at lr*e/N, then the schedule; "
                + "0 = none", example = "2") int warmupEpochs,
        @Setting(key = "lr.patience", help = "plateau: epochs without improvement of the monitored metric before "
                + "the rate drops", example = "3") int patience,
        @Setting(key = "lr.per.step", help = "warm-up and cosine per training step instead of per epoch",
                example = "true") boolean perStep,
        @Setting(key = "lr.pct.start", help = "onecycle: the fraction of the steps rising to the peak (pct_start)",
                example = "0.3") double pctStart,
        @Setting(key = "lr.div.factor", help = "onecycle: the start rate is lr / this (div_factor)", example = "25")
        double divFactor,
        @Setting(key = "lr.final.div.factor", help = "onecycle: the last rate is the start rate / this "
                + "(final_div_factor)", example = "10000") double finalDivFactor) {

    /** The schedules. */
    public enum Kind {
        NONE, STEP, EXPONENTIAL, COSINE, PLATEAU, ONECYCLE
    }

    /** A constant rate. */
    public static final Schedule CONSTANT = new Schedule(Kind.NONE, 10, 0.1, 0, 0, 3);

    /** Per epoch, with PyTorch's one-cycle defaults should the kind be onecycle. */
    public Schedule(Kind kind, int stepEpochs, double gamma, double minLr, int warmupEpochs, int patience) {
        this(kind, stepEpochs, gamma, minLr, warmupEpochs, patience, false, 0.3, 25, 1e4);
    }

    /** Whether the rate changes after every step rather than every epoch. */
    public boolean changesPerStep() {
        return perStep || kind == Kind.ONECYCLE;
    }

    public Schedule {
        SettingsParser.require(kind != null, "lr.schedule", kind, "none, step, exponential, cosine, plateau or "
                + "onecycle", "cosine");
        SettingsParser.require(stepEpochs >= 1, "lr.step.epochs", stepEpochs, "a whole number >= 1", "10");
        SettingsParser.require(gamma > 0 && gamma <= 1, "lr.gamma", gamma, "a number in (0, 1]", "0.1");
        SettingsParser.require(minLr >= 0, "lr.min", minLr, "a number >= 0", "0");
        SettingsParser.require(warmupEpochs >= 0, "lr.warmup.epochs", warmupEpochs, "a whole number >= 0", "2");
        SettingsParser.require(patience >= 0, "lr.patience", patience, "a whole number >= 0", "3");
        SettingsParser.require(kind != Kind.PLATEAU || gamma < 1, "lr.gamma", gamma,
                "a factor below 1 for the plateau schedule", "0.1");
        SettingsParser.require(pctStart > 0 && pctStart < 1, "lr.pct.start", pctStart, "a fraction in (0, 1)", "0.3");
        SettingsParser.require(divFactor > 0, "lr.div.factor", divFactor, "a number > 0", "25");
        SettingsParser.require(finalDivFactor > 0, "lr.final.div.factor", finalDivFactor, "a number > 0", "10000");
        SettingsParser.require(!perStep || kind == Kind.NONE || kind == Kind.COSINE || kind == Kind.ONECYCLE,
                "lr.per.step", perStep, "true only with a cosine schedule, a warm-up (lr.schedule=none) or onecycle",
                "true");
    }
}
