package cnnlabs.architectures.vertices;

import java.util.Arrays;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scales each channel of a feature map by a per-example, per-channel factor: inputs {@code x} of shape
 * (N, C, H, W) and {@code s} of shape (N, C), output {@code x * s[:, :, None, None]}. This is the "scale"
 * step of a squeeze-and-excitation block (seed 002 {@code SEBlock}: {@code return x * y}), the broadcast
 * multiply that DL4J's {@code ElementWiseVertex} cannot do for (N, C) against (N, C, H, W).
 *
 * <p>Gradients: {@code dL/dx = dL/dout * s} (broadcast), {@code dL/ds = sum over H, W of dL/dout * x}.
 */
public class ChannelScaleVertex extends ParameterlessVertex {

    @Override
    public ChannelScaleVertex clone() {
        return new ChannelScaleVertex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelScaleVertex;
    }

    @Override
    public int hashCode() {
        return ChannelScaleVertex.class.hashCode();
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new ChannelScale(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) throws InvalidInputTypeException {
        if (inputs.length != 2 || !(inputs[0] instanceof InputType.InputTypeConvolutional x)) {
            throw new InvalidInputTypeException("ChannelScaleVertex takes (feature map (N,C,H,W), scales (N,C)), got "
                    + Arrays.toString(inputs));
        }
        if (inputs[1].arrayElementsPerExample() != x.getChannels()) {
            throw new InvalidInputTypeException("ChannelScaleVertex: " + x.getChannels() + " channels but "
                    + inputs[1].arrayElementsPerExample() + " scales (" + inputs[1] + ")");
        }
        return x;
    }

    /** The runtime vertex. */
    static final class ChannelScale extends Runtime {

        ChannelScale(ComputationGraph graph, String name, int index, DataType dataType) {
            super(graph, name, index, dataType);
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (!canDoForward()) {
                throw new IllegalStateException("ChannelScaleVertex " + vertexName + ": inputs not set");
            }
            INDArray x = inputs[0];
            INDArray scales = scales(x);
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
            Nd4j.getExecutioner().exec(new BroadcastMulOp(x, scales, out, 0, 1));
            return out;
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            if (!canDoBackward()) {
                throw new IllegalStateException("ChannelScaleVertex " + vertexName + ": errors not set");
            }
            INDArray x = inputs[0];
            INDArray scales = scales(x);
            INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), x.shape(), 'c');
            Nd4j.getExecutioner().exec(new BroadcastMulOp(epsilon, scales, dx, 0, 1));
            INDArray ds = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                    inputs[1].shape(), 'c');
            ds.assign(epsilon.mul(x).sum(2, 3).reshape(inputs[1].shape()));
            return new Pair<>(null, new INDArray[] {dx, ds});
        }

        /** The scales as an (N, C) matrix, whatever shape the second input arrives in ((N, C) or (N, C, 1, 1)). */
        private INDArray scales(INDArray x) {
            INDArray s = inputs[1];
            return s.rank() == 2 ? s : s.reshape(x.size(0), x.size(1));
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                int minibatchSize) {
            return maskArrays == null || maskArrays.length == 0 ? null : new Pair<>(maskArrays[0], currentMaskState);
        }
    }
}
