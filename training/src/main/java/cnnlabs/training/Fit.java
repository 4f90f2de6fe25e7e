package cnnlabs.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * One {@link Trainer#fit} as its callbacks see it: the model's name, its graph, the planned epochs, the history so
 * far, the epoch in progress, the learning rates, and whether to stop.
 */
public final class Fit {

    private final String model;
    private final ComputationGraph graph;
    private final int epochs;
    private final List<EpochMetrics> history = new ArrayList<>();
    /** Each trainable layer's learning rate when the fit began, by layer name: what schedules scale. */
    private final Map<String, Double> baseRates = new LinkedHashMap<>();
    private final List<TrainingListener> listeners = new ArrayList<>();
    private double rateFactor = 1;
    private String stopReason;
    private String resumedFrom;
    private Supplier<FitState> stateSource;
    private double trainSeconds;
    private long trainImages;
    private int batchesThisEpoch;
    private double epochLossSum;
    private long epochImages;
    private double epochAccuracy = Double.NaN;

    Fit(String model, ComputationGraph graph, int epochs) {
        this.model = model;
        this.graph = graph;
        this.epochs = epochs;
        int iteration = graph.getConfiguration().getIterationCount();
        int epoch = graph.getConfiguration().getEpochCount();
        for (Layer layer : graph.getLayers()) {
            IUpdater u = updater(layer);
            if (u != null) {
                baseRates.put(layer.conf().getLayer().getLayerName(), u.getLearningRate(iteration, epoch));
            }
        }
    }

    public String model() {
        return model;
    }

    public ComputationGraph graph() {
        return graph;
    }

    /** The epochs this fit runs unless stopped early. */
    public int epochs() {
        return epochs;
    }

    /** Every epoch finished so far (restored ones included after a resume). */
    public List<EpochMetrics> history() {
        return history;
    }

    void add(EpochMetrics metrics) {
        history.add(metrics);
    }

    /** Whether the fit is over: every epoch done, or stopped. */
    public boolean finished() {
        return history.size() >= epochs || stopRequested();
    }

    /** Asks the loop to stop after this epoch; the reason is printed and kept. */
    public void stop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
    }

    public boolean stopRequested() {
        return stopReason != null;
    }

    /** Why the fit stopped before its last epoch; null while it runs or when it ran them all. */
    public String stopReason() {
        return stopReason;
    }

    /** The checkpoint this fit was resumed from (its file name); null for a fit that started afresh. */
    public String resumedFrom() {
        return resumedFrom;
    }

    void resumedFrom(String checkpoint) {
        this.resumedFrom = checkpoint;
    }

    /**
     * Attaches a DL4J {@link TrainingListener} to the graph for the rest of this fit (a UI's statistics, say); the
     * trainer removes it when the fit ends, however it ends.
     */
    public void listen(TrainingListener listener) {
        graph.addListeners(listener);
        listeners.add(listener);
    }

    void removeListeners() {
        graph.getListeners().removeAll(listeners);
        listeners.clear();
    }

    /** The loop's state now, as a checkpoint keeps it. */
    public FitState state() {
        return stateSource.get();
    }

    void stateSource(Supplier<FitState> source) {
        this.stateSource = source;
    }

    /** A factor on every scheduled rate ({@link ReduceLrOnPlateau} lowers it). */
    public double rateFactor() {
        return rateFactor;
    }

    public void rateFactor(double factor) {
        this.rateFactor = factor;
    }

    /** Seconds spent in training steps so far (not validation), restored epochs included. */
    public double trainSeconds() {
        return trainSeconds;
    }

    /** Training images seen so far, restored epochs included. */
    public long trainImages() {
        return trainImages;
    }

    void trained(double seconds, long images) {
        trainSeconds += seconds;
        trainImages += images;
    }

    void beginEpoch(int batches) {
        batchesThisEpoch = batches;
        epochLossSum = 0;
        epochImages = 0;
        epochAccuracy = Double.NaN;
    }

    void batchEnded(double loss, int images, double accuracy) {
        epochLossSum += loss * images;
        epochImages += images;
        epochAccuracy = accuracy;
    }

    /** The batches the epoch in progress trains (0 when the data does not say). */
    public int batchesThisEpoch() {
        return batchesThisEpoch;
    }

    /** The mean training loss of the epoch in progress so far, as Keras' progress bar shows it. */
    public double runningLoss() {
        return epochImages == 0 ? Double.NaN : epochLossSum / epochImages;
    }

    /** The training accuracy of the epoch in progress so far. */
    public double runningAccuracy() {
        return epochAccuracy;
    }

    /** Training images of the epoch in progress so far. */
    long epochImages() {
        return epochImages;
    }

    /**
     * Sets every trainable layer's learning rate to {@code fromBase} of its rate when the fit began (layers with their
     * own rate, e.g. a faster head, keep their ratio to the rest). Takes effect from the next step.
     */
    public void setLearningRates(DoubleUnaryOperator fromBase) {
        for (Layer layer : graph.getLayers()) {
            IUpdater u = updater(layer);
            Double base = baseRates.get(layer.conf().getLayer().getLayerName());
            if (u != null && base != null) {
                u.setLrAndSchedule(fromBase.applyAsDouble(base), null);
            }
        }
    }

    /** The learning rate the output layer trains at now (what {@code metrics.csv} reports). */
    public double learningRate() {
        String output = graph.getConfiguration().getNetworkOutputs().get(0);
        IUpdater u = updater(graph.getLayer(output));
        if (u == null) {
            return Double.NaN;
        }
        return u.getLearningRate(graph.getConfiguration().getIterationCount(), graph.getConfiguration().getEpochCount());
    }

    /** What the fit did: its epochs, training time and images, and why it stopped early (or null). */
    History toHistory() {
        return new History(List.copyOf(history), trainSeconds, trainImages, stopReason);
    }

    private static IUpdater updater(Layer layer) {
        if (layer != null && layer.conf() != null && layer.conf().getLayer() instanceof BaseLayer base) {
            IUpdater u = base.getIUpdater();
            return u != null && u.hasLearningRate() ? u : null;
        }
        return null;
    }
}
