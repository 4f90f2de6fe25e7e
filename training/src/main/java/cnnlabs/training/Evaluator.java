package cnnlabs.training;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Loss and accuracy of a classifier in inference mode, as Keras' {@code evaluate} computes them, and ND4J's
 * {@link Evaluation} of the same predictions (confusion matrix, per-class precision and recall).
 */
public final class Evaluator {

    /** Keras clips probabilities at 1e-7 before the log. */
    private static final double EPSILON = 1e-7;

    private Evaluator() {
    }

    /**
     * @param evaluation ND4J's evaluation of the same pass (its confusion matrix is empty when no image was seen)
     * @param topK       the top-k accuracy: the true class among the k highest scores
     * @param macroF1    the per-class F1's mean ({@link F1Scores})
     * @param weightedF1 the per-class F1's mean weighted by support
     */
    public record Result(double loss, double accuracy, long images, Evaluation evaluation, int k, double topK,
                         double macroF1, double weightedF1) {
    }

    /** One pass over {@code data} (from its start; at most {@code maxBatches} batches when > 0), top-5 accuracy. */
    public static Result evaluate(ComputationGraph graph, DataSetIterator data, int maxBatches) {
        return evaluate(graph, data, maxBatches, 5);
    }

    /** As {@link #evaluate(ComputationGraph, DataSetIterator, int)}, with the top-{@code k} accuracy. */
    public static Result evaluate(ComputationGraph graph, DataSetIterator data, int maxBatches, int k) {
        data.reset();
        double lossSum = 0;
        long correct = 0;
        long images = 0;
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < data.totalOutcomes(); c++) {
            classes.add(String.valueOf(c));
        }
        // top-1 in ND4J's Evaluation: its top-k path takes every row apart (two native calls per image, more than
        // LeNet-5's whole inference pass); top-k is counted here instead, in one pass per batch
        Evaluation evaluation = new Evaluation(classes, 1); // ND4J's (int, Integer) is the binary positive class, not k
        long topK = 0;
        for (int b = 0; data.hasNext() && (maxBatches <= 0 || b < maxBatches); b++) {
            DataSet batch = data.next();
            INDArray probabilities = graph.outputSingle(false, batch.getFeatures());
            INDArray labels = batch.getLabels();
            INDArray pTrue = probabilities.mul(labels).sum(1);
            topK += inTopK(probabilities, pTrue, k);
            lossSum -= Transforms.log(Transforms.max(pTrue, EPSILON, false), false).sumNumber().doubleValue();
            correct += correct(probabilities, Nd4j.argMax(labels, 1));
            images += labels.size(0);
            evaluation.eval(labels, probabilities);
        }
        if (images == 0) {
            return new Result(Double.NaN, Double.NaN, 0, evaluation, k, Double.NaN, Double.NaN, Double.NaN);
        }
        F1Scores f1 = F1Scores.of(evaluation, data.totalOutcomes());
        return new Result(lossSum / images, (double) correct / images, images, evaluation, k,
                (double) topK / images, f1.macro(), f1.weighted());
    }

    /**
     * How many rows have their true class among the {@code k} highest scores: fewer than {@code k} classes scored
     * strictly above it, as ND4J's {@link Evaluation} counts its top-N ({@code pTrue}: each row's score of its true
     * class, the labels being one-hot).
     */
    static long inTopK(INDArray scores, INDArray pTrue, int k) {
        INDArray above = scores.subColumnVector(pTrue).gt(0.0).castTo(DataType.INT32).sum(1);
        return above.lt(k).castTo(DataType.INT32).sumNumber().longValue();
    }

    /** How many rows of {@code scores} (probabilities or logits) have their maximum at {@code labelIndices}. */
    static long correct(INDArray scores, INDArray labelIndices) {
        return Nd4j.argMax(scores, 1).eq(labelIndices).castTo(DataType.INT32).sumNumber().longValue();
    }
}
