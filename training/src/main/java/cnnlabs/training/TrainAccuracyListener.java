package cnnlabs.training;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Counts correct predictions of the training forward pass itself (dropout on, batch statistics), as Keras'
 * running {@code accuracy} does, without a second forward pass.
 *
 * <p>DL4J hands listeners every activation of the training pass except the output layer's; the output
 * layer is a dense softmax, so its argmax is the argmax of {@code input * W + b}, computed here from its
 * input activation and its current weights (before this step's update, as in the forward pass).
 */
final class TrainAccuracyListener extends BaseTrainingListener {

    private final String outputName;
    private final String outputInput;
    private INDArray expected;
    private long correct;
    private long seen;

    TrainAccuracyListener(ComputationGraph graph) {
        List<String> outputs = graph.getConfiguration().getNetworkOutputs();
        if (outputs.size() != 1 || !(graph.getLayer(outputs.get(0)) instanceof OutputLayer)) {
            throw new IllegalArgumentException("training accuracy needs a single dense OutputLayer, got " + outputs);
        }
        this.outputName = outputs.get(0);
        this.outputInput = graph.getConfiguration().getVertexInputs().get(outputName).get(0);
    }

    /** The one-hot labels of the batch about to be fitted. */
    void expect(INDArray labels) {
        this.expected = Nd4j.argMax(labels, 1);
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        INDArray x = activations.get(outputInput);
        if (x == null || expected == null) {
            return;
        }
        if (x.rank() != 2) {
            x = x.reshape('c', x.size(0), -1);
        }
        Layer out = ((ComputationGraph) model).getLayer(outputName);
        INDArray logits = x.mmul(out.getParam(DefaultParamInitializer.WEIGHT_KEY))
                .addiRowVector(out.getParam(DefaultParamInitializer.BIAS_KEY));
        correct += Evaluator.correct(logits, expected);
        seen += x.size(0);
        expected = null;
    }

    void resetCounts() {
        correct = 0;
        seen = 0;
    }

    double accuracy() {
        return seen == 0 ? Double.NaN : (double) correct / seen;
    }
}
