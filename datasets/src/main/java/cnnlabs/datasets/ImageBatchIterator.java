package cnnlabs.datasets;

import cnnlabs.datasets.augment.Augmentation;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mini-batches of an {@link ImageDataset} as ND4J {@link DataSet}s: features NCHW float32 scaled to
 * [0, 1], labels one-hot. The last batch may be smaller, as in Keras.
 *
 * <p>With {@code shuffle}, the order is a fresh permutation at construction and after every
 * {@link #reset()}, drawn from one {@link Random} seeded once, so epoch {@code k} of two runs with the same
 * seed sees the same order (Keras' {@code shuffle=True} per epoch).
 *
 * <p>With an {@link Augmentation}, every image of every batch is a fresh random augmentation of the stored one
 * (training data only: validation and test iterators are made without one). Wrap in {@link #prefetch} so the
 * augmentation runs ahead of training.
 */
public final class ImageBatchIterator implements Batches {

    private static final long serialVersionUID = 1L;

    private final ImageDataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final Random random;
    private final int[] order;
    private final Augmentation augmentation;
    private int cursor;
    private DataSetPreProcessor preProcessor;

    ImageBatchIterator(ImageDataset data, int batchSize, boolean shuffle, long seed, Augmentation augmentation) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.data = data;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.random = new Random(seed);
        this.augmentation = augmentation;
        this.order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        reset();
    }

    public ImageDataset dataset() {
        return data;
    }

    /** The augmentation applied to each image, or null. */
    public Augmentation augmentation() {
        return augmentation;
    }

    @Override
    public int batchesPerEpoch() {
        return (data.size() + batchSize - 1) / batchSize;
    }

    @Override
    public boolean hasNext() {
        return cursor < order.length;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("no more batches; call reset()");
        }
        int n = Math.min(num, order.length - cursor);
        int imageSize = data.imageSize();
        int classes = data.numClasses();
        float[] features = new float[n * imageSize];
        float[] labels = new float[n * classes];
        for (int i = 0; i < n; i++) {
            int index = order[cursor + i];
            if (augmentation == null) {
                data.copyScaled(index, features, i * imageSize);
            } else {
                ImageDataset.scale(augmentation.apply(data.imageBytes(index), data.channels(), data.height(), data.width()),
                        features, i * imageSize);
            }
            labels[i * classes + data.label(index)] = 1f;
        }
        cursor += n;
        DataSet batch = new DataSet(
                Nd4j.create(features, new long[] {n, data.channels(), data.height(), data.width()}, 'c'),
                Nd4j.create(labels, new long[] {n, classes}, 'c'));
        if (preProcessor != null) {
            preProcessor.preProcess(batch);
        }
        return batch;
    }

    /** Rewinds to the first batch; with shuffling on, draws the next epoch's order. */
    @Override
    public void reset() {
        cursor = 0;
        if (shuffle) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
        }
    }

    @Override
    public int inputColumns() {
        return data.imageSize();
    }

    @Override
    public int totalOutcomes() {
        return data.numClasses();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return data.classNames();
    }
}
