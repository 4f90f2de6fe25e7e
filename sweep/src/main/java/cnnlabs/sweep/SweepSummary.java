package cnnlabs.sweep;

import java.util.Map;

/** What a sweep's {@code summary.json} holds: its search, its trials by how they ended, and the best one. */
public record SweepSummary(String experiment, String search, String objective, String direction, int trials,
                           int completed, int pruned, int failed, int diverged, Integer bestTrial, double bestScore,
                           Map<String, String> bestParams) {
}
