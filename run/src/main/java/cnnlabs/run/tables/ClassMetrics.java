package cnnlabs.run.tables;

import cnnlabs.training.F1Scores;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * A classifier's confusion matrix and per-class precision, recall and F1 on one split, from ND4J's {@link Evaluation}
 * (rows: true class, columns: predicted class), as {@code sklearn.metrics.classification_report} prints them.
 *
 * @param split     what was evaluated ("test", "validation")
 * @param confusion counts, {@code confusion[true][predicted]}
 * @param perClass  one row per class, in class order
 */
public record ClassMetrics(String model, String split, List<String> classes, int[][] confusion, List<PerClass> perClass,
                           double accuracy, double macroF1) {

    /** One class's row: precision, recall, F1 and how many images truly are that class. */
    public record PerClass(String name, double precision, double recall, double f1, int support) {
    }

    /** From an evaluation over {@code classes}. */
    public static ClassMetrics of(String model, String split, List<String> classes, Evaluation evaluation) {
        int n = classes.size();
        int[][] confusion = new int[n][n];
        List<PerClass> rows = new ArrayList<>();
        F1Scores f1 = F1Scores.of(evaluation, n);
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                confusion[t][p] = evaluation.getConfusionMatrix() == null ? 0
                        : evaluation.getConfusionMatrix().getCount(t, p);
            }
            rows.add(new PerClass(classes.get(t), evaluation.precision(t, 0.0), evaluation.recall(t, 0.0),
                    evaluation.getConfusionMatrix() == null ? 0 : f1.perClass()[t], f1.support()[t]));
        }
        return new ClassMetrics(model, split, List.copyOf(classes), confusion, List.copyOf(rows),
                evaluation.getConfusionMatrix() == null ? Double.NaN : evaluation.accuracy(),
                evaluation.getConfusionMatrix() == null ? 0 : f1.macro());
    }

    /** The confusion matrix as CSV: a header of predicted classes, then one row per true class. */
    public String confusionCsv() {
        StringBuilder s = new StringBuilder("true\\predicted");
        classes.forEach(c -> s.append(',').append(Csv.field(c)));
        s.append('\n');
        for (int t = 0; t < classes.size(); t++) {
            s.append(Csv.field(classes.get(t)));
            for (int p = 0; p < classes.size(); p++) {
                s.append(',').append(confusion[t][p]);
            }
            s.append('\n');
        }
        return s.toString();
    }

    /** Per-class precision, recall, F1 and support as CSV. */
    public String perClassCsv() {
        StringBuilder s = new StringBuilder("class,precision,recall,f1,support\n");
        for (PerClass r : perClass) {
            s.append(Csv.field(r.name())).append(String.format(Locale.ROOT, ",%.6f,%.6f,%.6f,%d%n", r.precision(), r.recall(),
                    r.f1(), r.support()));
        }
        return s.toString();
    }

    /** Per-class metrics as a Markdown table, with the macro average. */
    public String table() {
        MarkdownTable t = new MarkdownTable("Class", "Precision", "Recall", "F1", "Support");
        int total = 0;
        for (PerClass r : perClass) {
            t.row(r.name(), MarkdownTable.f4(r.precision()), MarkdownTable.f4(r.recall()), MarkdownTable.f4(r.f1()),
                    MarkdownTable.count(r.support()));
            total += r.support();
        }
        t.row("macro average", MarkdownTable.f4(perClass.stream().mapToDouble(PerClass::precision).average().orElse(0)),
                MarkdownTable.f4(perClass.stream().mapToDouble(PerClass::recall).average().orElse(0)),
                MarkdownTable.f4(macroF1), MarkdownTable.count(total));
        return t.toString();
    }

    /** The file names this model's metrics go to: {@code confusion-<model>.png/.csv}, {@code per-class-<model>.csv}. */
    public static String file(String kind, String model, String extension) {
        return kind + "-" + model.replaceAll("[^A-Za-z0-9._-]", "_") + "." + extension;
    }

}
