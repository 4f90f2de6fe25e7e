package cnnlabs.training;

/**
 * One epoch of one model, as written to {@code metrics.csv}.
 *
 * @param trainLoss    mean training loss over the epoch's batches, in training mode (dropout on), as Keras reports it
 * @param trainAcc     accuracy of those same training-mode predictions
 * @param seconds      wall time of the whole epoch, training and validation
 * @param imagesPerSec training images per second (training time only)
 */
public record EpochMetrics(String model, int epoch, double trainLoss, double trainAcc, double valLoss, double valAcc,
                           double learningRate, double seconds, double imagesPerSec) {
}
