package cnnlabs.experiments.training;

import cnnlabs.datasets.Batches;
import cnnlabs.experiments.settings.Callbacks;
import cnnlabs.experiments.settings.Schedule;
import cnnlabs.experiments.settings.Training;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training loop every experiment uses, Keras' {@code fit(..., validation_data, callbacks)} for a DL4J graph: per
 * epoch, the callbacks' epoch start (the learning-rate schedule), one shuffled pass over the training batches
 * (console progress, each batch's loss to the callbacks: the divergence stop), a validation pass in inference mode,
 * the callbacks' epoch end (early stopping, the plateau schedule, checkpoints), then one {@link EpochMetrics} row to the
 * caller (it goes to {@code metrics.csv}; so every epoch there is in the last checkpoint). The optimiser's weight decay runs between backward pass and step.
 *
 * <p>With a run folder's {@link Checkpoints} and {@code resume}, a fit whose last checkpoint is there continues after
 * its last finished epoch: parameters, updater state, iteration and epoch counts, the history (given to the caller
 * again, so {@code metrics.csv} is whole), every callback's state, ND4J's random generator (dropout) and the shuffling
 * order; a fit the checkpoint marks finished is restored and not trained again.
 */
public final class Trainer {

    private final Console console;
    private final int maxBatches;
    private final Training training;
    private final Checkpoints checkpoints;
    private final boolean resume;
    private final List<Supplier<Callback>> extra = new ArrayList<>();
    private final Set<String> fitted = new HashSet<>();

    /** A loop with a constant learning rate and the NaN stop only: no settings, no checkpoints (tests, tools). */
    public Trainer(Console console, int maxBatches) {
        this(console, maxBatches, null, null, false);
    }

    /**
     * @param maxBatches  stop every pass after this many batches (smoke runs); 0 = full passes
     * @param training    the schedule, callbacks and weight decay to apply; null = none
     * @param checkpoints where checkpoints go and are resumed from; null = none
     * @param resume      continue each fit from its last checkpoint when there is one
     */
    public Trainer(Console console, int maxBatches, Training training, Checkpoints checkpoints, boolean resume) {
        this.console = console;
        this.maxBatches = maxBatches;
        this.training = training;
        this.checkpoints = checkpoints;
        this.resume = resume;
    }

    private static final ThreadLocal<List<Supplier<Callback>>> THREAD_CALLBACKS = ThreadLocal.withInitial(ArrayList::new);

    /**
     * Adds {@code callback} (a fresh one per fit) to every fit this thread runs until the returned handle is closed,
     * whichever trainer runs it: how a sweep watches the fits of the experiments it runs as trials (pruning).
     */
    public static AutoCloseable onThisThread(Supplier<Callback> callback) {
        THREAD_CALLBACKS.get().add(callback);
        return () -> THREAD_CALLBACKS.get().remove(callback);
    }

    /** Adds a callback of the caller's own to every later fit ({@code callback} makes a fresh one per fit). */
    public Trainer withCallback(Supplier<Callback> callback) {
        extra.add(callback);
        return this;
    }

    /**
     * The history of a fit, and the time spent in training steps only (not validation).
     *
     * @param stopReason why it stopped before its last epoch (early stopping), or null
     */
    public record History(List<EpochMetrics> epochs, double trainSeconds, long trainImages, String stopReason) {
        public EpochMetrics last() {
            return epochs.get(epochs.size() - 1);
        }

        public double imagesPerSec() {
            return trainImages / trainSeconds;
        }
    }

    /** The callbacks of one fit of {@code model}, in the order they run at each epoch's end. */
    List<Callback> callbacks(String model) {
        List<Callback> out = new ArrayList<>();
        Schedule schedule = training == null ? Schedule.CONSTANT : training.schedule();
        out.add(new LrScheduler(schedule));
        Callbacks c = training == null ? Callbacks.DEFAULTS : training.callbacks();
        if (schedule.kind() == Schedule.Kind.PLATEAU) {
            out.add(new ReduceLrOnPlateau(c.monitor(), schedule.gamma(), schedule.patience()));
        }
        extra.forEach(s -> out.add(s.get()));
        THREAD_CALLBACKS.get().forEach(s -> out.add(s.get()));
        boolean restoreBest = c.patience() > 0 && c.restoreBest();
        if (c.patience() > 0) {
            out.add(new EarlyStopping(c.monitor(), c.patience(), c.minDelta(), c.restoreBest(),
                    checkpoints == null ? null : () -> checkpoints.bestParams(model)));
        }
        out.add(new DivergenceStop(c.divergenceLoss()));
        if (checkpoints != null && (c.checkpoint() != Callbacks.Checkpoints.NONE || restoreBest)) {
            out.add(new ModelCheckpoint(checkpoints, c.monitor(), c.checkpoint().best() || restoreBest,
                    c.checkpoint().last()));
        }
        return out;
    }

    /**
     * Trains {@code graph} for up to {@code epochs} epochs; {@code onEpoch} sees each epoch's metrics as soon as it
     * ends (to put them on disk). {@code model} names the fit in the console, the metrics and its checkpoints; a
     * second fit of the same name in one run is called {@code model-2}.
     */
    public History fit(String model, ComputationGraph graph, Batches train, Batches validation,
                       int epochs, Consumer<EpochMetrics> onEpoch) {
        String name = model;
        for (int i = 2; !fitted.add(name); i++) {
            name = model + "-" + i;
        }
        Fit fit = new Fit(name, graph, epochs);
        List<Callback> callbacks = callbacks(name);
        TrainAccuracyListener accuracy = new TrainAccuracyListener(graph);
        List<TrainingListener> listeners = new ArrayList<>(List.of(accuracy));
        if (training != null) {
            Optimizers.weightDecay(training.optimizer()).ifPresent(listeners::add);
        }
        TrainingUi.current().ifPresent(ui -> listeners.add(ui.listener()));
        graph.addListeners(listeners.toArray(TrainingListener[]::new));
        double[] trainSeconds = {0};
        long[] trainImages = {0};
        fit.stateSource(() -> state(fit, callbacks, trainSeconds[0], trainImages[0]));
        try {
            int first = 1;
            Optional<Checkpoints.Loaded> loaded = resume && checkpoints != null ? checkpoints.readLast(name)
                    : Optional.empty();
            if (loaded.isPresent()) {
                Checkpoints.State s = restore(fit, loaded.get(), callbacks, train, onEpoch);
                trainSeconds[0] = s.trainSeconds();
                trainImages[0] = s.trainImages();
                first = s.epochsDone() + 1;
                console.println(String.format(Locale.ROOT, "%s: resumed after epoch %d of %d from %s%s", name,
                        s.epochsDone(), epochs, Checkpoints.lastFile(name), s.finished() ? " (finished)" : ""));
                if (s.finished()) {
                    callbacks.forEach(c -> c.onTrainEnd(fit));
                    return history(fit, trainSeconds[0], trainImages[0]);
                }
            } else {
                callbacks.forEach(c -> c.onTrainStart(fit));
            }
            for (int epoch = first; epoch <= epochs && !fit.stopRequested(); epoch++) {
                for (Callback c : callbacks) {
                    c.onEpochStart(fit, epoch);
                }
                int batches = maxBatches > 0 ? Math.min(maxBatches, train.batchesPerEpoch()) : train.batchesPerEpoch();
                Console.Progress progress = console.progress(String.format(Locale.ROOT, "%s %d/%d", name, epoch, epochs),
                        batches);
                accuracy.resetCounts();
                double learningRate = fit.learningRate();
                long start = System.nanoTime();
                double lossSum = 0;
                long images = 0;
                for (int b = 0; b < batches; b++) {
                    DataSet batch = train.next();
                    accuracy.expect(batch.getLabels());
                    graph.fit(batch);
                    double loss = graph.score();
                    for (Callback c : callbacks) {
                        c.onBatchEnd(fit, epoch, b + 1, loss);
                    }
                    int n = batch.numExamples();
                    lossSum += loss * n;
                    images += n;
                    progress.update(b + 1, String.format(Locale.ROOT, "loss %.4f acc %.4f", lossSum / images,
                            accuracy.accuracy()));
                }
                double epochTrainSeconds = (System.nanoTime() - start) / 1e9;
                progress.finish();
                Evaluator.Result val = Evaluator.evaluate(graph, validation, maxBatches);
                double seconds = (System.nanoTime() - start) / 1e9;
                graph.incrementEpochCount();
                train.reset();

                EpochMetrics metrics = new EpochMetrics(name, epoch, lossSum / images, accuracy.accuracy(), val.loss(),
                        val.accuracy(), learningRate, seconds, images / epochTrainSeconds);
                console.println(String.format(Locale.ROOT,
                        "%s %d/%d - loss %.4f - acc %.4f - val_loss %.4f - val_acc %.4f - %.1fs - %.0f img/s", name,
                        epoch, epochs, metrics.trainLoss(), metrics.trainAcc(), metrics.valLoss(), metrics.valAcc(),
                        seconds, metrics.imagesPerSec()));
                trainSeconds[0] += epochTrainSeconds;
                trainImages[0] += images;
                fit.add(metrics);
                for (Callback c : callbacks) {
                    c.onEpochEnd(fit, metrics); // the checkpoint first: every epoch the caller keeps is in it
                }
                onEpoch.accept(metrics);
            }
            if (fit.stopRequested()) {
                console.println(name + ": " + fit.stopReason());
            }
            callbacks.forEach(c -> c.onTrainEnd(fit));
            return history(fit, trainSeconds[0], trainImages[0]);
        } finally {
            graph.getListeners().removeAll(listeners);
        }
    }

    private static History history(Fit fit, double trainSeconds, long trainImages) {
        return new History(List.copyOf(fit.history()), trainSeconds, trainImages, fit.stopReason());
    }

    /** The loop's state after the epoch that just ended. */
    private static Checkpoints.State state(Fit fit, List<Callback> callbacks, double trainSeconds, long trainImages) {
        Map<String, Map<String, Object>> states = new LinkedHashMap<>();
        for (Callback c : callbacks) {
            if (!c.state().isEmpty()) {
                states.put(c.name(), c.state());
            }
        }
        Random rng = Nd4j.getRandom();
        int done = fit.history().size();
        return new Checkpoints.State(fit.model(), fit.epochs(), done, done >= fit.epochs() || fit.stopRequested(),
                fit.stopReason(), fit.rateFactor(), trainSeconds, trainImages, rng.rootState(), rng.nodeState(),
                List.copyOf(fit.history()), states);
    }

    /** Puts a checkpoint back into {@code fit}'s graph, callbacks, random generator and shuffling order. */
    private Checkpoints.State restore(Fit fit, Checkpoints.Loaded loaded, List<Callback> callbacks, Batches train,
                                      Consumer<EpochMetrics> onEpoch) {
        Checkpoints.State s = loaded.state();
        ComputationGraph graph = fit.graph();
        if (s.epochs() != fit.epochs()) {
            throw new IllegalStateException("The checkpoint " + Checkpoints.lastFile(fit.model()) + " was written for "
                    + s.epochs() + " epochs, but this run asks for " + fit.epochs() + ". Resume with the run's own "
                    + "settings (leave -Depochs out).");
        }
        graph.setParams(loaded.graph().params());
        INDArray state = loaded.graph().getUpdater() == null ? null : loaded.graph().getUpdater().getStateViewArray();
        if (state != null) {
            graph.getUpdater().getStateViewArray().assign(state);
        }
        graph.getConfiguration().setIterationCount(loaded.graph().getConfiguration().getIterationCount());
        graph.getConfiguration().setEpochCount(loaded.graph().getConfiguration().getEpochCount());
        for (EpochMetrics m : s.history()) {
            fit.add(m);
            onEpoch.accept(m);
        }
        fit.rateFactor(s.rateFactor());
        if (s.stopReason() != null) {
            fit.stop(s.stopReason());
        }
        for (Callback c : callbacks) {
            Map<String, Object> saved = s.callbacks().get(c.name());
            if (saved != null) {
                c.restore(fit, saved);
            }
        }
        Nd4j.getRandom().setStates(s.rngRoot(), s.rngNode());
        for (int i = 0; i < s.epochsDone(); i++) {
            train.reset(); // the shuffling order each finished epoch drew
        }
        return s;
    }
}
