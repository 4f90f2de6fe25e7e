package cnnlabs.experiments.training;

import cnnlabs.datasets.Batches;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Keras' {@code fit(..., validation_data)} for a DL4J graph: per epoch, one shuffled pass over the training
 * batches (console progress bar with ETA), then a validation pass in inference mode, then one line and one
 * {@link EpochMetrics} row.
 */
public final class Trainer {

    private final Console console;
    private final int maxBatches;

    /** @param maxBatches stop every pass after this many batches (smoke runs); 0 = full passes */
    public Trainer(Console console, int maxBatches) {
        this.console = console;
        this.maxBatches = maxBatches;
    }

    /** The history of a fit, and the time spent in training steps only (not validation). */
    public record History(List<EpochMetrics> epochs, double trainSeconds, long trainImages) {
        public EpochMetrics last() {
            return epochs.get(epochs.size() - 1);
        }

        public double imagesPerSec() {
            return trainImages / trainSeconds;
        }
    }

    /**
     * Trains {@code graph} for {@code epochs} epochs; {@code onEpoch} sees each epoch's metrics as soon as it
     * ends (to put them on disk).
     */
    public History fit(String model, ComputationGraph graph, Batches train, Batches validation,
                       int epochs, Consumer<EpochMetrics> onEpoch) {
        TrainAccuracyListener accuracy = new TrainAccuracyListener(graph);
        graph.addListeners(accuracy);
        List<EpochMetrics> history = new ArrayList<>();
        double trainSeconds = 0;
        long trainImages = 0;
        try {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                int batches = maxBatches > 0 ? Math.min(maxBatches, train.batchesPerEpoch()) : train.batchesPerEpoch();
                Console.Progress progress = console.progress(String.format(Locale.ROOT, "%s epoch %d/%d", model, epoch, epochs), batches);
                accuracy.resetCounts();
                double learningRate = learningRate(graph);
                long start = System.nanoTime();
                double lossSum = 0;
                long images = 0;
                for (int b = 0; b < batches; b++) {
                    DataSet batch = train.next();
                    accuracy.expect(batch.getLabels());
                    graph.fit(batch);
                    int n = batch.numExamples();
                    lossSum += graph.score() * n;
                    images += n;
                    progress.update(b + 1, String.format(Locale.ROOT, "loss %.4f - acc %.4f", lossSum / images, accuracy.accuracy()));
                }
                double epochTrainSeconds = (System.nanoTime() - start) / 1e9;
                progress.finish();
                Evaluator.Result val = Evaluator.evaluate(graph, validation, maxBatches);
                double seconds = (System.nanoTime() - start) / 1e9;
                graph.incrementEpochCount();
                train.reset();

                EpochMetrics metrics = new EpochMetrics(model, epoch, lossSum / images, accuracy.accuracy(), val.loss(),
                        val.accuracy(), learningRate, seconds, images / epochTrainSeconds);
                console.println(String.format(Locale.ROOT,
                        "%s epoch %d/%d - loss %.4f - acc %.4f - val_loss %.4f - val_acc %.4f - %.1fs - %.0f img/s", model,
                        epoch, epochs, metrics.trainLoss(), metrics.trainAcc(), metrics.valLoss(), metrics.valAcc(), seconds,
                        metrics.imagesPerSec()));
                history.add(metrics);
                trainSeconds += epochTrainSeconds;
                trainImages += images;
                onEpoch.accept(metrics);
            }
        } finally {
            graph.getListeners().remove(accuracy);
        }
        return new History(List.copyOf(history), trainSeconds, trainImages);
    }

    /** The learning rate the updater applies at the graph's current iteration and epoch. */
    private static double learningRate(ComputationGraph graph) {
        String output = graph.getConfiguration().getNetworkOutputs().get(0);
        IUpdater updater = graph.getLayer(output).conf().getLayer().getUpdaterByParam(DefaultParamInitializer.WEIGHT_KEY);
        if (updater == null || !updater.hasLearningRate()) {
            return Double.NaN;
        }
        return updater.getLearningRate(graph.getIterationCount(), graph.getEpochCount());
    }
}
