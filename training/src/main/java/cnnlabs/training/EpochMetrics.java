package cnnlabs.training;

/**
 * One epoch of one model, as written to {@code metrics.csv}.
 *
 * @param trainLoss    mean training loss over the epoch's batches, in training mode (dropout on), as Keras reports it
 * @param trainAcc     accuracy of those same training-mode predictions
 * @param seconds      wall time of the whole epoch, training and validation
 * @param imagesPerSec training images per second (training time only)
 * @param valTopK      validation top-k accuracy (k: {@code -Dtop.k}, 5 unless set)
 * @param valMacroF1   validation F1, the mean over classes
 * @param valWeightedF1 validation F1, the mean weighted by each class's images
 */
public record EpochMetrics(String model, int epoch, double trainLoss, double trainAcc, double valLoss, double valAcc,
                           double learningRate, double seconds, double imagesPerSec, Double valTopK, Double valMacroF1,
                           Double valWeightedF1) {

    public EpochMetrics {
        // epochs a checkpoint kept before these were measured
        valTopK = valTopK == null ? Double.NaN : valTopK;
        valMacroF1 = valMacroF1 == null ? Double.NaN : valMacroF1;
        valWeightedF1 = valWeightedF1 == null ? Double.NaN : valWeightedF1;
    }

    /** Without the top-k accuracy and F1. */
    public EpochMetrics(String model, int epoch, double trainLoss, double trainAcc, double valLoss, double valAcc,
                        double learningRate, double seconds, double imagesPerSec) {
        this(model, epoch, trainLoss, trainAcc, valLoss, valAcc, learningRate, seconds, imagesPerSec, Double.NaN,
                Double.NaN, Double.NaN);
    }
}
