package cnnlabs.training.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * The gradients of the parameters an updater trains, after the backward pass: what PyTorch's {@code weight_decay}
 * and gradient clipping touch. Parameters with DL4J's {@link NoOp} updater (frozen layers, batch-norm moving
 * statistics) are not among them. Each gradient is a view into the graph's flat gradient, summed over the batch.
 */
final class TrainableGradients {

    /** One trainable parameter: its layer, its name, its updater and its gradient view. */
    record Entry(String layer, String param, IUpdater updater, INDArray gradient) {
    }

    private TrainableGradients() {
    }

    static List<Entry> of(ComputationGraph graph) {
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : graph.gradient().gradientForVariable().entrySet()) {
            String key = e.getKey();
            int cut = key.lastIndexOf('_');
            String layer = key.substring(0, cut);
            String param = key.substring(cut + 1);
            if (graph.getLayer(layer) != null && graph.getLayer(layer).conf().getLayer() instanceof BaseLayer base) {
                IUpdater updater = base.getUpdaterByParam(param);
                if (updater != null && !(updater instanceof NoOp)) {
                    out.add(new Entry(layer, param, updater, e.getValue()));
                }
            }
        }
        return out;
    }
}
