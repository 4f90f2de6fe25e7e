package cnnlabs.datasets;

import java.util.List;
import java.util.NoSuchElementException;
import org.nd4j.linalg.dataset.AsyncDataSetIterator;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;

/** {@link Batches#prefetch}: ND4J's {@link AsyncDataSetIterator} around a {@link Batches}, keeping its batch count. */
final class PrefetchingBatches implements Batches {

    private static final long serialVersionUID = 1L;

    private final Batches source;
    private final AsyncDataSetIterator async;

    PrefetchingBatches(Batches source, int queue) {
        if (queue < 1) {
            throw new IllegalArgumentException("prefetch queue must hold at least one batch, got " + queue);
        }
        this.source = source;
        // no workspace: a batch stays valid for as long as the consumer holds it
        this.async = new AsyncDataSetIterator(source, queue, false);
    }

    @Override
    public int batchesPerEpoch() {
        return source.batchesPerEpoch();
    }

    @Override
    public boolean hasNext() {
        return async.hasNext();
    }

    /** The next batch; unlike ND4J's async iterator, this does not need a {@link #hasNext()} call first. */
    @Override
    public DataSet next() {
        if (!async.hasNext()) {
            throw new NoSuchElementException("no more batches; call reset()");
        }
        return async.next();
    }

    @Override
    public DataSet next(int num) {
        throw new UnsupportedOperationException("prefetched batches have the source's fixed size");
    }

    @Override
    public int inputColumns() {
        return source.inputColumns();
    }

    @Override
    public int totalOutcomes() {
        return source.totalOutcomes();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        async.reset();
    }

    @Override
    public int batch() {
        return source.batch();
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        source.setPreProcessor(preProcessor);
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return source.getPreProcessor();
    }

    @Override
    public List<String> getLabels() {
        return source.getLabels();
    }

    /** Stops the background thread. */
    public void shutdown() {
        async.shutdown();
    }
}
