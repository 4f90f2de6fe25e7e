package cnnlabs.experiments;

import java.util.Properties;
import java.util.function.Function;

/**
 * The settings of one experiment run. Each experiment has its own defaults (the lab's values); every field
 * can be overridden with a {@code -D} property, and every value is validated here.
 *
 * @param epochs          {@code -Depochs}: passes over the training data
 * @param batchSize       {@code -Dbatch.size}
 * @param learningRate    {@code -Dlr}: Adam's learning rate
 * @param seed            {@code -Dseed}: weight initialisation, shuffling and dropout
 * @param subset          {@code -Dsubset}: use the first N training images ({@code X_train[:N]}); 0 = all
 * @param validationSplit {@code -Dvalidation.split}: Keras' {@code validation_split}, the last fraction of the
 *                        (subset of the) training images
 * @param maxBatches      {@code -Dmax.batches}: stop each pass (training, validation, test) after N batches, for
 *                        smoke runs; 0 = no limit
 * @param bnMomentum      {@code -Dbn.momentum}: batch-norm moving-average momentum (Keras' sense)
 */
public record RunConfig(int epochs, int batchSize, double learningRate, long seed, int subset,
                        double validationSplit, int maxBatches, double bnMomentum) {

    public static final String EPOCHS = "epochs";
    public static final String BATCH_SIZE = "batch.size";
    public static final String LEARNING_RATE = "lr";
    public static final String SEED = "seed";
    public static final String SUBSET = "subset";
    public static final String VALIDATION_SPLIT = "validation.split";
    public static final String MAX_BATCHES = "max.batches";
    public static final String BN_MOMENTUM = "bn.momentum";

    /**
     * Settings for an experiment that trains nothing: only {@code seed} (and {@code max.batches}, where the
     * experiment has a shortened mode) mean anything; the rest are placeholders that pass validation.
     */
    public static final RunConfig NO_TRAINING = new RunConfig(1, 1, 1e-3, 42, 0, 0.1, 0, 0.9);

    private static final String WHOLE = "a whole number";
    private static final String NUMBER = "a number";
    static final Function<String, Integer> INT = s -> Integer.parseInt(s.replace("_", ""));

    public RunConfig {
        require(epochs >= 1, EPOCHS, epochs, "a whole number >= 1");
        require(batchSize >= 1, BATCH_SIZE, batchSize, "a whole number >= 1");
        require(learningRate > 0 && learningRate <= 10, LEARNING_RATE, learningRate, "a number in (0, 10]");
        require(subset >= 0, SUBSET, subset, "a whole number >= 0 (0 = all images)");
        require(validationSplit > 0 && validationSplit < 1, VALIDATION_SPLIT, validationSplit,
                "a fraction strictly between 0 and 1");
        require(maxBatches >= 0, MAX_BATCHES, maxBatches, "a whole number >= 0 (0 = no limit)");
        require(bnMomentum >= 0 && bnMomentum < 1, BN_MOMENTUM, bnMomentum, "a number in [0, 1)");
    }

    /** True when passes are cut short ({@code -Dmax.batches}): the numbers are not the lab's. */
    public boolean isSmokeRun() {
        return maxBatches > 0;
    }

    /** This config with every property present in {@code props} applied; invalid values are rejected. */
    public RunConfig withOverrides(Properties props) {
        return new RunConfig(
                property(props, EPOCHS, epochs, INT, WHOLE),
                property(props, BATCH_SIZE, batchSize, INT, WHOLE),
                property(props, LEARNING_RATE, learningRate, RunConfig::finiteDouble, NUMBER),
                property(props, SEED, seed, Long::parseLong, WHOLE),
                property(props, SUBSET, subset, INT, WHOLE),
                property(props, VALIDATION_SPLIT, validationSplit, RunConfig::finiteDouble, NUMBER),
                property(props, MAX_BATCHES, maxBatches, INT, WHOLE),
                property(props, BN_MOMENTUM, bnMomentum, RunConfig::finiteDouble, NUMBER));
    }

    public RunConfig withEpochs(int newEpochs) {
        return new RunConfig(newEpochs, batchSize, learningRate, seed, subset, validationSplit, maxBatches, bnMomentum);
    }

    public RunConfig withMaxBatches(int newMaxBatches) {
        return new RunConfig(epochs, batchSize, learningRate, seed, subset, validationSplit, newMaxBatches, bnMomentum);
    }

    public RunConfig withSubset(int newSubset) {
        return new RunConfig(epochs, batchSize, learningRate, seed, newSubset, validationSplit, maxBatches, bnMomentum);
    }

    private static void require(boolean ok, String key, Object value, String expected) {
        require(ok, key, value, expected, example(key));
    }

    /** Throws the invalid-value {@link ConfigException} for {@code -Dkey} unless {@code ok}; also for experiments' own settings. */
    static void require(boolean ok, String key, Object value, String expected, String example) {
        if (!ok) {
            throw invalid(key, shortest(value), expected, example);
        }
    }

    /** A number as briefly as it can be written: 0 rather than 0.0, 0.001 rather than 1.0E-3. */
    private static String shortest(Object value) {
        if (value instanceof Double d) {
            return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    private static ConfigException invalid(String key, String value, String expected, String example) {
        return new ConfigException("Invalid value '" + value + "' for -D" + key + ": expected " + expected
                + ", e.g. -D" + key + "=" + example + ". Leave it out to use the experiment's default.");
    }

    /** The property's value parsed by {@code parser}, or {@code fallback} when it is absent. */
    private static <T> T property(Properties props, String key, T fallback, Function<String, T> parser, String expected) {
        return property(props, key, fallback, parser, expected, example(key));
    }

    /**
     * {@code -Dkey} parsed by {@code parser}, or {@code fallback} when it is absent; an unparsable value is a
     * {@link ConfigException} naming {@code example}. Also for experiments' own settings.
     */
    static <T> T property(Properties props, String key, T fallback, Function<String, T> parser, String expected,
                          String example) {
        String value = props.getProperty(key);
        if (value == null) {
            return fallback;
        }
        try {
            return parser.apply(value.strip());
        } catch (NumberFormatException e) {
            throw invalid(key, value.strip(), expected, example);
        }
    }

    /** A finite double; anything else is a {@link NumberFormatException}. */
    static double finiteDouble(String s) {
        double d = Double.parseDouble(s);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new NumberFormatException(s);
        }
        return d;
    }

    private static String example(String key) {
        return switch (key) {
            case EPOCHS -> "5";
            case BATCH_SIZE -> "128";
            case LEARNING_RATE -> "0.001";
            case SUBSET -> "10000";
            case VALIDATION_SPLIT -> "0.2";
            case MAX_BATCHES -> "3";
            case BN_MOMENTUM -> "0.99";
            default -> "42";
        };
    }
}
