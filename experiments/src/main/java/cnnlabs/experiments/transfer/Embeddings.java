package cnnlabs.experiments.transfer;

import cnnlabs.architectures.MobileNetV2;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.plots.EmbeddingPlot;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Seed 004's embeddings: what the classifier sees, as CSV, NumPy array, and a PCA scatter plot. */
final class Embeddings {

    static final int IMAGES = 500;
    static final String CSV = "embeddings.csv";
    static final String NPY = "embeddings.npy";
    static final String PLOT = "embeddings-pca.png";

    private Embeddings() {
    }

    /**
     * Seed 004's embedding: the 1280 values the classifier sees (the global-average-pooling output; dropout is
     * the identity at inference) for the first validation images, as {@value #CSV} (label first) and
     * {@value #NPY}, drawn on their first two principal components in {@value #PLOT}.
     */
    static void write(ExperimentContext<?> ctx, ComputationGraph graph, ImageDataset images) {
        int n = Math.min(IMAGES, images.size());
        if (ctx.common().isSmokeRun()) {
            n = Math.min(n, ctx.common().maxBatches() * ctx.training().batchSize());
        }
        DataSet batch = images.head(n).batches(n, false, 0).next();
        INDArray embedding = graph.feedForward(batch.getFeatures(), false).get(MobileNetV2.HEAD_POOL);
        StringBuilder csv = new StringBuilder("label");
        for (int j = 0; j < embedding.size(1); j++) {
            csv.append(",e").append(j);
        }
        csv.append('\n');
        for (int i = 0; i < n; i++) {
            csv.append(images.label(i));
            for (int j = 0; j < embedding.size(1); j++) {
                csv.append(',').append(embedding.getFloat(i, j));
            }
            csv.append('\n');
        }
        ctx.run().writeText(CSV, csv.toString());
        ctx.run().writeWith(NPY, out -> Nd4j.writeAsNumpy(embedding, out.toFile()));
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = images.label(i);
        }
        ctx.run().picture(PLOT, EmbeddingPlot.render(String.format(Locale.ROOT,
                "Embeddings of %d validation images (PCA)", n), embedding, labels,
                images.classNames()));
    }
}
