package cnnlabs.sweep;

import cnnlabs.run.Experiment;
import cnnlabs.run.results.ExperimentRun;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.run.tables.Csv;
import cnnlabs.run.tables.MarkdownTable;
import cnnlabs.settings.SettingsParser;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a sweep shows of its trials, into its run: {@code trials.csv}, the ranked table, {@code best.json}, the score
 * against each parameter and the best-so-far curve, the parallel coordinates, the settings' importances
 * ({@link SweepImportances}), the Pareto front when the sweep has a second objective ({@link ParetoFront}), and its
 * {@code summary.json} ({@link SweepSummary}).
 */
final class SweepReport {

    static final String TRIALS_CSV = "trials.csv";
    static final String BEST = "best.json";
    static final String SCORES_PLOT = "scores.png";
    static final String BEST_SO_FAR_PLOT = "best-so-far.png";

    private SweepReport() {
    }

    /**
     * Writes trials.csv, best.json, the pictures, the importances and the Pareto front, and returns the table (also
     * emitted as the run's table).
     */
    static <S extends Record & ExperimentSettings> String publish(ExperimentRun run, SweepSpec spec,
                                                                 Experiment<S> target, Map<Integer, Trial> trials,
                                                                 int planned, String smokeNote) {
        run.writeText(TRIALS_CSV, trialsCsv(spec, trials));
        List<Trial> ranked = Scores.ranked(spec.objective(), trials.values());
        SweepSpec.Objective second = spec.secondObjective();
        List<Trial> front = second == null ? List.of() : ParetoFront.of(spec.objective(), second, trials.values());
        Optional<Trial> best = ranked.stream().filter(t -> t.status() == Trial.Status.COMPLETED).findFirst();
        best.ifPresent(b -> run.writeJson(BEST, bestConfig(target, spec, b)));
        SweepImportances.Result importances = SweepImportances.of(spec, trials.values());
        pictures(run, spec, trials.values(), best.isPresent(), importances, front);
        String text = "# Sweep of " + target.name() + "\n\n"
                + String.format(Locale.ROOT, "%s search, %d of %d trials, seed %d; objective: %s %s (%s). Each trial "
                                + "is a run of %s in `trials/<n>/`.%n%n", spec.search().kind().label(), trials.size(),
                        planned, spec.seed(), spec.objective().direction() == SweepSpec.Objective.Direction.MAX
                                ? "maximise" : "minimise", objective(spec.objective()),
                        spec.objective().direction().label(), target.name())
                + (spec.fixed().isEmpty() ? "" : "Fixed: " + spec.fixed() + ".\n\n")
                + rankedTable(spec, ranked, front) + "\n"
                + best.map(b -> "Best: trial " + b.trial() + ", " + b.params() + ". Run it again with `mvn exec:java "
                + "-Dexp=" + target.name() + " -Dconfig=<this folder>/" + BEST + "`.\n").orElse("No trial completed.\n")
                + (second == null ? "" : "\n" + pareto(second, front))
                + "\n" + SweepImportances.section(importances)
                + smokeNote;
        run.table(text);
        return text;
    }

    /** trials.csv: every trial in number order, with each searched setting ("" where its condition left it out). */
    private static String trialsCsv(SweepSpec spec, Map<Integer, Trial> trials) {
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
        return csv.toString();
    }

    /** The ranked table; with a second objective, its value in a column after the score, the front's marked. */
    private static MarkdownTable rankedTable(SweepSpec spec, List<Trial> ranked, List<Trial> front) {
        List<String> keys = List.copyOf(spec.space().keySet());
        SweepSpec.Objective second = spec.secondObjective();
        List<String> header = new ArrayList<>(List.of("Rank", "Trial"));
        header.addAll(keys);
        header.add("Score");
        if (second != null) {
            header.add(second.metric() + " (" + second.direction().label() + ")");
        }
        header.addAll(List.of("Epochs", "Seconds", "Status"));
        MarkdownTable table = new MarkdownTable(header.toArray(String[]::new));
        for (int r = 0; r < ranked.size(); r++) {
            Trial t = ranked.get(r);
            List<Object> row = new ArrayList<>(List.of(r + 1, t.trial()));
            keys.forEach(k -> row.add(t.params().getOrDefault(k, "-")));
            row.add(Double.isNaN(t.score()) ? "-" : MarkdownTable.f4(t.score()));
            if (second != null) {
                row.add(ParetoFront.format(t.secondScore()) + (front.contains(t) ? " " + ParetoFront.MARK : ""));
            }
            row.add(t.epochs());
            row.add(String.format(Locale.ROOT, "%.0f", t.seconds()));
            row.add(t.status().label() + (t.reason().isEmpty() || t.status() == Trial.Status.COMPLETED ? ""
                    : " (" + shortReason(t.reason()) + ")") + retried(t));
            table.row(row.toArray());
        }
        return table;
    }

    /**
     * The pictures, each as soon as it has something to show: the scores and best-so-far from the first trial, the
     * parallel coordinates from the first completed one, the importances once there are enough completed trials,
     * the Pareto front once a completed trial has both objectives.
     */
    private static void pictures(ExperimentRun run, SweepSpec spec, Collection<Trial> trials, boolean completed,
                                 SweepImportances.Result importances, List<Trial> front) {
        if (!trials.isEmpty()) {
            run.picture(SCORES_PLOT, SweepPlots.scores(spec, trials));
            run.picture(BEST_SO_FAR_PLOT, SweepPlots.bestSoFar(spec, trials));
        }
        if (completed) {
            run.picture(ParallelCoordinates.FILE, ParallelCoordinates.plot(spec, trials));
        }
        if (importances.computed()) {
            run.writeText(SweepImportances.CSV, SweepImportances.csv(importances));
            run.picture(SweepImportances.PLOT, SweepImportances.plot(importances, spec.objective().metric()));
        }
        if (!front.isEmpty()) {
            run.writeText(ParetoFront.CSV, ParetoFront.csv(spec, front));
            run.picture(ParetoFront.PLOT, ParetoFront.plot(spec, trials, front));
        }
    }

    /** What the table says of the Pareto front under it. */
    private static String pareto(SweepSpec.Objective second, List<Trial> front) {
        return front.isEmpty() ? "No completed trial has " + second.metric() + " yet, so there is no Pareto front.\n"
                : "Pareto front over the score and " + second.metric() + " (" + second.direction().label() + "): trials "
                + front.stream().map(t -> String.valueOf(t.trial())).toList() + ", marked " + ParetoFront.MARK
                + " in the table; no other completed trial is better on both.\n";
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

    /** The objective as the table names it: {@code val_acc}, {@code val_acc of resnet-style}, {@code mean val_acc}. */
    static String objective(SweepSpec.Objective objective) {
        String model = objective.model();
        if (model == null) {
            return objective.metric();
        }
        return SweepSpec.Objective.OVER_MODELS.contains(model) ? model + " " + objective.metric() + " over its models"
                : objective.metric() + " of " + model;
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
