package cnnlabs.experiments.common;

import cnnlabs.architectures.ModelSummary;
import cnnlabs.training.EpochMetrics;
import cnnlabs.training.Trainer;
import cnnlabs.training.History;

/**
 * One trained model in a summary: its registry name and label, its parameter counts (Keras' sense), and how its
 * training ended.
 *
 * @param trainSeconds time in training steps only (not validation)
 * @param imagesPerSec training images per second over those steps
 */
public record TrainedModel(String model, String name, long totalParams, long trainableParams, int epochs,
                           double finalTrainAccuracy, double finalValAccuracy, double finalValLoss, double trainSeconds,
                           double imagesPerSec) {

    public static TrainedModel of(String model, String name, ModelSummary summary, History history) {
        EpochMetrics last = history.last();
        return new TrainedModel(model, name, summary.totalParams(), summary.trainableParams(), history.epochs().size(),
                last.trainAcc(), last.valAcc(), last.valLoss(), history.trainSeconds(), history.imagesPerSec());
    }
}
