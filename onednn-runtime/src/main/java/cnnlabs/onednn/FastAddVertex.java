package cnnlabs.onednn;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.nn.gradient.Gradient;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The runtime's stand-in for the vertex of DL4J's {@link ElementWiseVertex} with {@code Op.Add} (same results) that
 * adds channels-last inputs ({@link ChannelsLast}) where they lie and hands the sum, and in the backward pass the
 * inputs' gradients, on channels-last.
 *
 * <p>Why: DL4J's vertex assigns its first input into a new NCHW array, which for a channels-last view is a strided
 * copy ND4J makes one float at a time, and copies its output's gradient for each input the same way. Here two or more
 * channels-last inputs of the same shape are added as the contiguous arrays behind them, and each input's gradient is
 * a contiguous copy of the output's. Anything else goes to DL4J's vertex, unchanged.
 */
public final class FastAddVertex extends org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex {

    private long channelsLastSums;
    /** How many inputs the last forward pass added channels-last; 0 where DL4J's vertex ran it. */
    private int channelsLastInputs;

    FastAddVertex(ComputationGraph graph, String name, int index, DataType dataType) {
        super(graph, name, index, Op.Add, dataType);
    }

    /** How many forward passes added channels-last inputs channels-last. */
    public long channelsLastSums() {
        return channelsLastSums;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        channelsLastInputs = 0;
        INDArray[] in = getInputs();
        if (in == null || in.length < 2 || !canDoForward()) {
            return super.doForward(training, workspaceMgr);
        }
        for (INDArray x : in) {
            if (!ChannelsLast.is(x) || !x.equalShapes(in[0]) || x.dataType() != dataType) {
                return super.doForward(training, workspaceMgr);
            }
        }
        INDArray sum = ChannelsLast.createLike(workspaceMgr, ArrayType.ACTIVATIONS, in[0]);
        INDArray out = ChannelsLast.nhwc(sum);
        Nd4j.exec(new AddOp(ChannelsLast.nhwc(in[0]), ChannelsLast.nhwc(in[1]), out));
        for (int i = 2; i < in.length; i++) {
            out.addi(ChannelsLast.nhwc(in[i]));
        }
        channelsLastInputs = in.length;
        channelsLastSums++;
        return sum;
    }

    /**
     * After a channels-last forward pass: each input's gradient is a copy of the output's, as in DL4J's vertex,
     * made channels-last (a contiguous copy) where the output's gradient lies so (DL4J's copy would be NCHW,
     * made one float at a time).
     */
    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (channelsLastInputs == 0 || !canDoBackward()) {
            return super.doBackward(tbptt, workspaceMgr);
        }
        INDArray epsilon = getEpsilon();
        INDArray[] gradients = new INDArray[channelsLastInputs];
        for (int i = 0; i < gradients.length; i++) {
            gradients[i] = ChannelsLast.is(epsilon)
                    ? ChannelsLast.copy(workspaceMgr, ArrayType.ACTIVATION_GRAD, epsilon)
                    : workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon);
        }
        return new Pair<>(null, gradients);
    }
}
