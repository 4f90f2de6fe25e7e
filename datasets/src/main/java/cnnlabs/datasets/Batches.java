package cnnlabs.datasets;

import org.nd4j.linalg.dataset.AsyncDataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** A {@link DataSetIterator} that knows how many batches one pass has (the trainer's progress and smoke cut-off use it). */
public interface Batches extends DataSetIterator {

    /** Number of batches in one pass. */
    int batchesPerEpoch();

    /**
     * These batches prepared on a background thread, up to {@code queue} ahead of the consumer (ND4J's
     * {@link AsyncDataSetIterator}), so that per-image work such as augmentation overlaps training. Same batches,
     * same order: one producer thread runs the source.
     */
    default Batches prefetch(int queue) {
        return new PrefetchingBatches(this, queue);
    }
}
