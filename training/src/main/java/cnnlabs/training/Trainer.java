package cnnlabs.training;

import cnnlabs.datasets.Batches;
import cnnlabs.training.optim.Optimizers;
import cnnlabs.training.optim.Schedule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * The training loop, Keras' {@code fit(..., validation_data, callbacks)} for any DL4J graph. Per epoch: the callbacks'
 * epoch start, one shuffled pass over the training batches (each batch's loss to the callbacks), a validation pass in
 * inference mode, then the epoch's {@link EpochMetrics} to the callbacks' epoch end. The loop only iterates; what
 * happens around it is callbacks, called in their {@link Callback.Stage} order: the schedule ({@link LrScheduler},
 * {@link ReduceLrOnPlateau}), progress ({@link ProgressLogger}), the caller's own, {@link EarlyStopping},
 * {@link DivergenceStop}, {@link ModelCheckpoint}. The optimiser's weight decay runs between backward pass and step.
 *
 * <p>With {@link Checkpoints} and {@code resume}, a fit whose last checkpoint is there continues after its last
 * finished epoch ({@link CheckpointConnector}); a fit the checkpoint marks finished is restored and not trained again.
 */
public final class Trainer {

    private final TrainerConfig config;
    private final Console console;
    private final Checkpoints checkpoints;
    private final boolean resume;
    private final List<Supplier<Callback>> extra = new ArrayList<>();
    private final Set<String> fitted = new HashSet<>();

    /** A loop without checkpoints. */
    public Trainer(TrainerConfig config, Console console) {
        this(config, console, null, false);
    }

    /**
     * @param checkpoints where checkpoints go and are resumed from; null = none
     * @param resume      continue each fit from its last checkpoint when there is one
     */
    public Trainer(TrainerConfig config, Console console, Checkpoints checkpoints, boolean resume) {
        this.config = config;
        this.console = console;
        this.checkpoints = checkpoints;
        this.resume = resume;
    }

    /** Adds a callback of the caller's own to every later fit ({@code callback} makes a fresh one per fit). */
    public Trainer withCallback(Supplier<Callback> callback) {
        extra.add(callback);
        return this;
    }

    /** The callbacks of one fit of {@code model}, in the order they run. */
    List<Callback> callbacks(String model) {
        List<Callback> out = new ArrayList<>();
        Schedule schedule = config.schedule();
        CallbackSettings c = config.callbacks();
        out.add(new LrScheduler(schedule));
        if (schedule.kind() == Schedule.Kind.PLATEAU) {
            out.add(new ReduceLrOnPlateau(c.monitor(), schedule.gamma(), schedule.patience()));
        }
        out.add(new ProgressLogger(console));
        extra.forEach(s -> out.add(s.get()));
        boolean restoreBest = c.patience() > 0 && c.restoreBest();
        if (c.patience() > 0) {
            out.add(new EarlyStopping(c.monitor(), c.patience(), c.minDelta(), c.restoreBest(),
                    checkpoints == null ? null : () -> checkpoints.bestParams(model)));
        }
        out.add(new DivergenceStop(c.divergenceLoss()));
        if (checkpoints != null && (c.checkpoint() != CallbackSettings.Checkpointing.NONE || restoreBest)) {
            out.add(new ModelCheckpoint(checkpoints, c.monitor(), c.checkpoint().best() || restoreBest,
                    c.checkpoint().last()));
        }
        out.sort(Comparator.comparing(Callback::stage)); // stable: the order given within a stage
        return out;
    }

    /**
     * Trains {@code graph} for up to {@code epochs} epochs on {@code train}, validating on {@code validation} after
     * each. {@code model} names the fit in the console, the metrics and its checkpoints; a second fit of the same name
     * by this trainer is called {@code model-2}. A {@link Batches} iterator says how many batches an epoch has; any
     * other iterator is read until it runs out.
     */
    public History fit(String model, ComputationGraph graph, DataSetIterator train, DataSetIterator validation,
                       int epochs) {
        String name = model;
        for (int i = 2; !fitted.add(name); i++) {
            name = model + "-" + i;
        }
        Fit fit = new Fit(name, graph, epochs);
        List<Callback> callbacks = callbacks(name);
        TrainAccuracyListener accuracy = new TrainAccuracyListener(graph);
        fit.listen(accuracy);
        Optimizers.clipping(config.optimizer()).ifPresent(fit::listen); // before the decay, as PyTorch's step adds it
        Optimizers.weightDecay(config.optimizer()).ifPresent(fit::listen);
        fit.stateSource(() -> CheckpointConnector.dump(fit, callbacks));
        try {
            Optional<Checkpoints.Loaded> loaded = resume && checkpoints != null ? checkpoints.readLast(name)
                    : Optional.empty();
            loaded.ifPresent(l -> CheckpointConnector.restore(fit, l, callbacks, train));
            callbacks.forEach(c -> c.onTrainStart(fit));
            for (int epoch = fit.history().size() + 1; epoch <= epochs && !fit.stopRequested(); epoch++) {
                epoch(fit, epoch, train, validation, accuracy, callbacks);
            }
            callbacks.forEach(c -> c.onTrainEnd(fit));
            return fit.toHistory();
        } finally {
            fit.removeListeners();
        }
    }

    /** One epoch: the training pass, the validation pass, the metrics. */
    private void epoch(Fit fit, int epoch, DataSetIterator train, DataSetIterator validation,
                       TrainAccuracyListener accuracy, List<Callback> callbacks) {
        int maxBatches = config.maxBatches();
        int known = train instanceof Batches b ? b.batchesPerEpoch() : 0;
        int batches = maxBatches > 0 && (known == 0 || maxBatches < known) ? maxBatches : known;
        fit.beginEpoch(batches);
        for (Callback c : callbacks) {
            c.onEpochStart(fit, epoch);
        }
        accuracy.resetCounts();
        double learningRate = fit.learningRate();
        ComputationGraph graph = fit.graph();
        long start = System.nanoTime();
        for (int b = 0; known > 0 ? b < batches : train.hasNext() && (maxBatches <= 0 || b < maxBatches); b++) {
            DataSet batch = train.next();
            accuracy.expect(batch.getLabels());
            graph.fit(config.loss().smooth(batch));
            double loss = graph.score();
            fit.batchEnded(loss, batch.numExamples(), accuracy.accuracy());
            for (Callback c : callbacks) {
                c.onBatchEnd(fit, epoch, b + 1, loss);
            }
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Evaluator.Result val = Evaluator.evaluate(graph, validation, maxBatches, config.callbacks().topK());
        double seconds = (System.nanoTime() - start) / 1e9;
        graph.incrementEpochCount();
        train.reset();

        long images = fit.epochImages();
        EpochMetrics metrics = new EpochMetrics(fit.model(), epoch, fit.runningLoss(), accuracy.accuracy(), val.loss(),
                val.accuracy(), learningRate, seconds, images / trainSeconds, val.topK(), val.macroF1(), val.weightedF1());
        fit.trained(trainSeconds, images);
        fit.add(metrics);
        for (Callback c : callbacks) {
            c.onEpochEnd(fit, metrics);
        }
    }
}
