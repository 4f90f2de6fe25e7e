package cnnlabs.sweep;

import cnnlabs.run.Experiment;
import cnnlabs.run.results.ExperimentRun;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.run.tables.Csv;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.settings.SettingsParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a sweep shows of its trials, into its run: {@code trials.csv}, the ranked table, {@code best.json}, the score
 * against each parameter and the best-so-far curve, and its {@code summary.json} ({@link SweepSummary}).
 */
final class SweepReport {

    static final String TRIALS_CSV = "trials.csv";
    static final String BEST = "best.json";
    static final String SCORES_PLOT = "scores.png";
    static final String BEST_SO_FAR_PLOT = "best-so-far.png";

    private SweepReport() {
    }

    /** Writes trials.csv, best.json and the plots, and returns the table (also emitted as the run's table). */
    static <S extends Record & ExperimentSettings> String publish(ExperimentRun run, SweepSpec spec,
                                                                 Experiment<S> target, Map<Integer, Trial> trials,
                                                                 int planned, String smokeNote) {
        List<String> keys = List.copyOf(spec.space().keySet());
        StringBuilder csv = new StringBuilder("trial,status,score,epochs,seconds,attempts");
        keys.forEach(k -> csv.append(',').append(k));
        csv.append(",reason,folder\n");
        for (Trial t : trials.values()) {
            csv.append(t.trial()).append(',').append(t.status().label()).append(',')
                    .append(Double.isNaN(t.score()) ? "" : String.format(Locale.ROOT, "%.6g", t.score())).append(',')
                    .append(t.epochs()).append(',').append(String.format(Locale.ROOT, "%.1f", t.seconds())).append(',')
                    .append(t.attempts());
            keys.forEach(k -> csv.append(',').append(t.params().getOrDefault(k, ""))); // "": left out by its condition
            csv.append(',').append(Csv.field(t.reason())).append(',').append(Csv.field(t.folder())).append('\n');
        }
        run.writeText(TRIALS_CSV, csv.toString());

        List<Trial> ranked = Scores.ranked(spec.objective(), trials.values());
        List<String> header = new ArrayList<>(List.of("Rank", "Trial"));
        header.addAll(keys);
        header.addAll(List.of("Score", "Epochs", "Seconds", "Status"));
        MarkdownTable table = new MarkdownTable(header.toArray(String[]::new));
        for (int r = 0; r < ranked.size(); r++) {
            Trial t = ranked.get(r);
            List<Object> row = new ArrayList<>(List.of(r + 1, t.trial()));
            keys.forEach(k -> row.add(t.params().getOrDefault(k, "-")));
            row.add(Double.isNaN(t.score()) ? "-" : MarkdownTable.f4(t.score()));
            row.add(t.epochs());
            row.add(String.format(Locale.ROOT, "%.0f", t.seconds()));
            row.add(t.status().label() + (t.reason().isEmpty() || t.status() == Trial.Status.COMPLETED ? ""
                    : " (" + shortReason(t.reason()) + ")") + retried(t));
            table.row(row.toArray());
        }
        Optional<Trial> best = ranked.stream().filter(t -> t.status() == Trial.Status.COMPLETED).findFirst();
        best.ifPresent(b -> run.writeJson(BEST, bestConfig(target, spec, b)));
        if (!trials.isEmpty()) {
            run.picture(SCORES_PLOT, SweepPlots.scores(spec, trials.values()));
            run.picture(BEST_SO_FAR_PLOT, SweepPlots.bestSoFar(spec, trials.values()));
        }
        String text = "# Sweep of " + target.name() + "\n\n"
                + String.format(Locale.ROOT, "%s search, %d of %d trials, seed %d; objective: %s %s (%s). Each trial "
                                + "is a run of %s in `trials/<n>/`.%n%n", spec.search().kind().label(), trials.size(),
                        planned, spec.seed(), spec.objective().direction() == SweepSpec.Objective.Direction.MAX
                                ? "maximise" : "minimise", spec.objective().metric(),
                        spec.objective().direction().label(), target.name())
                + (spec.fixed().isEmpty() ? "" : "Fixed: " + spec.fixed() + ".\n\n")
                + table + "\n"
                + best.map(b -> "Best: trial " + b.trial() + ", " + b.params() + ". Run it again with `mvn exec:java "
                + "-Dexp=" + target.name() + " -Dconfig=<this folder>/" + BEST + "`.\n").orElse("No trial completed.\n")
                + smokeNote;
        run.table(text);
        return text;
    }

    /** best.json: the experiment and every setting the best trial ran with, as {@code config.json} has them. */
    private static <S extends Record & ExperimentSettings> Map<String, Object> bestConfig(Experiment<S> target,
                                                                                         SweepSpec spec, Trial best) {
        Map<String, String> values = new LinkedHashMap<>(spec.fixed());
        values.putAll(best.params());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment", target.name());
        out.putAll(SettingsParser.values(SettingsParser.with(target.defaults(), values)));
        return out;
    }

    static SweepSummary summary(SweepSpec spec, Map<Integer, Trial> trials) {
        List<Trial> ranked = Scores.ranked(spec.objective(), trials.values());
        Optional<Trial> best = ranked.stream().filter(t -> t.status() == Trial.Status.COMPLETED).findFirst();
        return new SweepSummary(spec.experiment(), spec.search().kind().label(), spec.objective().metric(),
                spec.objective().direction().label(), trials.size(), count(trials, Trial.Status.COMPLETED),
                count(trials, Trial.Status.PRUNED), count(trials, Trial.Status.FAILED),
                count(trials, Trial.Status.DIVERGED), best.map(Trial::trial).orElse(null),
                best.map(Trial::score).orElse(Double.NaN), best.map(Trial::params).orElse(Map.of()));
    }

    private static int count(Map<Integer, Trial> trials, Trial.Status status) {
        return (int) trials.values().stream().filter(t -> t.status() == status).count();
    }

    /** What the table says of a trial that took more than one attempt. */
    static String retried(Trial t) {
        return t.attempts() <= 1 ? "" : String.format(Locale.ROOT, ", attempt %d (%s lost)", t.attempts(),
                t.attempts() == 2 ? "an earlier attempt was" : t.attempts() - 1 + " earlier attempts were");
    }

    private static String shortReason(String reason) {
        String first = reason.split("(?<=\\.) ")[0];
        return first.length() > 90 ? first.substring(0, 87) + "..." : first;
    }
}
