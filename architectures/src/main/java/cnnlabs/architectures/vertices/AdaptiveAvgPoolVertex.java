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
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * PyTorch's {@code nn.AdaptiveAvgPool2d((outHeight, outWidth))}: the caller names the output size and each
 * output cell averages its own window, {@code [floor(i * H / outH), ceil((i + 1) * H / outH))} (and the same
 * for the width), so windows may differ in size and overlap. A 37x41 input pools to 7x7 with windows 6 or 7
 * tall and 6 or 7 wide; when the input divides evenly it is plain average pooling. DL4J has no such layer.
 */
public class AdaptiveAvgPoolVertex extends ParameterlessVertex {

    private final int outHeight;
    private final int outWidth;

    public AdaptiveAvgPoolVertex(@JsonProperty("outHeight") int outHeight, @JsonProperty("outWidth") int outWidth) {
        if (outHeight < 1 || outWidth < 1) {
            throw new IllegalArgumentException("adaptive pooling output size must be positive, got " + outHeight + "x" + outWidth);
        }
        this.outHeight = outHeight;
        this.outWidth = outWidth;
    }

    public int getOutHeight() {
        return outHeight;
    }

    public int getOutWidth() {
        return outWidth;
    }

    /** Start (inclusive) of output cell {@code i}'s window along an axis of {@code in} pixels pooled to {@code out}. */
    public static int windowStart(int i, int in, int out) {
        return Math.floorDiv(i * in, out);
    }

    /** End (exclusive) of output cell {@code i}'s window. */
    public static int windowEnd(int i, int in, int out) {
        return -Math.floorDiv(-(i + 1) * in, out);
    }

    @Override
    public AdaptiveAvgPoolVertex clone() {
        return new AdaptiveAvgPoolVertex(outHeight, outWidth);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdaptiveAvgPoolVertex v && v.outHeight == outHeight && v.outWidth == outWidth;
    }

    @Override
    public int hashCode() {
        return 31 * outHeight + outWidth;
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
        return new AdaptiveAvgPool(graph, name, idx, networkDatatype, outHeight, outWidth);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) throws InvalidInputTypeException {
        if (inputs.length != 1 || !(inputs[0] instanceof InputType.InputTypeConvolutional x)) {
            throw new InvalidInputTypeException("AdaptiveAvgPoolVertex takes one (N,C,H,W) feature map, got "
                    + Arrays.toString(inputs));
        }
        return InputType.convolutional(outHeight, outWidth, x.getChannels());
    }

    /** The runtime vertex: one mean per output cell over its window; the backward pass spreads each gradient evenly. */
    static final class AdaptiveAvgPool extends Runtime {

        private final int outHeight;
        private final int outWidth;

        AdaptiveAvgPool(ComputationGraph graph, String name, int index, DataType dataType, int outHeight, int outWidth) {
            super(graph, name, index, dataType);
            this.outHeight = outHeight;
            this.outWidth = outWidth;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (!canDoForward()) {
                throw new IllegalStateException("AdaptiveAvgPoolVertex " + vertexName + ": inputs not set");
            }
            INDArray x = inputs[0];
            int h = (int) x.size(2);
            int w = (int) x.size(3);
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(),
                    new long[] {x.size(0), x.size(1), outHeight, outWidth}, 'c');
            for (int i = 0; i < outHeight; i++) {
                for (int j = 0; j < outWidth; j++) {
                    out.get(cell(i, j)).assign(x.get(window(i, j, h, w)).mean(2, 3));
                }
            }
            return out;
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            if (!canDoBackward()) {
                throw new IllegalStateException("AdaptiveAvgPoolVertex " + vertexName + ": errors not set");
            }
            INDArray x = inputs[0];
            int h = (int) x.size(2);
            int w = (int) x.size(3);
            INDArray dx = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), x.shape(), 'c');
            for (int i = 0; i < outHeight; i++) {
                for (int j = 0; j < outWidth; j++) {
                    INDArrayIndex[] window = window(i, j, h, w);
                    INDArray region = dx.get(window);
                    double area = (double) region.size(2) * region.size(3);
                    INDArray share = epsilon.get(cell(i, j)).div(area);
                    Nd4j.getExecutioner().exec(new BroadcastAddOp(region, share, region, 0, 1));
                }
            }
            return new Pair<>(null, new INDArray[] {dx});
        }

        private static INDArrayIndex[] cell(int i, int j) {
            return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.point(j)};
        }

        private INDArrayIndex[] window(int i, int j, int h, int w) {
            return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.interval(windowStart(i, h, outHeight), windowEnd(i, h, outHeight)),
                    NDArrayIndex.interval(windowStart(j, w, outWidth), windowEnd(j, w, outWidth))};
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                int minibatchSize) {
            return null;
        }

        @Override
        public String toString() {
            return "AdaptiveAvgPoolVertex(name=" + vertexName + ", out=" + outHeight + "x" + outWidth + ")";
        }
    }
}
