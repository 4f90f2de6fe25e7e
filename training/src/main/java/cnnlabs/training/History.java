package cnnlabs.training;

import java.util.List;

/**
 * What a {@link Trainer#fit} did, as Keras' {@code History}: every epoch's metrics, the time spent in training steps
 * only (not validation) and the images they saw, and why it stopped before its last epoch (early stopping, a pruner),
 * or null.
 */
public record History(List<EpochMetrics> epochs, double trainSeconds, long trainImages, String stopReason) {

    public EpochMetrics last() {
        return epochs.get(epochs.size() - 1);
    }

    public double imagesPerSec() {
        return trainImages / trainSeconds;
    }
}
