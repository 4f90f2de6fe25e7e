package cnnlabs.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The epoch metrics beyond accuracy, on a hand-made example whose answers are known. */
class EvaluatorTest {

    /** softmax(x): a classifier whose class ranking is its input's. */
    private static ComputationGraph ranking(int classes) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(classes))
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).build(), "in")
                .setOutputs("out").build());
        g.init();
        g.getLayer("out").setParam("W", Nd4j.eye(classes).castTo(DataType.DOUBLE));
        g.getLayer("out").setParam("b", Nd4j.zeros(DataType.DOUBLE, 1, classes));
        return g;
    }

    @Test
    void topKAccuracyAndMacroAndWeightedF1MatchTheHandCount() {
        // scores per row, highest first: row 0 ranks 2,1,0; row 1 ranks 0,2,1; row 2 ranks 1,0,2; row 3 ranks 2,0,1
        INDArray x = Nd4j.createFromArray(new double[][] {{1, 2, 3}, {3, 1, 2}, {2, 3, 1}, {2, 1, 3}});
        int[] truth = {2, 2, 0, 1};
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 4, 3);
        for (int i = 0; i < truth.length; i++) {
            y.putScalar(i, truth[i], 1);
        }
        ListDataSetIterator<DataSet> data = new ListDataSetIterator<>(List.of(new DataSet(x, y)), 4);

        Evaluator.Result top2 = Evaluator.evaluate(ranking(3), data, 0, 2);

        // predicted (top 1): 2, 0, 1, 2; truth 2, 2, 0, 1 -> one right
        assertEquals(0.25, top2.accuracy(), 1e-12);
        // top 2: {2,1} has 2 yes; {0,2} has 2 yes; {1,0} has 0 yes; {2,0} lacks 1 -> three of four
        assertEquals(0.75, top2.topK(), 1e-12);
        // class 0: tp 0, fp 1 (row 1), fn 1 -> F1 0; class 1: tp 0 -> 0; class 2: tp 1, fp 1, fn 1 -> 0.5
        F1Scores f1 = F1Scores.of(top2.evaluation(), 3);
        assertArrayEquals(new double[] {0, 0, 0.5}, f1.perClass(), 1e-12);
        assertArrayEquals(new int[] {1, 1, 2}, f1.support());
        assertEquals(0.5 / 3, top2.macroF1(), 1e-12, "sklearn's f1_score(average='macro')");
        assertEquals(0.5 * 2 / 4, top2.weightedF1(), 1e-12, "sklearn's f1_score(average='weighted')");
        assertEquals(1.0, Evaluator.evaluate(ranking(3), data, 0, 3).topK(), 1e-12, "top 3 of 3 classes");
    }

    /** The top-k count agrees with ND4J's Evaluation's top-N, ties included (a class scored equal is not above). */
    @Test
    void topKCountsAsNd4jsEvaluationDoes() {
        Nd4j.getRandom().setSeed(9);
        INDArray scores = Nd4j.rand(DataType.FLOAT, 200, 10).muli(4).castTo(DataType.INT32).castTo(DataType.FLOAT);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 200, 10);
        for (int i = 0; i < 200; i++) {
            labels.putScalar(i, (i * 3) % 10, 1);
        }
        for (int k : new int[] {2, 5, 9}) {
            org.nd4j.evaluation.classification.Evaluation nd4j = new org.nd4j.evaluation.classification.Evaluation(
                    java.util.stream.IntStream.range(0, 10).mapToObj(String::valueOf).toList(), k);
            nd4j.eval(labels, scores);
            long ours = Evaluator.inTopK(scores, scores.mul(labels).sum(1), k);
            assertEquals(nd4j.getTopNCorrectCount(), ours, "top-" + k + " over 200 rows of tied integer scores");
        }
    }
}
