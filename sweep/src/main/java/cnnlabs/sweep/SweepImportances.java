package cnnlabs.sweep;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;
import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.data.measure.NominalScale;
import smile.data.type.DataTypes;
import smile.data.type.StructField;
import smile.data.vector.BaseVector;
import smile.data.vector.DoubleVector;
import smile.data.vector.IntVector;
import smile.regression.RandomForest;

/**
 * How much each searched setting explains the score, as Optuna's {@code MeanDecreaseImpurityImportanceEvaluator}
 * does it: a random forest regressor (Smile's) fitted on the completed trials, each setting's importance the
 * decrease in impurity (squared error) of the splits on it, summed over the forest's trees and normalised to sum 1.
 * (Optuna's default, fANOVA, decomposes the same kind of forest's variance instead.)
 *
 * <p>A trial's settings are encoded as a forest splits them best: log10 of a log_uniform value, a uniform or int value
 * as it is, a choice as a nominal variable (the forest splits on its categories, not on an order). A setting that a
 * trial does not have (its condition left it out) must not take the credit for the choice it depends on: "absent"
 * would split the trials exactly as that choice does. So an absent number is the middle of its range (it carries no
 * information), an absent choice one more category, and the settings without a condition come first, so that of two
 * splits that divide the trials alike the forest takes theirs.
 */
final class SweepImportances {

    static final String CSV = "importances.csv";
    static final String PLOT = "importances.png";
    /** Fewer completed trials than this give no importances: a forest on three points says nothing. */
    static final int MIN_TRIALS = 4;
    static final int TREES = 64;
    static final String METHOD = "mean decrease in impurity of a random forest (Smile, " + TREES + " trees)";
    private static final String ABSENT = "(absent)";

    private SweepImportances() {
    }

    /**
     * The importances by setting, most important first, summing to 1; or none, with the reason.
     *
     * @param trials how many completed trials with a score the forest was fitted on
     */
    record Result(Map<String, Double> importances, int trials, String reason) {
        boolean computed() {
            return !importances.isEmpty();
        }
    }

    /** The completed trials' importances; the forest is seeded from the sweep's seed, so a sweep repeats them. */
    static Result of(SweepSpec spec, Collection<Trial> trials) {
        List<Trial> completed = trials.stream()
                .filter(t -> t.status() == Trial.Status.COMPLETED && Double.isFinite(t.score())).toList();
        if (completed.size() < MIN_TRIALS) {
            return new Result(Map.of(), completed.size(), "needs at least " + MIN_TRIALS + " completed trials with a "
                    + "score (" + completed.size() + " so far)");
        }
        List<String> keys = spec.space().entrySet().stream() // unconditional first: they win exact ties
                .sorted(Comparator.comparing((Map.Entry<String, SweepDimension> e) -> !e.getValue().when().isEmpty()))
                .map(Map.Entry::getKey).toList();
        List<BaseVector<?, ?, ?>> columns = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            columns.add(column("x" + k, spec.space().get(keys.get(k)), keys.get(k), completed));
        }
        columns.add(DoubleVector.of("score", completed.stream().mapToDouble(Trial::score).toArray()));
        DataFrame data = DataFrame.of(columns.toArray(BaseVector[]::new));
        int n = completed.size();
        // all settings tried at each split, trees grown out (as Optuna's forest); each tree fitted on 80% of the
        // trials drawn without replacement, which always leaves it out-of-bag trials (Smile logs an error for a
        // bootstrap sample that has none, which a handful of trials often gives)
        long base = 2 + Math.floorMod(spec.seed(), 1L << 40) * TREES;
        RandomForest forest = RandomForest.fit(Formula.lhs("score"), data, TREES, keys.size(), 64, Math.max(2, n),
                1, 0.8, LongStream.range(0, TREES).map(i -> base + i));
        double[] raw = forest.importance();
        double sum = 0;
        for (double v : raw) {
            sum += Math.max(0, v);
        }
        if (!(sum > 0) || !Double.isFinite(sum)) {
            return new Result(Map.of(), n, "the " + n + " completed trials score alike, so no setting explains the "
                    + "score");
        }
        List<Map.Entry<String, Double>> ranked = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            ranked.add(Map.entry(keys.get(k), Math.max(0, raw[k]) / sum));
        }
        ranked.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Double> out = new LinkedHashMap<>();
        ranked.forEach(e -> out.put(e.getKey(), e.getValue()));
        return new Result(out, n, "");
    }

    /** One setting's column: a nominal variable for a choice, else a number (see the class's note on encoding). */
    private static BaseVector<?, ?, ?> column(String name, SweepDimension d, String key, List<Trial> trials) {
        if (d.choice() != null) {
            List<String> levels = new ArrayList<>(d.choice().stream().map(String::valueOf).toList());
            levels.add(ABSENT);
            int[] codes = trials.stream().mapToInt(t -> {
                int i = levels.indexOf(t.params().get(key));
                return i < 0 ? levels.size() - 1 : i;
            }).toArray();
            return IntVector.of(new StructField(name, DataTypes.IntegerType, new NominalScale(levels)), codes);
        }
        double[] values = trials.stream().mapToDouble(t -> encode(d, t.params().get(key))).toArray();
        return DoubleVector.of(name, values);
    }

    /** A numeric setting's value as the forest sees it: log10 for log_uniform; the middle of the range when absent. */
    static double encode(SweepDimension d, String value) {
        boolean log = d.logUniform() != null;
        double low = log ? Math.log10(d.logUniform().get(0)) : d.integer() != null ? d.integer().get(0) : d.uniform().get(0);
        double high = log ? Math.log10(d.logUniform().get(1)) : d.integer() != null ? d.integer().get(1) : d.uniform().get(1);
        double absent = (low + high) / 2;
        try {
            double v = value == null ? Double.NaN : Double.parseDouble(value);
            return Double.isNaN(v) ? absent : log ? (v > 0 ? Math.log10(v) : absent) : v;
        } catch (NumberFormatException e) {
            return absent;
        }
    }

    /** importances.csv: setting,importance, most important first. */
    static String csv(Result r) {
        StringBuilder out = new StringBuilder("setting,importance\n");
        r.importances().forEach((k, v) -> out.append(k).append(',').append(String.format(Locale.ROOT, "%.6f", v))
                .append('\n'));
        return out.toString();
    }

    /** The table's "Importance" section: the importances and how they were found, or why there are none. */
    static String section(Result r) {
        StringBuilder out = new StringBuilder("## Importance\n\n");
        if (!r.computed()) {
            return out.append("No importances: ").append(r.reason()).append(".\n").toString();
        }
        out.append("How much of the score's variation each searched setting explains: the ").append(METHOD)
                .append(", seeded from the sweep's seed, fitted on the ").append(r.trials())
                .append(" completed trials and normalised to sum 1. With few trials it is a hint, not a measurement.\n\n")
                .append("| Setting | Importance (impurity) |\n| --- | --- |\n");
        r.importances().forEach((k, v) -> out.append("| ").append(k).append(" | ")
                .append(String.format(Locale.ROOT, "%.3f", v)).append(" |\n"));
        return out.toString();
    }

    /** importances.png: a horizontal bar per setting, most important on top, its share written at the bar's end. */
    static BufferedImage plot(Result r, String metric) {
        int rows = r.importances().size();
        BufferedImage image = new BufferedImage(640, 96 + rows * 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = PlotKit.canvas(image);
        try {
            g.setFont(PlotKit.TITLE);
            g.setColor(PlotKit.TEXT);
            PlotKit.text(g, "Importance for " + metric + " (" + r.trials() + " completed trials)", 12, 18, 0, 0.5);
            g.setFont(PlotKit.LABEL);
            int left = 10 + Math.min(200, r.importances().keySet().stream()
                    .mapToInt(k -> g.getFontMetrics().stringWidth(k)).max().orElse(0) + 12);
            Scale x = Scale.metric(0, 1);
            PlotKit.Frame frame = new PlotKit.Frame(new Rectangle2D.Double(left, 40, image.getWidth() - left - 60,
                    rows * 30.0), x, Scale.categories(List.of()));
            frame.draw(g, "importance (" + METHOD.substring(0, METHOD.indexOf(" (")) + ", sums to 1)", "");
            int i = 0;
            for (Map.Entry<String, Double> e : r.importances().entrySet()) {
                double y = 40 + i++ * 30;
                g.setColor(PlotKit.COMPLETED);
                g.fill(new Rectangle2D.Double(frame.px(0), y + 6, frame.px(e.getValue()) - frame.px(0), 18));
                g.setColor(PlotKit.TEXT);
                g.setFont(PlotKit.LABEL);
                PlotKit.text(g, PlotKit.fit(g, e.getKey(), left - 16), left - 8, y + 15, 1, 0.5);
                g.setFont(PlotKit.TICK);
                PlotKit.text(g, String.format(Locale.ROOT, "%.3f", e.getValue()), frame.px(e.getValue()) + 5, y + 15,
                        0, 0.5);
            }
        } finally {
            g.dispose();
        }
        return image;
    }
}
