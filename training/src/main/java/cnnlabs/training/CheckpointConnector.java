package cnnlabs.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Between a fit and its last checkpoint, both ways, as Lightning's checkpoint connector: {@link #dump} takes the loop's
 * state after an epoch (history, schedule factor, each stateful callback's state by key, ND4J's random generator), and
 * {@link #restore} puts a checkpoint back: parameters, updater state, iteration and epoch counts, history, callbacks'
 * state, the random generator and the shuffling order. A fit with more epochs than the checkpoint's trains on from it
 * (Keras' {@code initial_epoch}): the schedule then runs as if the new number had been asked for from the start, which
 * changes nothing for constant, step, exponential and plateau schedules, while a cosine or one-cycle schedule, whose
 * shape depends on the number of epochs, goes on along the longer run's curve. A fit that stopped early stays stopped.
 */
final class CheckpointConnector {

    private CheckpointConnector() {
    }

    /** The loop's state after the epoch that just ended; two stateful callbacks under one key are refused. */
    static FitState dump(Fit fit, List<Callback> callbacks) {
        Map<String, Map<String, Object>> states = new LinkedHashMap<>();
        for (Callback c : callbacks) {
            Map<String, Object> state = c.state();
            if (!state.isEmpty() && states.put(c.stateKey(), state) != null) {
                throw new IllegalStateException("Two callbacks of " + fit.model() + " keep their state under the key '"
                        + c.stateKey() + "', so a checkpoint could not tell them apart: give one its own stateKey().");
            }
        }
        Random rng = Nd4j.getRandom();
        int done = fit.history().size();
        return new FitState(fit.model(), fit.epochs(), done, fit.finished(), fit.stopReason(), fit.rateFactor(),
                fit.trainSeconds(), fit.trainImages(), rng.rootState(), rng.nodeState(), List.copyOf(fit.history()),
                states);
    }

    /** Puts {@code loaded} back into {@code fit}'s graph, callbacks, random generator and {@code train}'s order. */
    static void restore(Fit fit, Checkpoints.Loaded loaded, List<Callback> callbacks, DataSetIterator train) {
        FitState s = loaded.state();
        ComputationGraph graph = fit.graph();
        if (fit.epochs() < s.epochs()) {
            throw new IllegalStateException("The checkpoint " + Checkpoints.lastFile(fit.model()) + " was written for "
                    + s.epochs() + " epochs, but this run asks for " + fit.epochs() + ". Resume with the run's own "
                    + "settings (leave -Depochs out), or more epochs to train it on.");
        }
        graph.setParams(loaded.graph().params());
        INDArray state = loaded.graph().getUpdater() == null ? null : loaded.graph().getUpdater().getStateViewArray();
        if (state != null) {
            graph.getUpdater().getStateViewArray().assign(state);
        }
        graph.getConfiguration().setIterationCount(loaded.graph().getConfiguration().getIterationCount());
        graph.getConfiguration().setEpochCount(loaded.graph().getConfiguration().getEpochCount());
        s.history().forEach(fit::add);
        fit.trained(s.trainSeconds(), s.trainImages());
        fit.rateFactor(s.rateFactor());
        if (s.stopReason() != null) {
            fit.stop(s.stopReason());
        }
        for (Callback c : callbacks) {
            Map<String, Object> saved = s.callbacks().get(c.stateKey());
            if (saved != null) {
                c.restore(fit, saved);
            }
        }
        Nd4j.getRandom().setStates(s.rngRoot(), s.rngNode());
        for (int i = 0; i < s.epochsDone(); i++) {
            train.reset(); // the shuffling order each finished epoch drew
        }
        fit.resumedFrom(Checkpoints.lastFile(fit.model()));
    }
}
