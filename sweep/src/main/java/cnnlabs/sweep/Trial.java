package cnnlabs.sweep;

import java.util.Locale;
import java.util.Map;

/**
 * One trial of a sweep, as {@code trials.csv} and {@code trials/<n>/trial.json} keep it.
 *
 * @param params the searched settings' values, by key
 * @param score  the objective's value (NaN when the trial failed or diverged before one)
 * @param epochs epochs trained (fewer than asked when pruned or stopped early)
 * @param reason why it was pruned, failed or diverged; empty when it completed
 * @param folder its run folder, relative to the sweep's
 * @param rungs    its objective after each epoch, as it reported it to the sweep's pruner (none when nothing prunes)
 * @param attempts how many times it was started: more than one when an attempt was lost (a worker that died, a sweep
 *                 interrupted) and the next went on from its checkpoint
 * @param secondScore the second objective's value (NaN without one, or when the trial did not give it)
 */
public record Trial(int trial, Map<String, String> params, Status status, double score, int epochs, double seconds,
                    String reason, String folder, Map<Integer, Double> rungs, int attempts, Double secondScore)
        implements java.io.Serializable {

    public Trial {
        params = new java.util.LinkedHashMap<>(params);
        rungs = new java.util.TreeMap<>(rungs);
        attempts = Math.max(1, attempts); // records written before attempts were counted ran once
        secondScore = secondScore == null ? Double.NaN : secondScore;
    }

    /** A trial that ran in one attempt, for one objective. */
    public Trial(int trial, Map<String, String> params, Status status, double score, int epochs, double seconds,
                 String reason, String folder, Map<Integer, Double> rungs) {
        this(trial, params, status, score, epochs, seconds, reason, folder, rungs, 1, Double.NaN);
    }

    /** How a trial ended. */
    public enum Status {
        COMPLETED, PRUNED, FAILED, DIVERGED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Status of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }

        /** Rank order: completed trials first, then pruned ones, then the rest. */
        int rank() {
            return this == COMPLETED ? 0 : this == PRUNED ? 1 : 2;
        }
    }
}
