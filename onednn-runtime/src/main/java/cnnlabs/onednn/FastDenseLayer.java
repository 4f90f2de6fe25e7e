package cnnlabs.onednn;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The runtime's stand-in for DL4J's dense layer (the layer of a {@link DenseLayer} configuration: same
 * configuration object, parameters and results) whose passes run through oneDNN's inner product
 * ({@link DnnlInnerProduct}) with the activation (identity, plain ReLU or tanh) applied as the product is written, and
 * whose backward pass takes the activation's derivative from the output the training forward pass kept instead of
 * computing the product again, as DL4J's does.
 *
 * <p>Layer normalisation, weight noise, a mask, a cache mode, another activation, a non-float graph, an input other
 * than the one the forward pass saw, or a consumer that may apply dropout in place on the output ({@link FastGraph}
 * turns output keeping off there): DL4J's own path, unchanged. Dropout on the layer's own input is applied as DL4J
 * applies it. {@code FastLayersTest} checks outputs and gradients against DL4J's own layer.
 */
public final class FastDenseLayer extends org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer
        implements FastGraph.KeepsOutput {

    private final KeptArray kept = new KeptArray();
    private final DnnlInnerProduct dnnl;
    private boolean keepOutput = true;
    private long dnnlForwards;
    private long dnnlBackwards;

    FastDenseLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        IActivation a = ((DenseLayer) conf.getLayer()).getActivationFn();
        dnnl = ActivationDerivatives.supported(a) ? new DnnlInnerProduct(a) : null;
    }

    /**
     * Whether the training forward pass keeps its output for the backward pass (the default). {@link FastGraph} turns
     * it off where a consumer applies dropout, which DL4J may do in place on that very array.
     */
    @Override
    public void keepOutput(boolean keep) {
        keepOutput = keep;
    }

    /** Whether the training forward pass keeps its output for the backward pass. */
    boolean keepsOutput() {
        return keepOutput;
    }

    /** How many forward and backward passes oneDNN ran. */
    public long[] dnnlPasses() {
        return new long[] {dnnlForwards, dnnlBackwards};
    }

    /** The oneDNN implementations its passes use, as {@link DnnlInnerProduct#implementations()}. */
    public java.util.List<String> implementations() {
        return dnnl == null ? java.util.List.of() : dnnl.implementations();
    }

    private boolean ownPathApplies() {
        DenseLayer conf = layerConf();
        return dnnl != null && dataType == DataType.FLOAT && !hasLayerNorm() && conf.getWeightNoise() == null
                && maskArray == null && (cacheMode == null || cacheMode == CacheMode.NONE);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        kept.forget();
        if (ownPathApplies() && input != null) {
            assertInputSet(false);
            applyDropOutIfNecessary(training, workspaceMgr);
            INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
            if (DnnlInnerProduct.supports(input, w)) {
                INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                        new long[] {input.size(0), w.size(1)}, 'c');
                if (dnnl.forward(input, w, hasBias() ? getParam(DefaultParamInitializer.BIAS_KEY) : null, out,
                        training)) {
                    dnnlForwards++;
                    if (training && keepOutput) {
                        kept.keep(out, input);
                    }
                    return out;
                }
            }
        }
        return super.activate(training, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        try {
            INDArray output = kept.forInput(input);
            if (output != null && ownPathApplies() && epsilon.dataType() == DataType.FLOAT
                    && java.util.Arrays.equals(epsilon.shape(), output.shape())) {
                Pair<Gradient, INDArray> fast = ownBackprop(output, epsilon, workspaceMgr);
                if (fast != null) {
                    return fast;
                }
            }
            return super.backpropGradient(epsilon, workspaceMgr);
        } finally {
            kept.forget();
        }
    }

    private Pair<Gradient, INDArray> ownBackprop(INDArray output, INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray outputGrad = java.util.Arrays.equals(output.stride(), epsilon.stride()) ? epsilon
                : workspaceMgr.dup(ArrayType.BP_WORKING_MEM, epsilon, 'c');
        INDArray delta = layerConf().getActivationFn() instanceof ActivationIdentity ? null
                : workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, outputGrad.shape(), 'c');
        INDArray inputGrad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        INDArray biasGrad = hasBias() ? gradientViews.get(DefaultParamInitializer.BIAS_KEY) : null;
        if (!dnnl.backward(input, w, output, outputGrad, delta, inputGrad, weightGrad, biasGrad)) {
            return null;
        }
        dnnlBackwards++;
        Gradient g = new DefaultGradient();
        if (biasGrad != null) {
            g.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
        }
        g.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        return new Pair<>(g, backpropDropOutIfPresent(inputGrad));
    }

    @Override
    public void clear() {
        super.clear();
        kept.forget();
    }
}
