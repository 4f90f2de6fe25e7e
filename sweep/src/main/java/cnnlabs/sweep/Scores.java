package cnnlabs.sweep;

import cnnlabs.run.Runner;
import cnnlabs.training.EpochMetrics;
import cnnlabs.training.Monitor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a trial scores, and trials in rank order. */
final class Scores {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private Scores() {
    }

    /**
     * The objective of a finished run: of a model it names, its last epoch's metric, or the mean, least or most of every
     * model's; else a number in its summary, else an epoch metric of its last epoch.
     */
    static double score(SweepSpec.Objective objective, Runner.Finished finished) {
        if (objective.model() == null) {
            return score(objective.metric(), finished);
        }
        Map<String, EpochMetrics> last = new LinkedHashMap<>();
        finished.run().metrics().forEach(m -> last.put(m.model(), m));
        return switch (objective.model()) {
            case "mean" -> last.values().stream().mapToDouble(m -> epochMetric(objective.metric(), m)).average()
                    .orElse(Double.NaN);
            case "min" -> last.values().stream().mapToDouble(m -> epochMetric(objective.metric(), m)).min()
                    .orElse(Double.NaN);
            case "max" -> last.values().stream().mapToDouble(m -> epochMetric(objective.metric(), m)).max()
                    .orElse(Double.NaN);
            default -> last.containsKey(objective.model())
                    ? epochMetric(objective.metric(), last.get(objective.model())) : Double.NaN;
        };
    }

    /** The objective of a finished run: a number in its summary, else an epoch metric of its last epoch. */
    static double score(String metric, Runner.Finished finished) {
        JsonNode summary = JSON.valueToTree(finished.result().summary());
        if (summary.path(metric).isNumber()) {
            return summary.path(metric).asDouble();
        }
        List<EpochMetrics> epochs = finished.run().metrics();
        return epochs.isEmpty() ? Double.NaN : epochMetric(metric, epochs.get(epochs.size() - 1));
    }

    /**
     * A second objective's value: {@code seconds}, the trial's wall time; {@code images_per_sec}, the last epoch's
     * training speed; else as {@link #score} (a {@code summary.json} number such as {@code total_params}, or an epoch
     * metric).
     */
    static double second(String metric, Runner.Finished finished, double seconds) {
        List<EpochMetrics> epochs = finished.run().metrics();
        return switch (metric) {
            case "seconds" -> seconds;
            case "images_per_sec" -> epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).imagesPerSec();
            default -> score(metric, finished);
        };
    }

    /** An epoch metric by the name a monitor has ({@code val_acc}, {@code val_macro_f1}, ...; NaN for any other name). */
    static double epochMetric(String metric, EpochMetrics m) {
        return switch (metric) {
            case "val_accuracy" -> m.valAcc();
            case "accuracy", "train_acc" -> m.trainAcc();
            case "train_loss" -> m.trainLoss();
            default -> EPOCH_METRICS.contains(metric) ? Monitor.valueOf(metric.toUpperCase(Locale.ROOT)).value(m)
                    : Double.NaN;
        };
    }

    /** The epoch metrics' names, as monitors and metrics.csv have them. */
    static final List<String> EPOCH_METRICS = java.util.Arrays.stream(Monitor.values()).map(Monitor::label).toList();

    /** Trials in rank order: completed by score, then pruned by score, then failed and diverged by number. */
    static List<Trial> ranked(SweepSpec.Objective objective, Iterable<Trial> trials) {
        List<Trial> out = new ArrayList<>();
        trials.forEach(out::add);
        Comparator<Trial> byScore = (a, b) -> {
            if (Double.isNaN(a.score()) || Double.isNaN(b.score())) {
                return Boolean.compare(Double.isNaN(a.score()), Double.isNaN(b.score()));
            }
            int c = Double.compare(a.score(), b.score());
            return objective.direction() == SweepSpec.Objective.Direction.MAX ? -c : c;
        };
        out.sort(Comparator.comparingInt((Trial t) -> t.status().rank()).thenComparing(byScore)
                .thenComparingInt(Trial::trial));
        return out;
    }
}
