package cnnlabs.sweep;

import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;
import java.util.Arrays;
import java.util.List;

/**
 * {@link SamplerBenchmark}'s settings. Repetition k (0-based) of either part uses seed {@code seed + k}: the sweep's
 * seed for both samplers (so they draw the same startup trials) and, on MNIST, the trials' training seed.
 *
 * @param common       the first seed, and smoke-run length (which also cuts the benchmark itself short)
 * @param functions    the test functions
 * @param seeds        repetitions per sampler on each test function
 * @param trials       the budget on a test function
 * @param startup      TPE's random startup trials on the test functions
 * @param mnistSeeds   repetitions per sampler of the MnistSimpleCnn sweeps (0: that part is skipped)
 * @param mnistTrials  the budget of a MnistSimpleCnn sweep
 * @param mnistStartup TPE's random startup trials on MnistSimpleCnn
 * @param mnistEpochs  epochs per MnistSimpleCnn trial
 * @param mnistSubset  training images per MnistSimpleCnn trial (the last tenth validates)
 * @param mnistTarget  the validation accuracy a MnistSimpleCnn sweep counts as reaching the target: 0.92, as one
 *                     epoch on 5,400 images gets at best about 0.93 (the best of a first run's 72 trials: 0.935)
 */
public record SamplerBenchmarkSettings(
        Common common,
        @Setting(key = "bench.functions", help = "the test functions, comma-separated: branin, hartmann6 (empty: "
                + "none)", example = "branin") String functions,
        @Setting(key = "bench.seeds", help = "repetitions per sampler on each test function", example = "20") int seeds,
        @Setting(key = "bench.trials", help = "trials per run on a test function (the budget)", example = "50")
        int trials,
        @Setting(key = "bench.startup", help = "TPE's random startup trials on the test functions (Optuna's default: "
                + "10)", example = "10") int startup,
        @Setting(key = "bench.mnist.seeds", help = "repetitions per sampler of the MnistSimpleCnn sweeps; 0 = skip them",
                example = "3") int mnistSeeds,
        @Setting(key = "bench.mnist.trials", help = "trials per MnistSimpleCnn sweep (the budget)", example = "12")
        int mnistTrials,
        @Setting(key = "bench.mnist.startup", help = "TPE's random startup trials in a MnistSimpleCnn sweep",
                example = "4") int mnistStartup,
        @Setting(key = "bench.mnist.epochs", help = "epochs per MnistSimpleCnn trial", example = "1") int mnistEpochs,
        @Setting(key = "bench.mnist.subset", help = "the first N MNIST training images per trial (the last tenth "
                + "validates)", example = "6000") int mnistSubset,
        @Setting(key = "bench.mnist.target", help = "the val_acc at which a MnistSimpleCnn sweep has reached the "
                + "target", example = "0.92") double mnistTarget)
        implements ExperimentSettings {

    /** Both test functions, 20 seeds x 50 trials; MnistSimpleCnn 3 seeds x 12 trials of 1 epoch on 6,000 images. */
    public static final SamplerBenchmarkSettings DEFAULTS = new SamplerBenchmarkSettings(Common.DEFAULTS,
            "branin,hartmann6", 20, 50, 10, 3, 12, 4, 1, 6000, 0.92);

    public SamplerBenchmarkSettings {
        SettingsParser.require(functions != null && names(functions).stream().allMatch(SamplerBenchmarkSettings::known),
                "bench.functions", functions, "a comma-separated list of branin, hartmann6 (empty: none)", "branin");
        SettingsParser.require(seeds >= 1 && seeds <= 1000, "bench.seeds", seeds, "a whole number from 1 to 1000",
                "20");
        SettingsParser.require(trials >= 1 && trials <= 1000, "bench.trials", trials, "a whole number from 1 to 1000",
                "50");
        SettingsParser.require(startup >= 1, "bench.startup", startup, "a whole number >= 1", "10");
        SettingsParser.require(mnistSeeds >= 0 && mnistSeeds <= 100, "bench.mnist.seeds", mnistSeeds,
                "a whole number from 0 to 100", "3");
        SettingsParser.require(mnistTrials >= 1, "bench.mnist.trials", mnistTrials, "a whole number >= 1", "12");
        SettingsParser.require(mnistStartup >= 1, "bench.mnist.startup", mnistStartup, "a whole number >= 1", "4");
        SettingsParser.require(mnistEpochs >= 1, "bench.mnist.epochs", mnistEpochs, "a whole number >= 1", "1");
        SettingsParser.require(mnistSubset >= 100, "bench.mnist.subset", mnistSubset, "a whole number >= 100", "6000");
        SettingsParser.require(mnistTarget > 0 && mnistTarget <= 1, "bench.mnist.target", mnistTarget,
                "an accuracy in (0, 1]", "0.92");
    }

    /** The test functions named, in order. */
    List<BenchmarkFunction> testFunctions() {
        return names(functions).stream().map(BenchmarkFunction::of).toList();
    }

    private static List<String> names(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static boolean known(String name) {
        try {
            BenchmarkFunction.of(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
