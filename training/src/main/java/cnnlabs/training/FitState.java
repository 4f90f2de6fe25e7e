package cnnlabs.training;

import java.util.List;
import java.util.Map;

/**
 * The loop's state after an epoch, as the last checkpoint keeps it (JSON, beside DL4J's own entries in its zip).
 *
 * @param epochsDone  epochs finished
 * @param finished    whether the fit is over (all epochs, or stopped early)
 * @param rateFactor  the plateau factor on the scheduled learning rate
 * @param rngRoot     ND4J's random generator (dropout) after the epoch
 * @param callbacks   each callback's state, by its {@link Callback#stateKey()}
 */
public record FitState(String model, int epochs, int epochsDone, boolean finished, String stopReason,
                       double rateFactor, double trainSeconds, long trainImages, long rngRoot, long rngNode,
                       List<EpochMetrics> history, Map<String, Map<String, Object>> callbacks) {
}
