package cnnlabs.onednn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import cnnlabs.onednn.FastLayerKind.ChannelsLastUse;
import org.deeplearning4j.nn.api.FwdPassType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DL4J {@link ComputationGraph} whose layers are the runtime's where {@link RuntimePlan} says so, and DL4J's own
 * elsewhere. Its configuration is the plain DL4J configuration it was given, untouched: what it saves, clones and
 * reports is DL4J's. The runtime's layers are swapped in only while {@link #init} instantiates the graph.
 *
 * <p>While it computes a training step's gradient it does not compute the gradient at its network inputs: a
 * {@link FastConvolutionLayer} fed straight by a network input (and by nothing else reading that input, with no
 * preprocessor) is told to return only its weight and bias gradients. Why: DL4J's graph runs every layer's full
 * backward pass and then drops the gradient the first layer hands to the input. For the lab's MNIST models that
 * first backward convolution (one input channel) was the most expensive oneDNN call of a LeNet-5 step. Everything
 * else ({@code backpropGradient(epsilons)}, {@code output}, {@code feedForward}, layers used on their own) still
 * gets input gradients.
 *
 * <p>It also arranges where activations lie: at {@link #init} every fast convolution whose output only fast
 * convolutions, pooling layers and DL4J's global pooling read is told to write it channels-last ({@link ChannelsLast});
 * those readers take it without a layout conversion (global pooling averages it where it lies and hands back an NCHW
 * gradient, which the layer behind copies channels-last once). The same holds through fast batch norm, ReLU and ReLU6
 * layers, zero padding and {@link FastAddVertex} (a residual block), whose own readers must then take it too. And a
 * fast convolution, dense or ReLU layer whose output a layer with dropout reads does not keep that output for its
 * backward pass (DL4J lets such a layer, when it is its input's only consumer, apply dropout in place), unless the
 * dropout is DL4J's standard one and the layer's backward pass reads the output only where it is positive. A fast
 * plain-ReLU convolution whose output only a fast max pooling reads leaves the ReLU's derivative to that pooling,
 * which applies it to its smaller output gradient ({@link FastSubsamplingLayer#takeReluDerivative}). What any layer
 * computes stays the same.
 *
 * <p>Its updater is a {@link FusedAdamUpdater}: Adam in one pass over the flattened gradient, DL4J's numbers to the
 * bit on DL4J's own updater-state array (MobileNetV2's Adam step went from about 60 ms to 5 ms on a 2-core Zen 5);
 * {@link #fusedUpdater(boolean)} turns it off for A/B timings.
 */
public class FastGraph extends ComputationGraph {

    private static final Logger LOG = LoggerFactory.getLogger(FastGraph.class);

    private transient List<FastConvolutionLayer> firstLayers;
    private transient RuntimePlan plan;
    private transient boolean fusedUpdater = true;
    private transient List<BatchNormFold> folds = List.of();
    private transient boolean foldBatchNorm = true;

    /** A graph for {@code configuration} (kept as it is, not copied, as DL4J's graph keeps it); see {@link OneDnnRuntime}. */
    public FastGraph(ComputationGraphConfiguration configuration) {
        super(configuration);
    }

    /** Which layers run as the runtime's and which as DL4J's own; null before {@link #init}. */
    public RuntimePlan plan() {
        return plan;
    }

    /**
     * DL4J's initialisation, with the runtime's layer instantiated for each vertex the plan makes fast: those vertices'
     * configurations are replaced by stand-ins ({@link StandIns}) for the duration of DL4J's {@code init} and put back
     * afterwards, so that DL4J builds the graph (parameters, views, wiring, solver) exactly as it would.
     */
    @Override
    public void init(INDArray parameters, boolean cloneParametersArray) {
        if (initCalled) {
            return;
        }
        plan = RuntimePlan.of(configuration, OneDnnRuntime.unavailableReason());
        plan.plainReasons().forEach((vertex, why) -> LOG.debug("oneDNN runtime: {} stays DL4J's own layer ({})",
                vertex, why));
        if (plan.fastCount() > 0) {
            OneDnnRuntime.configureBlasThreads();
        }
        Map<String, GraphVertex> vertices = configuration.getVertices();
        Map<String, GraphVertex> plain = new LinkedHashMap<>();
        for (RuntimePlan.Entry e : plan.entries()) {
            if (e.fast()) {
                GraphVertex v = vertices.get(e.vertex());
                plain.put(e.vertex(), v);
                vertices.put(e.vertex(), StandIns.of(v));
            }
        }
        try {
            super.init(parameters, cloneParametersArray);
        } finally {
            vertices.putAll(plain);
        }
        for (String name : vertices.keySet()) {
            org.deeplearning4j.nn.api.Layer layer = getLayer(name);
            if (FastLayerKinds.channelsLastUse(layer) == ChannelsLastUse.WRITES) {
                ((ChannelsLastWriter) layer).channelsLastOutput(readersTakeChannelsLast(name));
            }
        }
        keepOutputsUnlessDropoutReadsThem();
        leaveReluDerivativesToMaxPooling();
        folds = BatchNormFold.plan(this);
    }

    /**
     * Whether inference passes of {@code output} fold each batch norm (and the ReLU or ReLU6 after it) into the
     * convolution before it ({@link BatchNormFold}; the default); off, every layer runs on its own (for A/B timings).
     */
    public void foldBatchNorm(boolean on) {
        foldBatchNorm = on;
    }

    /** The folds found at {@link #init}. */
    List<BatchNormFold> folds() {
        return folds;
    }

    /** DL4J's inference and output passes, with the folds on for a plain inference pass (see {@link BatchNormFold}). */
    @Override
    protected INDArray[] outputOfLayersDetached(boolean train, FwdPassType fwdPassType, int[] layerIndexes,
                                                INDArray[] features, INDArray[] fMask, INDArray[] lMasks,
                                                boolean clearLayerInputs, boolean detachedInputs,
                                                MemoryWorkspace outputWorkspace) {
        boolean fold = foldBatchNorm && !train && fwdPassType == FwdPassType.STANDARD && fMask == null
                && lMasks == null && folds != null && !folds.isEmpty();
        if (fold) {
            folds.forEach(f -> f.begin(layerIndexes));
        }
        try {
            return super.outputOfLayersDetached(train, fwdPassType, layerIndexes, features, fMask, lMasks,
                    clearLayerInputs, detachedInputs, outputWorkspace);
        } finally {
            if (fold) {
                folds.forEach(BatchNormFold::end);
            }
        }
    }

    /** A fast layer that keeps its training output for its backward pass, unless told not to. */
    interface KeepsOutput {
        /**
         * Whether the training forward pass keeps its output for the backward pass (the default). {@link FastGraph}
         * turns it off where a consumer applies dropout, which DL4J may do in place on that very array.
         */
        void keepOutput(boolean keep);

        /**
         * Whether the backward pass reads the kept output only as to where it is positive: the layer's activation is
         * the identity or the plain ReLU (whose derivative is {@code output > 0}), not tanh or ReLU6.
         */
        default boolean outputReadForSignOnly() {
            return ActivationDerivatives.readsOutputSignOnly(((org.deeplearning4j.nn.api.Layer) this).conf().getLayer());
        }
    }

    /** A fast layer that writes its output channels-last when told to ({@link ChannelsLastUse#WRITES}). */
    interface ChannelsLastWriter {
        /** Whether forward passes write their output channels-last ({@link ChannelsLast}); off by default. */
        void channelsLastOutput(boolean channelsLast);
    }

    /**
     * Turns output keeping off for every fast layer that keeps its output ({@link KeepsOutput}: convolution, dense
     * and ReLU layers) whose output goes to a layer with dropout (or Gaussian noise): DL4J lets a layer that is its
     * input's only consumer apply it in place, which would change the kept array before the backward pass reads it.
     *
     * <p>Except where the dropout is DL4J's standard {@link Dropout} and the layer reads its kept output only as to
     * where it is positive ({@link KeepsOutput#outputReadForSignOnly}, a ReLU's derivative): that dropout multiplies
     * the output by a mask of 0 and {@code 1/p}, which keeps every kept unit's sign, and its backward pass multiplies
     * the gradient by the same mask, so where the mask is 0 the gradient the layer gets is 0 whatever it reads there.
     * The layer then computes what it computes from the untouched output (a zero gradient's sign aside), and its
     * backward pass need not run the forward product again, as DL4J's does (the simple CNN's dense layer before its
     * dropout).
     */
    private void keepOutputsUnlessDropoutReadsThem() {
        for (Map.Entry<String, List<String>> e : configuration.getVertexInputs().entrySet()) {
            IDropout dropout = configuration.getVertices().get(e.getKey()) instanceof LayerVertex consumer
                    ? RuntimePlan.unwrap(consumer.getLayerConf().getLayer()).getIDropout() : null;
            if (dropout != null) {
                boolean standard = dropout.getClass() == Dropout.class;
                for (String in : e.getValue()) {
                    if (verticesMap.get(in).getLayer() instanceof KeepsOutput producer
                            && !(standard && producer.outputReadForSignOnly())) {
                        producer.keepOutput(false);
                    }
                }
            }
        }
    }

    /**
     * Leaves the derivative of each fast plain-ReLU convolution whose output only a fast max pooling reads (without a
     * preprocessor) to that pooling, which applies it to its smaller output gradient, a quarter the size for 2x2
     * windows ({@link FastSubsamplingLayer#takeReluDerivative}); the convolution then skips its own pass over the
     * full-size gradient. Not where output keeping is off (dropout, {@link #keepOutputsUnlessDropoutReadsThem}) or the
     * pooling applies dropout to its input: the convolution then applies the derivative itself, as it does for any
     * gradient the pooling did not hand back so.
     */
    private void leaveReluDerivativesToMaxPooling() {
        for (String name : configuration.getVertices().keySet()) {
            String reader = BatchNormFold.onlyReader(configuration, name);
            if (reader != null && verticesMap.get(name).getLayer() instanceof FastConvolutionLayer conv
                    && conv.plainRelu() && conv.keepsOutput()
                    && getLayer(reader) instanceof FastSubsamplingLayer pool && pool.maxPooling()
                    && pool.conf().getLayer().getIDropout() == null) {
                pool.takeReluDerivative();
                conv.reluDerivativeTakenBy(pool);
            }
        }
    }

    /** A fast copy: DL4J's clone, as a {@link FastGraph}. */
    @Override
    public FastGraph clone() {
        ComputationGraph plainCopy = super.clone();
        return OneDnnRuntime.adopt(plainCopy, plainCopy.params());
    }

    /**
     * Whether every reader of vertex {@code name}'s output takes channels-last arrays where they lie and the output
     * is not a network output: each reader, without a preprocessor, reads or writes them, or passes them on to
     * readers that take them in turn ({@link FastLayerKinds#channelsLastUse}: fast convolution (depthwise too) and
     * pooling layers, DL4J's global pooling; fast batch norm, ReLU and ReLU6 layers, zero padding and
     * {@link FastAddVertex} pass them on).
     */
    private boolean readersTakeChannelsLast(String name) {
        ComputationGraphConfiguration conf = getConfiguration();
        if (conf.getNetworkOutputs().contains(name)) {
            return false;
        }
        int readers = 0;
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            if (!e.getValue().contains(name)) {
                continue;
            }
            readers++;
            String reader = e.getKey();
            GraphVertex vertex = conf.getVertices().get(reader);
            Object built = vertex instanceof LayerVertex ? getLayer(reader) : verticesMap.get(reader);
            ChannelsLastUse use = FastLayerKinds.channelsLastUse(built);
            boolean preProcessed = vertex instanceof LayerVertex lv && lv.getPreProcessor() != null;
            boolean takes = !preProcessed && (use == ChannelsLastUse.READS || use == ChannelsLastUse.WRITES
                    || use == ChannelsLastUse.PASSES_ON && readersTakeChannelsLast(reader));
            if (!takes) {
                return false;
            }
        }
        return readers > 0;
    }

    /**
     * Whether training steps run Adam through {@link FusedAdamUpdater} (the default): the same numbers as DL4J's
     * updater, in one pass. Off, DL4J's own updater runs (for A/B timings); either way on the same state array.
     */
    public void fusedUpdater(boolean on) {
        fusedUpdater = on;
        ComputationGraphUpdater current = solver == null ? null : solver.getOptimizer().getComputationGraphUpdater(false);
        if (current != null) {
            installUpdater(current);
        }
    }

    /** DL4J's updater, as a {@link FusedAdamUpdater} on the same state array unless {@link #fusedUpdater} is off. */
    @Override
    public ComputationGraphUpdater getUpdater(boolean initializeIfAbsent) {
        ComputationGraphUpdater updater = super.getUpdater(initializeIfAbsent);
        return updater == null ? null : installUpdater(updater);
    }

    /** {@code current}, or in its place the wanted kind of updater on its state array. */
    private ComputationGraphUpdater installUpdater(ComputationGraphUpdater current) {
        if ((current instanceof FusedAdamUpdater) == fusedUpdater) {
            return current;
        }
        ComputationGraphUpdater wanted = fusedUpdater ? new FusedAdamUpdater(this, current.getStateViewArray())
                : new ComputationGraphUpdater(this, current.getStateViewArray());
        solver.getOptimizer().setUpdaterComputationGraph(wanted);
        return wanted;
    }

    @Override
    public void computeGradientAndScore() {
        if (solver != null) { // DL4J's solver makes its own updater at the first step: the wanted one takes its place
            installUpdater(solver.getOptimizer().getComputationGraphUpdater(true));
        }
        List<FastConvolutionLayer> first = firstLayers();
        first.forEach(l -> l.inputGradientWanted(false));
        try {
            super.computeGradientAndScore();
        } finally {
            first.forEach(l -> l.inputGradientWanted(true));
        }
    }

    /** The fast convolutions whose input gradient a training step never reads. */
    List<FastConvolutionLayer> firstLayers() {
        if (firstLayers == null) {
            ComputationGraphConfiguration conf = getConfiguration();
            List<FastConvolutionLayer> out = new ArrayList<>();
            for (String in : conf.getNetworkInputs()) {
                List<String> consumers = new ArrayList<>();
                for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
                    if (e.getValue().contains(in)) {
                        consumers.add(e.getKey());
                    }
                }
                if (consumers.size() == 1 && !conf.getNetworkOutputs().contains(in)
                        && conf.getVertices().get(consumers.get(0)) instanceof LayerVertex lv && lv.getPreProcessor() == null
                        && getLayer(consumers.get(0)) instanceof FastConvolutionLayer conv) {
                    out.add(conv);
                }
            }
            firstLayers = List.copyOf(out);
        }
        return firstLayers;
    }
}
