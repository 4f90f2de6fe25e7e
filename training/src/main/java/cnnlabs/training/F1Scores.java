package cnnlabs.training;

import org.nd4j.evaluation.classification.Evaluation;

/**
 * Per-class F1 of an evaluation as sklearn's {@code classification_report} gives it (0 where precision and recall are
 * both 0), with its macro mean and its mean weighted by each class's support (the images truly of that class).
 */
public record F1Scores(double[] perClass, int[] support) {

    public static F1Scores of(Evaluation evaluation, int classes) {
        double[] f1 = new double[classes];
        int[] support = new int[classes];
        if (evaluation.getConfusionMatrix() == null) {
            java.util.Arrays.fill(f1, Double.NaN);
            return new F1Scores(f1, support);
        }
        for (int t = 0; t < classes; t++) {
            for (int p = 0; p < classes; p++) {
                support[t] += evaluation.getConfusionMatrix().getCount(t, p);
            }
            double precision = evaluation.precision(t, 0.0);
            double recall = evaluation.recall(t, 0.0);
            f1[t] = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
        return new F1Scores(f1, support);
    }

    /** The unweighted mean over classes. */
    public double macro() {
        double sum = 0;
        for (double f : perClass) {
            sum += f;
        }
        return sum / perClass.length;
    }

    /** The mean weighted by support. */
    public double weighted() {
        double sum = 0;
        long n = 0;
        for (int c = 0; c < perClass.length; c++) {
            sum += perClass[c] * support[c];
            n += support[c];
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
