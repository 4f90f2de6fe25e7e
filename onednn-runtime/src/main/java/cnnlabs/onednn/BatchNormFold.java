package cnnlabs.onednn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * At inference, a convolution, the batch norm that alone reads it and the ReLU or ReLU6 layer that alone reads that,
 * run as one oneDNN convolution: weights scaled by {@code gamma / sqrt(var + eps)} per output channel, bias
 * {@code beta + (b - mean) * gamma / sqrt(var + eps)}, the activation as a post-op (clip to [0, 6] for ReLU6). The
 * batch norm and the activation layer then hand on the array they are given.
 *
 * <p>Why: MobileNetV2's inference pass ran its 52 batch norms and 35 ReLU6 layers as separate passes over their
 * activations, each with DL4J's per-layer cost, beside convolutions that oneDNN can finish in the same pass.
 *
 * <p>How it stays correct inside DL4J's graph: {@link FastGraph} turns a fold on only for an inference pass of
 * {@code output} (its {@code outputOfLayersDetached}, no masks) in which no member's own output was asked for. The
 * convolution then writes into memory outside DL4J's workspaces (DL4J closes each layer's activation workspace once
 * its readers are done, which would free an array handed on unchanged; a detached array is left alone and passes
 * DL4J's workspace checks), kept from pass to pass and shared by folds whose outputs are never read at the same
 * step (a {@link Slot}: from the convolution's step in the topological order to the last step that reads the fold's
 * output, through any reader that may hand it on); the batch norm and the activation
 * hand it on only if it is the very array the convolution wrote in this pass, so any path the convolution did not
 * take (no oneDNN, another data type) leaves them computing as they always do. The folded weights, and their
 * conversion into oneDNN's layout, are computed again whenever the parameters differ from those they were folded
 * from ({@link FoldedWeights}), however they were changed. Training, {@code feedForward} and DL4J's own graph never fold;
 * saved models are unchanged.
 */
final class BatchNormFold {

    /** A fast convolution layer that can run a fold ({@link FastConvolutionLayer}, its depthwise sibling). */
    interface Folding {
        /** The fold this convolution starts, or null for none. */
        void fold(BatchNormFold fold);
    }

    /**
     * Memory that folds whose outputs are never needed at the same time share (detached, grown to the largest
     * output written into it): a pass writes into memory a fold of the same pass wrote a few layers before, still in
     * the CPU's caches, rather than into one array per fold (MobileNetV2's folded convolutions, each writing its own
     * array, ran 33% slower inside oneDNN than the same convolutions writing into DL4J's reused workspaces).
     */
    private static final class Slot {
        private INDArray flat;
        private int lastUse = -1;

        INDArray reserve(long length) {
            if (flat == null || flat.length() < length) {
                try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    flat = Nd4j.createUninitialized(DataType.FLOAT, length);
                }
            }
            return flat;
        }
    }

    private final BatchNormalization batchNorm;
    private final DnnlConvolution.PostOp postOp;
    private final int[] vertexIndices;
    private Slot slot;
    private PaddingFold padding;
    private boolean on;
    private INDArray output;
    private final FoldedWeights weights = new FoldedWeights();
    private long reusedWeights;
    private INDArray buffer;
    private INDArray bufferMemory;
    private long passes;

    private BatchNormFold(BatchNormalization batchNorm, DnnlConvolution.PostOp postOp, int[] vertexIndices) {
        this.batchNorm = batchNorm;
        this.postOp = postOp;
        this.vertexIndices = vertexIndices;
    }

    /**
     * The folds of {@code graph}, each given to its convolution, batch norm helper and activation layer: every fast
     * convolution with the identity activation whose output only a batch norm reads (DL4J's layer with the runtime's
     * helper, NCHW, gamma and beta learned; the moving variance kept as such or as log10 of the standard deviation,
     * DL4J's default), optionally with the plain ReLU or ReLU6
     * layer that alone reads the batch norm's; none of them a network output. Zero padding that alone reads the
     * fold's output, read by a fast convolution alone, becomes the fold's {@link PaddingFold}.
     */
    static List<BatchNormFold> plan(ComputationGraph graph) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        int[] order = graph.topologicalSortOrder();
        int[] position = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            position[order[i]] = i;
        }
        List<BatchNormFold> folds = new ArrayList<>();
        List<Slot> slots = new ArrayList<>();
        for (String name : conf.getVertices().keySet()) {
            if (!(unwrap(graph.getVertex(name).getLayer()) instanceof Folding conv)
                    || !(conv instanceof Layer l && l.conf().getLayer() instanceof
                            org.deeplearning4j.nn.conf.layers.BaseLayer c
                            && c.getActivationFn() instanceof ActivationIdentity)) {
                continue;
            }
            String bnName = onlyReader(conf, name);
            if (bnName == null || !(unwrap(graph.getVertex(bnName).getLayer()) instanceof BatchNormalization bn)
                    || !(bn.getHelper() instanceof FastBatchNormHelper helper) || !foldable(bn)) {
                continue;
            }
            String actName = onlyReader(conf, bnName);
            FastActivationLayer activation = actName != null
                    && unwrap(graph.getVertex(actName).getLayer()) instanceof FastActivationLayer a
                    && (a.relu6() || a.plainRelu()) ? a : null;
            DnnlConvolution.PostOp op = activation == null ? DnnlConvolution.PostOp.NONE
                    : activation.relu6() ? DnnlConvolution.PostOp.RELU6 : DnnlConvolution.PostOp.RELU;
            String last = activation == null ? bnName : actName;
            List<String> members = new ArrayList<>(List.of(name, bnName));
            if (activation != null) {
                members.add(actName);
            }
            String padName = onlyReader(conf, last);
            String readerName = padName == null ? null : onlyReader(conf, padName);
            boolean padded = readerName != null
                    && unwrap(graph.getVertex(padName).getLayer()) instanceof FastZeroPaddingLayer
                    && unwrap(graph.getVertex(readerName).getLayer()) instanceof PaddingFold.Reader;
            if (padded) {
                members.add(padName);
            }
            BatchNormFold fold = new BatchNormFold(bn, op,
                    members.stream().mapToInt(m -> graph.getVertex(m).getVertexIndex()).toArray());
            fold.slot = slotFor(slots, position[graph.getVertex(name).getVertexIndex()],
                    lastRead(graph, graph.getVertex(last).getVertexIndex(), position));
            conv.fold(fold);
            helper.fold(fold);
            if (activation != null) {
                activation.fold(fold);
            }
            if (padded) {
                FastZeroPaddingLayer pad = (FastZeroPaddingLayer) unwrap(graph.getVertex(padName).getLayer());
                fold.padding = new PaddingFold(fold::handsOn, pad.layerConf().getPadding());
                pad.padding(fold.padding);
                ((PaddingFold.Reader) unwrap(graph.getVertex(readerName).getLayer())).padding(fold.padding);
            }
            folds.add(fold);
        }
        return folds;
    }

    /**
     * A slot free from step {@code first} of the topological order to step {@code last}: one whose last reader ran
     * before {@code first}, else a new one. Folds come in topological order of their convolutions.
     */
    private static Slot slotFor(List<Slot> slots, int first, int last) {
        Slot slot = slots.stream().filter(s -> s.lastUse < first).findFirst().orElse(null);
        if (slot == null) {
            slot = new Slot();
            slots.add(slot);
        }
        slot.lastUse = last;
        return slot;
    }

    /**
     * The last step of the topological order that reads vertex {@code index}'s output (its own if none does),
     * following readers that may hand their input on as their output (DL4J's dropout layer does at inference, a
     * merge or element-wise vertex of one input, a preprocessor's reshape; zero padding a {@link PaddingFold} leaves
     * to its reader): their readers read it too.
     */
    private static int lastRead(ComputationGraph graph, int index, int[] position) {
        int last = position[index];
        var readers = graph.getVertices()[index].getOutputVertices();
        for (var r : readers == null ? new org.deeplearning4j.nn.graph.vertex.VertexIndices[0] : readers) {
            int reader = r.getVertexIndex();
            last = Math.max(last, position[reader]);
            if (!writesNewArray(graph.getVertices()[reader])) {
                last = Math.max(last, lastRead(graph, reader, position));
            }
        }
        return last;
    }

    /** Whether {@code vertex} always writes its output into an array of its own (the layers known to). */
    private static boolean writesNewArray(org.deeplearning4j.nn.graph.vertex.GraphVertex vertex) {
        if (vertex instanceof FastAddVertex add) {
            return add.getNumInputArrays() >= 2;
        }
        if (!(vertex instanceof org.deeplearning4j.nn.graph.vertex.impl.LayerVertex lv)
                || lv.getLayerPreProcessor() != null) {
            return false;
        }
        Object layer = unwrap(lv.getLayer());
        return layer instanceof FastConvolutionLayer || layer instanceof FastDepthwiseConvolutionLayer
                || layer instanceof FastSubsamplingLayer
                || layer instanceof FastActivationLayer || layer instanceof FastDenseLayer
                || layer instanceof BatchNormalization
                || layer instanceof org.deeplearning4j.nn.layers.pooling.GlobalPoolingLayer;
    }

    private static boolean foldable(BatchNormalization bn) {
        var c = (org.deeplearning4j.nn.conf.layers.BatchNormalization) bn.conf().getLayer();
        return !c.isLockGammaBeta() && c.getCnn2DFormat() == CNN2DFormat.NCHW;
    }

    private static Object unwrap(Layer layer) {
        return layer instanceof BaseWrapperLayer w ? unwrap(w.getUnderlying()) : layer;
    }

    /** The one vertex that reads {@code name}'s output, with no preprocessor; null if several, none, or an output. */
    static String onlyReader(ComputationGraphConfiguration conf, String name) {
        if (conf.getNetworkOutputs().contains(name)) {
            return null;
        }
        String reader = null;
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            for (String in : e.getValue()) {
                if (in.equals(name)) {
                    if (reader != null) {
                        return null;
                    }
                    reader = e.getKey();
                }
            }
        }
        return reader != null && conf.getVertices().get(reader) instanceof LayerVertex lv
                && lv.getPreProcessor() == null ? reader : null;
    }

    /** Turns the fold on for the coming pass unless one of {@code requested} (vertex indices) is a member. */
    void begin(int[] requested) {
        on = true;
        for (int r : requested) {
            for (int v : vertexIndices) {
                on &= r != v;
            }
        }
        output = null;
    }

    /** Turns the fold off, after a pass. */
    void end() {
        on = false;
        output = null;
        if (padding != null) {
            padding.end();
        }
    }

    /** Whether the convolution runs the fold in this pass. */
    boolean on() {
        return on;
    }

    /** The padding left to the reader of this fold's output, or null. */
    PaddingFold padding() {
        return padding;
    }

    /** How many folded passes found the parameters unchanged and reused the folded, converted weights. */
    long reusedWeights() {
        return reusedWeights;
    }

    /** How many passes ran folded. */
    long passes() {
        return passes;
    }

    /** Whether {@code x} is what the convolution wrote folded in this pass: a member then hands it on. */
    boolean handsOn(INDArray x) {
        return on && x != null && x == output;
    }

    /**
     * The folded convolution of {@code input} with {@code w} (DL4J's weights; {@code depthwise}:
     * {@code [kH, kW, iC, m]}) and {@code b} (null: none) through {@code dnnl}, into this fold's array of
     * {@code shape}, channels-last where {@code channelsLast}; null, with nothing handed on, where oneDNN has no
     * primitive for it.
     */
    INDArray forward(DnnlConvolution dnnl, INDArray input, INDArray w, INDArray b, long[] shape,
                     boolean channelsLast, DnnlConvolution.Geometry g, boolean depthwise) {
        INDArray gamma = batchNorm.getParam(BatchNormalizationParamInitializer.GAMMA);
        INDArray beta = batchNorm.getParam(BatchNormalizationParamInitializer.BETA);
        INDArray mean = batchNorm.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN);
        INDArray var = batchNorm.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR);
        boolean logStd = var == null; // DL4J's default: the moving statistic is log10 of the standard deviation
        if (logStd) {
            var = batchNorm.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
        }
        double eps = ((org.deeplearning4j.nn.conf.layers.BatchNormalization) batchNorm.conf().getLayer()).getEps();
        Boolean unchanged = weights.update(w, b, gamma, beta, mean, var, logStd, eps, depthwise);
        if (unchanged == null) {
            return null;
        }
        INDArray memory = slot.reserve(shape[0] * shape[1] * shape[2] * shape[3]);
        if (buffer == null || bufferMemory != memory || !java.util.Arrays.equals(buffer.shape(), shape)
                || ChannelsLast.is(buffer) != channelsLast) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                buffer = channelsLast
                        ? ChannelsLast.nchwView(Nd4j.create(memory.data(), shape[0], shape[2], shape[3], shape[1]))
                        : Nd4j.create(memory.data(), shape);
            }
            bufferMemory = memory;
        }
        if (!dnnl.forward(input, weights.weights(), weights.bias(), buffer, g, false, postOp, weights.version())) {
            return null;
        }
        passes++;
        reusedWeights += unchanged ? 1 : 0;
        output = buffer;
        return buffer;
    }





}
