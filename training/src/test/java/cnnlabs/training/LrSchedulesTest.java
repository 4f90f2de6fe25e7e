package cnnlabs.training;

import cnnlabs.training.optim.LrSchedules;
import cnnlabs.training.optim.Optimizer;
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

    /*
     * PyTorch 2.13's own sequences, printed by this script (SGD at lr 0.1, scheduler stepped after each step):
     *   def seq(make, steps):
     *       p = torch.nn.Parameter(torch.zeros(1)); opt = torch.optim.SGD([p], lr=0.1); s = make(opt); out = []
     *       for _ in range(steps): out.append(opt.param_groups[0]['lr']); opt.step(); s.step()
     *       return out
     */
    private static final double[] ONE_CYCLE_10 = {0.0040000000000000036, 0.052000000000000005, 0.1, 0.09504846320134738,
            0.0811745653949763, 0.06112620219362893, 0.03887419780637107, 0.0188258346050237, 0.004951936798652629, 4e-07};
    private static final double[] ONE_CYCLE_12 = {0.009999999999999995, 0.055, 0.1, 0.09698764640825613,
            0.08831391993379295, 0.07502500000000001, 0.05872372647446318, 0.041376273525536834, 0.02507500000000001,
            0.011786080066207053, 0.0031123535917438796, 0.0001};
    private static final double[] COSINE_12 = {0.1, 0.09831332840130888, 0.09336825748732973, 0.0855017856687341,
            0.07525000000000001, 0.06331154273257479, 0.05050000000000001, 0.037688457267425236, 0.025750000000000016,
            0.015498214331265903, 0.007631742512670285, 0.0026866715986911243};
    private static final double[] WARMUP_4_COSINE_8 = {0.025, 0.05, 0.07500000000000001, 0.1, 0.1, 0.09619397662556434,
            0.08535533905932738, 0.0691341716182545, 0.05, 0.030865828381745515, 0.014644660940672627,
            0.0038060233744356634};

    @Test
    void oneCycleIsPytorchsOneCycleLr() {
        // OneCycleLR(max_lr=0.1, total_steps=10, cycle_momentum=False)
        Schedule defaults = new Schedule(Schedule.Kind.ONECYCLE, 10, 0.1, 0, 0, 3);
        for (int s = 0; s < 10; s++) {
            assertEquals(ONE_CYCLE_10[s], LrSchedules.lrAtStep(defaults, 0.1, s, 10, 5), 1e-15, "step " + s);
        }
        // OneCycleLR(max_lr=0.1, total_steps=12, pct_start=0.25, div_factor=10, final_div_factor=100)
        Schedule custom = new Schedule(Schedule.Kind.ONECYCLE, 10, 0.1, 0, 0, 3, false, 0.25, 10, 100);
        for (int s = 0; s < 12; s++) {
            assertEquals(ONE_CYCLE_12[s], LrSchedules.lrAtStep(custom, 0.1, s, 12, 4), 1e-15, "step " + s);
        }
    }

    @Test
    void cosineAndWarmUpPerStepArePytorchsSchedulersSteppedEveryBatch() {
        // CosineAnnealingLR(T_max=12, eta_min=0.001)
        Schedule cosine = new Schedule(Schedule.Kind.COSINE, 10, 0.1, 0.001, 0, 3, true, 0.3, 25, 1e4);
        for (int s = 0; s < 12; s++) {
            assertEquals(COSINE_12[s], LrSchedules.lrAtStep(cosine, 0.1, s, 12, 4), 1e-15, "step " + s);
        }
        // SequentialLR([LinearLR(0.25, 1.0, total_iters=3), CosineAnnealingLR(T_max=8)], milestones=[4]): one epoch of
        // four steps warming up, then cosine over the other eight
        Schedule warm = new Schedule(Schedule.Kind.COSINE, 10, 0.1, 0, 1, 3, true, 0.3, 25, 1e4);
        for (int s = 0; s < 12; s++) {
            assertEquals(WARMUP_4_COSINE_8[s], LrSchedules.lrAtStep(warm, 0.1, s, 12, 4), 1e-15, "step " + s);
        }
    }

    @Test
    void theLoopSetsEveryStepsRateFromAScheduleThatChangesPerStep() {
        org.deeplearning4j.nn.graph.ComputationGraph graph = cnnlabs.architectures.Architectures.create("lenet5",
                cnnlabs.architectures.BuildOptions.defaults().withUpdater(new org.nd4j.linalg.learning.config.Sgd(0.1)));
        java.util.List<Double> used = new java.util.ArrayList<>();
        Schedule oneCycle = new Schedule(Schedule.Kind.ONECYCLE, 10, 0.1, 0, 0, 3);
        new Trainer(new TrainerConfig(Optimizer.KERAS_ADAM, oneCycle, CallbackSettings.DEFAULTS, 5),
                new Console(new java.io.PrintStream(new java.io.ByteArrayOutputStream()), Console.Mode.OFF))
                .withCallback(() -> new Callback() {
                    @Override
                    public void onEpochStart(Fit fit, int epoch) {
                        used.add(fit.learningRate());
                    }

                    @Override
                    public void onBatchEnd(Fit fit, int epoch, int batch, double loss) {
                        if (batch < 5) {
                            used.add(fit.learningRate()); // the schedule already set the next step's
                        }
                    }
                })
                .fit("lenet5", graph, RandomImages.of(96, 1).batches(16, true, 1), RandomImages.of(16, 2).batches(16,
                        false, 1), 2);
        assertEquals(10, used.size());
        for (int s = 0; s < 10; s++) {
            assertEquals(ONE_CYCLE_10[s], used.get(s), 1e-9, "the rate of step " + s + " of two epochs of five");
        }
    }
}
