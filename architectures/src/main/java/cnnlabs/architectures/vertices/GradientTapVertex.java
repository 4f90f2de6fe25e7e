package cnnlabs.architectures.vertices;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An identity vertex that keeps a copy of the gradient flowing back through it, for tools that need the gradient with
 * respect to an activation (Grad-CAM, saliency): DL4J's backpropagation keeps none for a graph's inputs. The copy goes
 * to a {@link Tap} shared by the configuration and its clones; a graph with one is an instrument, never saved.
 */
public class GradientTapVertex extends ParameterlessVertex {

    /** Where the runtime vertex leaves the last gradient it saw. */
    public static final class Tap {
        private INDArray gradient;

        /** The gradient of the last backward pass (detached), or null. */
        public INDArray gradient() {
            return gradient;
        }

        public void clear() {
            gradient = null;
        }
    }

    private final transient Tap tap;

    public GradientTapVertex(Tap tap) {
        this.tap = tap;
    }

    @Override
    public GradientTapVertex clone() {
        return new GradientTapVertex(tap);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GradientTapVertex t && t.tap == tap;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(tap);
    }

    @Override
    public int minVertexInputs() {
        return 1;
    }

    @Override
    public int maxVertexInputs() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new Runtime(graph, name, idx, networkDatatype) {
            @Override
            public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
                return inputs[0];
            }

            @Override
            public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
                tap.gradient = epsilon.detach().dup();
                return new Pair<>(null, new INDArray[] {epsilon});
            }

            @Override
            public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                                   int minibatchSize) {
                return maskArrays == null || maskArrays.length == 0 ? null : new Pair<>(maskArrays[0], currentMaskState);
            }
        };
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputTypes) {
        return inputTypes[0];
    }
}
