package cnnlabs.experiments.training;

import cnnlabs.experiments.settings.Callbacks.Monitor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * One {@link Trainer#fit} as its callbacks see it: the model's name, its graph, the planned epochs, the history so
 * far, the learning rates, and whether to stop.
 */
public final class Fit {

    private final String model;
    private final ComputationGraph graph;
    private final int epochs;
    private final List<EpochMetrics> history = new ArrayList<>();
    /** Each trainable layer's learning rate when the fit began, by layer name: what schedules scale. */
    private final Map<String, Double> baseRates = new LinkedHashMap<>();
    private double rateFactor = 1;
    private String stopReason;
    private Supplier<Checkpoints.State> stateSource;

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

    /** The loop's state now, as a checkpoint keeps it. */
    public Checkpoints.State state() {
        return stateSource.get();
    }

    void stateSource(Supplier<Checkpoints.State> source) {
        this.stateSource = source;
    }

    /** A factor on every scheduled rate ({@link ReduceLrOnPlateau} lowers it). */
    public double rateFactor() {
        return rateFactor;
    }

    public void rateFactor(double factor) {
        this.rateFactor = factor;
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

    /** The value of {@code monitor} in {@code metrics}. */
    public static double value(Monitor monitor, EpochMetrics metrics) {
        return switch (monitor) {
            case VAL_LOSS -> metrics.valLoss();
            case VAL_ACC -> metrics.valAcc();
            case LOSS -> metrics.trainLoss();
            case ACC -> metrics.trainAcc();
        };
    }

    /** Whether {@code candidate} is better than {@code best} by more than {@code minDelta} (NaN never is). */
    public static boolean improves(Monitor monitor, double candidate, double best, double minDelta) {
        if (Double.isNaN(candidate)) {
            return false;
        }
        if (Double.isNaN(best)) {
            return true;
        }
        return monitor.maximise() ? candidate - minDelta > best : candidate + minDelta < best;
    }

    private static IUpdater updater(Layer layer) {
        if (layer != null && layer.conf() != null && layer.conf().getLayer() instanceof BaseLayer base) {
            IUpdater u = base.getIUpdater();
            return u != null && u.hasLearningRate() ? u : null;
        }
        return null;
    }
}
