package cnnlabs.training.optim;

import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;

/**
 * How the learning rate changes from epoch to epoch, as PyTorch's schedulers change it.
 *
 * @param kind         none (constant), step ({@code StepLR}), exponential ({@code ExponentialLR}), cosine
 *                     ({@code CosineAnnealingLR} over the run's epochs) or plateau ({@code ReduceLROnPlateau} on the
 *                     monitored metric)
 * @param stepEpochs   {@code StepLR}'s {@code step_size}
 * @param gamma        the factor of step, exponential and plateau
 * @param minLr        cosine's {@code eta_min} and plateau's {@code min_lr}
 * @param warmupEpochs a linear warm-up before the schedule: epoch {@code e} of {@code W} runs at {@code lr * e / W}
 * @param patience     plateau: epochs without improvement before the rate drops
 */
public record Schedule(
        @Setting(key = "lr.schedule", help = "none, step, exponential, cosine (over the epochs) or plateau",
                example = "cosine") Kind kind,
        @Setting(key = "lr.step.epochs", help = "step: multiply the rate by lr.gamma every N epochs", example = "10")
        int stepEpochs,
        @Setting(key = "lr.gamma", help = "step, exponential and plateau: the factor", example = "0.1") double gamma,
        @Setting(key = "lr.min", help = "cosine: the final rate (eta_min); plateau: the lowest rate", example = "0")
        double minLr,
        @Setting(key = "lr.warmup.epochs", help = "linear warm-up: epoch e of N runs at lr*e/N, then the schedule; "
                + "0 = none", example = "2") int warmupEpochs,
        @Setting(key = "lr.patience", help = "plateau: epochs without improvement of the monitored metric before "
                + "the rate drops", example = "3") int patience) {

    /** The schedules. */
    public enum Kind {
        NONE, STEP, EXPONENTIAL, COSINE, PLATEAU
    }

    /** A constant rate. */
    public static final Schedule CONSTANT = new Schedule(Kind.NONE, 10, 0.1, 0, 0, 3);

    public Schedule {
        SettingsParser.require(kind != null, "lr.schedule", kind, "none, step, exponential, cosine or plateau",
                "cosine");
        SettingsParser.require(stepEpochs >= 1, "lr.step.epochs", stepEpochs, "a whole number >= 1", "10");
        SettingsParser.require(gamma > 0 && gamma <= 1, "lr.gamma", gamma, "a number in (0, 1]", "0.1");
        SettingsParser.require(minLr >= 0, "lr.min", minLr, "a number >= 0", "0");
        SettingsParser.require(warmupEpochs >= 0, "lr.warmup.epochs", warmupEpochs, "a whole number >= 0", "2");
        SettingsParser.require(patience >= 0, "lr.patience", patience, "a whole number >= 0", "3");
        SettingsParser.require(kind != Kind.PLATEAU || gamma < 1, "lr.gamma", gamma,
                "a factor below 1 for the plateau schedule", "0.1");
    }
}
