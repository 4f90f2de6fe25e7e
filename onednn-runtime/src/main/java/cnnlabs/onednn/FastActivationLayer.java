package cnnlabs.onednn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The runtime's stand-in for the layer of DL4J's {@link ActivationLayer} with a plain ReLU or ReLU6 (same configuration
 * object and results), without DL4J's copies.
 *
 * <p>Why: in DL4J M2.1 the layer copies its input before applying the activation in place (forward), and in the
 * backward pass copies the input again, lets the activation write the derivative into a third array and, usually,
 * copies that into the gradient workspace: four passes over the array where two do. For the plain ReLU this layer
 * writes {@code max(x, 0)} straight into the output (a channels-last one through oneDNN, 0.5 ms against ND4J's 1.5 ms
 * for SmallCNN's 128 x 32 x 32 x 32 activations on the Zen 4), keeps that output, and writes {@code y > 0 ? dy : 0} from it
 * straight into the gradient in one oneDNN pass ({@link DnnlEltwise}; ND4J's {@code relu_bp} calls a
 * {@code std::function} per element, {@link ActivationDerivatives}). Where the output may be changed in place before
 * the backward pass (a consumer with dropout, see {@link FastGraph}) it uses {@code relu_bp} on the input. ReLU6
 * runs as oneDNN's clip, forward and backward from the kept output ({@link DnnlEltwise}), in the input's layout
 * (channels-last included); where oneDNN cannot, or the output was not kept, DL4J's own code. Other activations are
 * not given this layer ({@link RuntimePlan}); it still runs DL4J's code for them. {@code FastLayersTest} checks the
 * gradients equal DL4J's own.
 */
public final class FastActivationLayer extends org.deeplearning4j.nn.layers.ActivationLayer
        implements FastGraph.KeepsOutput {

    private final KeptArray kept = new KeptArray();
    private final DnnlEltwise eltwise = DnnlEltwise.relu6();
    private final DnnlEltwise relu = DnnlEltwise.relu();
    private long reused;
    private long dnnlForwards;
    private long dnnlBackwards;

    private boolean keepOutput = true;
    private BatchNormFold fold;

    FastActivationLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** See {@link FastGraph.KeepsOutput#keepOutput}. */
    @Override
    public void keepOutput(boolean keep) {
        keepOutput = keep;
    }

    /** The fold ({@link BatchNormFold}) whose convolution applies this layer's activation at inference. */
    void fold(BatchNormFold fold) {
        this.fold = fold;
    }

    /** Whether the training forward pass keeps its output for the backward pass. */
    boolean keepsOutput() {
        return keepOutput;
    }

    boolean plainRelu() {
        return ActivationDerivatives.isPlainRelu(layerConf().getActivationFn());
    }

    /** Whether the activation is ReLU6, which oneDNN runs ({@link DnnlEltwise}). */
    boolean relu6() {
        return layerConf().getActivationFn().getClass() == ActivationReLU6.class;
    }

    /** How many forward (ReLU6, channels-last plain ReLU) and backward (ReLU6, plain ReLU) passes oneDNN ran. */
    public long[] dnnlPasses() {
        return new long[] {dnnlForwards, dnnlBackwards};
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        kept.forget();
        if (!training && fold != null && fold.handsOn(input)) { // already activated by the convolution before
            return input;
        }
        if (relu6() && input != null && input.rank() == 4) {
            INDArray out = ChannelsLast.createInLayoutOf(workspaceMgr, ArrayType.ACTIVATIONS, input);
            if (eltwise.forward(input, out, training)) {
                dnnlForwards++;
                if (training && keepOutput) {
                    kept.keep(out, input);
                }
                return out;
            }
        }
        if (plainRelu() && input != null && ChannelsLast.is(input)) { // channels-last in, channels-last out
            INDArray out = ChannelsLast.createLike(workspaceMgr, ArrayType.ACTIVATIONS, input);
            if (relu.forward(input, out, training)) {
                dnnlForwards++;
            } else {
                Nd4j.getExecutioner().exec(new RectifiedLinear(ChannelsLast.nhwc(input), ChannelsLast.nhwc(out), 0.0));
            }
            if (training && keepOutput) {
                kept.keep(out, input);
            }
            return out;
        }
        if (!training || !plainRelu()) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(),
                input.ordering());
        Nd4j.getExecutioner().exec(new RectifiedLinear(input, out, 0.0));
        if (keepOutput) {
            kept.keep(out, input);
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (relu6()) {
            INDArray output = kept.forInput(input);
            kept.forget();
            if (output != null) {
                INDArray dy = ChannelsLast.inLayoutOf(output, epsilon, workspaceMgr, ArrayType.BP_WORKING_MEM);
                INDArray delta = ChannelsLast.createInLayoutOf(workspaceMgr, ArrayType.ACTIVATION_GRAD, output);
                if (eltwise.backward(output, dy, delta)) {
                    dnnlBackwards++;
                    reused++;
                    return new Pair<>(new DefaultGradient(), delta);
                }
            }
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        if (!plainRelu()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray delta = ChannelsLast.is(input)
                ? ChannelsLast.createLike(workspaceMgr, ArrayType.ACTIVATION_GRAD, input)
                : workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(),
                        input.ordering());
        INDArray output = kept.forInput(input);
        kept.forget();
        if (output != null) {
            reused++;
            INDArray dy = ChannelsLast.inLayoutOf(output, epsilon, workspaceMgr, ArrayType.BP_WORKING_MEM);
            if (relu.backward(output, dy, delta)) {
                dnnlBackwards++;
            } else {
                ActivationDerivatives.reluFromOutput(output, dy, delta);
            }
        } else {
            Nd4j.getExecutioner().exec(new RectifiedLinearDerivative(input, epsilon, delta));
        }
        return new Pair<>(new DefaultGradient(), delta);
    }

    @Override
    public void clear() {
        super.clear();
        kept.forget();
    }

    /** How many backward passes took the ReLU's derivative from the kept forward output. */
    public long reusedForwardOutputs() {
        return reused;
    }
}
