package cnnlabs.architectures;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * How to build a registered architecture: the weight-init seed, the optimiser (DL4J keeps it in the graph
 * configuration, where Keras passes it to {@code compile}), and batch-norm settings.
 *
 * @param bnMomentum moving-average momentum of batch-norm statistics, in Keras' sense
 *                   ({@code moving = momentum * moving + (1 - momentum) * batch}; DL4J calls it decay).
 *                   0.9 is PyTorch's and DL4J's default; Keras' default is 0.99 (see {@link #KERAS_BN_MOMENTUM}).
 * @param bnEpsilon  batch-norm epsilon; Keras' default 1e-3
 * @param dataType   the graph's floating-point type: FLOAT (float32, as the labs train) unless a gradient check
 *                   needs DOUBLE
 * @param dropout    the rate of every dropout layer of the model (Keras' rate: the fraction dropped), or NaN for each
 *                   layer's own rate as its lab writes it
 * @param classWeights each class's weight in the softmax classifier's cross-entropy (DL4J's weighted
 *                   {@code LossMCXENT}, Keras' {@code class_weight}), or an empty array for equal weights
 * @param classes    the softmax classifier's number of classes, or 0 for the model's own (10 for every lab's model); a
 *                   dataset of another number of classes (a folder of images) sets it
 */
public record BuildOptions(long seed, IUpdater updater, double bnMomentum, double bnEpsilon, DataType dataType,
                           double dropout, double[] classWeights, int classes) {

    public static final double DEFAULT_BN_MOMENTUM = 0.9;
    public static final double KERAS_BN_MOMENTUM = 0.99;
    public static final double KERAS_BN_EPSILON = 1e-3;

    public BuildOptions {
        if (updater == null) {
            throw new IllegalArgumentException("updater must not be null");
        }
        if (!(bnMomentum >= 0 && bnMomentum < 1)) {
            throw new IllegalArgumentException("batch-norm momentum must be in [0, 1), got " + bnMomentum);
        }
        if (!(bnEpsilon > 0)) {
            throw new IllegalArgumentException("batch-norm epsilon must be positive, got " + bnEpsilon);
        }
        if (dataType == null || !dataType.isFPType()) {
            throw new IllegalArgumentException("data type must be a floating-point type, got " + dataType);
        }
        if (!Double.isNaN(dropout) && !(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1) or NaN (the model's own), got " + dropout);
        }
        classWeights = classWeights == null ? new double[0] : classWeights.clone();
        if (classes < 0 || classes == 1) {
            throw new IllegalArgumentException("a classifier has 0 (the model's own) or at least 2 classes, got " + classes);
        }
    }

    /** The model's own number of classes. */
    public BuildOptions(long seed, IUpdater updater, double bnMomentum, double bnEpsilon, DataType dataType,
                        double dropout, double[] classWeights) {
        this(seed, updater, bnMomentum, bnEpsilon, dataType, dropout, classWeights, 0);
    }

    /** Equal class weights. */
    public BuildOptions(long seed, IUpdater updater, double bnMomentum, double bnEpsilon, DataType dataType,
                        double dropout) {
        this(seed, updater, bnMomentum, bnEpsilon, dataType, dropout, null);
    }

    /** Each dropout layer at its lab's rate. */
    public BuildOptions(long seed, IUpdater updater, double bnMomentum, double bnEpsilon, DataType dataType) {
        this(seed, updater, bnMomentum, bnEpsilon, dataType, Double.NaN);
    }

    /** Float32 graphs, as the labs train. */
    public BuildOptions(long seed, IUpdater updater, double bnMomentum, double bnEpsilon) {
        this(seed, updater, bnMomentum, bnEpsilon, DataType.FLOAT);
    }

    /** Keras' Adam defaults (beta1 0.9, beta2 0.999, epsilon 1e-7) at {@code learningRate}. */
    public static IUpdater kerasAdam(double learningRate) {
        return new Adam(learningRate, 0.9, 0.999, 1e-7);
    }

    /** Seed 42, Keras' Adam at 1e-3, batch-norm momentum 0.9 and Keras' epsilon. */
    public static BuildOptions defaults() {
        return new BuildOptions(42, kerasAdam(1e-3), DEFAULT_BN_MOMENTUM, KERAS_BN_EPSILON);
    }

    public BuildOptions withSeed(long newSeed) {
        return new BuildOptions(newSeed, updater, bnMomentum, bnEpsilon, dataType, dropout, classWeights, classes);
    }

    public BuildOptions withUpdater(IUpdater newUpdater) {
        return new BuildOptions(seed, newUpdater, bnMomentum, bnEpsilon, dataType, dropout, classWeights, classes);
    }

    public BuildOptions withBnMomentum(double momentum) {
        return new BuildOptions(seed, updater, momentum, bnEpsilon, dataType, dropout, classWeights, classes);
    }

    public BuildOptions withDataType(DataType newDataType) {
        return new BuildOptions(seed, updater, bnMomentum, bnEpsilon, newDataType, dropout, classWeights, classes);
    }

    /** Every dropout layer at {@code rate} (NaN: each at its lab's rate). */
    public BuildOptions withDropout(double rate) {
        return new BuildOptions(seed, updater, bnMomentum, bnEpsilon, dataType, rate, classWeights, classes);
    }

    /** Each class's weight in the classifier's loss (an empty array: equal weights). */
    public BuildOptions withClassWeights(double[] weights) {
        return new BuildOptions(seed, updater, bnMomentum, bnEpsilon, dataType, dropout, weights, classes);
    }

    /** A classifier of {@code count} classes instead of the model's own (0: the model's own). */
    public BuildOptions withClasses(int count) {
        return new BuildOptions(seed, updater, bnMomentum, bnEpsilon, dataType, dropout, classWeights, count);
    }

    /** The number of classes the classifier gets: {@code modelClasses}, or the override where one is set. */
    public int classesOr(int modelClasses) {
        return classes == 0 ? modelClasses : classes;
    }

    @Override
    public double[] classWeights() {
        return classWeights.clone();
    }

    /** {@code labRate}, or the override where one is set. */
    public double dropoutOr(double labRate) {
        return Double.isNaN(dropout) ? labRate : dropout;
    }
}
