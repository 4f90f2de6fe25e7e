package cnnlabs.training;

import cnnlabs.training.optim.LrSchedules;
import cnnlabs.training.optim.Schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LrSchedulesTest {

    private static Schedule schedule(Schedule.Kind kind, int step, double gamma, double min, int warmup) {
        return new Schedule(kind, step, gamma, min, warmup, 3);
    }

    /**
     * PyTorch's CosineAnnealingLR.get_lr(), the recursive ("chainable") form it actually runs, stepped once per epoch:
     * the rate of epoch t from the rate of epoch t - 1.
     */
    private static double[] pytorchCosine(double base, double etaMin, int tMax, int epochs) {
        double[] lr = new double[epochs];
        lr[0] = base;
        for (int t = 1; t < epochs; t++) {
            if ((t - 1 - tMax) % (2 * tMax) == 0) {
                lr[t] = lr[t - 1] + (base - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            } else {
                lr[t] = (1 + Math.cos(Math.PI * t / tMax)) / (1 + Math.cos(Math.PI * (t - 1) / tMax)) * (lr[t - 1] - etaMin)
                        + etaMin;
            }
        }
        return lr;
    }

    @Test
    void cosineIsPyTorchsCosineAnnealingLrOverTheRunsEpochs() {
        for (double etaMin : new double[] {0, 1e-3}) {
            double[] torch = pytorchCosine(0.1, etaMin, 20, 20);
            Schedule cosine = schedule(Schedule.Kind.COSINE, 10, 0.1, etaMin, 0);
            for (int t = 0; t < 20; t++) {
                assertEquals(torch[t], LrSchedules.lr(cosine, 0.1, t, 20), 1e-15, "epoch " + t + ", eta_min " + etaMin);
            }
        }
        // the seed's recipe: 0.1 at the start, eta_min at T_max (the epoch after the last)
        assertEquals(0.1 * (1 + Math.cos(Math.PI * 19 / 20)) / 2, LrSchedules.lr(schedule(Schedule.Kind.COSINE, 10, 0.1, 0,
                0), 0.1, 19, 20), 1e-17);
    }

    @Test
    void stepAndExponentialMultiplyByGamma() {
        Schedule step = schedule(Schedule.Kind.STEP, 3, 0.5, 0, 0);
        double[] expected = {1, 1, 1, 0.5, 0.5, 0.5, 0.25};
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t], LrSchedules.lr(step, 1, t, 10), 0, "StepLR(step_size=3, gamma=0.5) epoch " + t);
        }
        Schedule exp = schedule(Schedule.Kind.EXPONENTIAL, 3, 0.9, 0, 0);
        assertEquals(0.1 * 0.9 * 0.9 * 0.9, LrSchedules.lr(exp, 0.1, 3, 10), 1e-15);
        assertEquals(0.1, LrSchedules.lr(Schedule.CONSTANT, 0.1, 7, 10), 0);
    }

    @Test
    void warmUpRampsLinearlyThenTheScheduleRunsOverTheRest() {
        Schedule s = schedule(Schedule.Kind.COSINE, 10, 0.1, 0, 2);
        assertEquals(0.05, LrSchedules.lr(s, 0.1, 0, 10), 1e-17);
        assertEquals(0.1, LrSchedules.lr(s, 0.1, 1, 10), 1e-17);
        double[] torch = pytorchCosine(0.1, 0, 8, 8);
        for (int t = 2; t < 10; t++) {
            assertEquals(torch[t - 2], LrSchedules.lr(s, 0.1, t, 10), 1e-15);
        }
    }
}
