package cnnlabs.onednn;

import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Training-mode batch normalisation of float activations, NCHW or channels-last ({@link ChannelsLast}): oneDNN's
 * own batch norm ({@link DnnlBatchNorm}), or where JavaCPP's oneDNN does not load, per-channel sums taken as
 * vectorised matrix products; either is the arithmetic of DL4J's oneDNN helper ({@code MKLDNNBatchNormHelper}), and
 * faster.
 *
 * <p>Why: in DL4J M2.1 the oneDNN helper computes the batch variance with ND4J's {@code Variance} reduction over
 * dimensions (0, 2, 3), which walks the array with a stride per element (18 ms for a 128x64x28x28 batch on a 2-core
 * CPU), and its backward pass is libnd4j's {@code batchnorm_bp}, which does most of its work outside oneDNN (43 ms
 * for that batch). oneDNN's batch norm itself, called directly, takes 2.8 ms forward and 4.3 ms backward for that
 * batch channels-last (the sums below: 10.3 and 15.2 ms, timed in turns in one process); in a ResNet-style training
 * step oneDNN's log counts 60 to 100 ms for the nine batch norms, which took about a quarter of the step (some
 * 150 ms) before. The sums, where oneDNN is not loaded: every per-channel statistic starts as
 * per-(sample, channel) sums ({@link RowSums}: NCHW, an (N, C, H*W) view times a vector of ones; channels-last, each
 * sample's (H*W, C) matrix times a row of ones; the element-wise products go to the output array or a working array
 * first), then summed over N: forward, the sums and the sums of squares, combined per channel in double as
 * {@code E[x^2] - E[x]^2} (relative error 2e-4 even where the mean is 30 standard deviations, against 5e-7 for the
 * centred two-pass sum that oneDNN takes); the normalisation is the {@code batchnorm} op (oneDNN). Backward:
 * {@code sum(dy)} and {@code sum(dy * x)}, then
 * {@code dx = gamma / std * (dy - mean(dy) - xmu * mean(dy * xmu) / std^2)} as two per-channel affine maps (the
 * {@code batchnorm} op again) and one addition.
 * Channels-last input is normalised channels-last, in training and at inference, and its gradient comes back
 * channels-last: oneDNN's NHWC batch norm took 2.4 to 8 ms for a 128x28x28x64 batch where the NCHW one took 7 to
 * 18 ms, and the convolutions around it need no layout conversion ({@link FastGraph} decides where activations lie).
 * The batch mean and (biased) variance are left in {@link #getMeanCache}/{@link #getVarCache} for DL4J's layer, which
 * updates the moving statistics from them as it does for its own helpers.
 *
 * <p>Anything else (NCHW inference, DL4J's NHWC format, other data types, rank other than 4, locked gamma and beta)
 * goes to the helper DL4J chose, given to the constructor. {@link FastBatchNormalization} installs it.
 */
public final class FastBatchNormHelper implements BatchNormalizationHelper {

    private final BatchNormalizationHelper fallback;
    private final DnnlBatchNorm dnnl;
    private INDArray meanCache;
    private INDArray varCache;
    private boolean lastWasOurs;
    private long channelsLastInferences;
    private long channelsLastBackwardPasses;
    private long dnnlForwards;
    private long dnnlBackwards;
    private BatchNormFold fold;

    public FastBatchNormHelper(BatchNormalizationHelper fallback) {
        this(fallback, true);
    }

    /** With {@code oneDnn} false, training passes take this class's own sums, never {@link DnnlBatchNorm}. */
    FastBatchNormHelper(BatchNormalizationHelper fallback, boolean oneDnn) {
        this.fallback = fallback;
        this.dnnl = oneDnn && Dnnl.available() ? new DnnlBatchNorm() : null;
    }

    /** The fold ({@link BatchNormFold}) whose convolution's folded output this batch norm hands on at inference. */
    void fold(BatchNormFold fold) {
        this.fold = fold;
    }

    /** How many training forward and backward passes oneDNN ran through {@link DnnlBatchNorm}. */
    public long[] dnnlPasses() {
        return new long[] {dnnlForwards, dnnlBackwards};
    }

    /** How many inference passes normalised channels-last input channels-last (oneDNN's NHWC batch norm). */
    public long channelsLastInferences() {
        return channelsLastInferences;
    }

    /** How many training backward passes (and so their forward passes) worked on channels-last activations. */
    public long channelsLastBackwardPasses() {
        return channelsLastBackwardPasses;
    }

    /** The helper DL4J chose, which runs what this one does not. */
    public BatchNormalizationHelper fallback() {
        return fallback;
    }

    static boolean handles(INDArray x, CNN2DFormat format) {
        return x.rank() == 4 && format == CNN2DFormat.NCHW && x.dataType() == DataType.FLOAT;
    }

    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return fallback.checkSupported(eps, fixedGammaBeta);
    }

    @Override
    public boolean checkSupported() {
        return fallback.checkSupported();
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta, INDArray mean,
                              INDArray var, double decay, double eps, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (!training && fold != null && fold.handsOn(x)) { // already normalised by the convolution before
            lastWasOurs = false;
            return x;
        }
        if (!training && handles(x, format) && ChannelsLast.is(x) && gamma != null && beta != null && mean != null
                && var != null) {
            lastWasOurs = false;
            INDArray out = Layout.CHANNELS_LAST.like(workspaceMgr, ArrayType.ACTIVATIONS, x);
            Layout.CHANNELS_LAST.affine(x, vector(mean), vector(var), vector(gamma), vector(beta), eps, out);
            channelsLastInferences++;
            return out;
        }
        if (!training || !handles(x, format) || gamma == null || beta == null) {
            lastWasOurs = false;
            return fallback.preOutput(x, training, shape, gamma, beta, mean, var, decay, eps, format, workspaceMgr);
        }
        lastWasOurs = true;
        Layout layout = Layout.of(x);
        x = layout.contiguous(x, workspaceMgr, ArrayType.FF_WORKING_MEM);
        long c = x.size(1);
        double count = (double) x.length() / c;
        if (meanCache == null || meanCache.length() != c) {
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                meanCache = Nd4j.createUninitialized(DataType.FLOAT, c);
                varCache = Nd4j.createUninitialized(DataType.FLOAT, c);
            }
        }
        INDArray out = layout.like(workspaceMgr, ArrayType.ACTIVATIONS, x);
        if (dnnl != null && DnnlBatchNorm.supports(x, gamma, beta, meanCache, varCache)
                && dnnl.forward(x, gamma, beta, eps, out, meanCache, varCache)) {
            dnnlForwards++;
            return out;
        }
        // the sums, and the sums of squares (the squares written to `out` first); combined per channel in double
        INDArray sums = layout.sums(x, workspaceMgr, ArrayType.FF_WORKING_MEM).castTo(DataType.DOUBLE).sum(0);
        INDArray squares = layout.sumsOfProducts(x, x, out, workspaceMgr, ArrayType.FF_WORKING_MEM)
                .castTo(DataType.DOUBLE).sum(0);
        INDArray batchMean = sums.divi(count);
        meanCache.assign(batchMean);
        varCache.assign(squares.divi(count).subi(batchMean.muli(batchMean)));
        Transforms.max(varCache, 0.0, false);

        layout.affine(x, meanCache, varCache, vector(gamma), vector(beta), eps, out);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                     INDArray beta, INDArray dGammaView, INDArray dBetaView, double eps,
                                                     CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (!lastWasOurs || !handles(input, format) || gamma == null || dGammaView == null || dBetaView == null) {
            return fallback.backpropGradient(input, epsilon, shape, gamma, beta, dGammaView, dBetaView, eps, format,
                    workspaceMgr);
        }
        Layout layout = Layout.of(input);
        if (layout == Layout.CHANNELS_LAST) {
            channelsLastBackwardPasses++;
        }
        INDArray x = layout.contiguous(input, workspaceMgr, ArrayType.BP_WORKING_MEM);
        INDArray dy = layout.contiguous(epsilon, workspaceMgr, ArrayType.BP_WORKING_MEM);
        INDArray dx = layout.like(workspaceMgr, ArrayType.ACTIVATION_GRAD, x);
        if (dnnl != null && DnnlBatchNorm.supports(x, gamma, beta, meanCache, varCache, dGammaView, dBetaView)
                && dnnl.backward(x, dy, gamma, beta, meanCache, varCache, eps, dx, dGammaView, dBetaView)) {
            dnnlBackwards++;
            return new Pair<>(gradient(dGammaView, dBetaView), dx);
        }
        long c = x.size(1);
        double count = (double) x.length() / c;
        INDArray std = Transforms.sqrt(varCache.add(eps), false);
        INDArray g = vector(gamma);

        // sum(dy) and sum(dy * x) per channel (the products written to `linear` first);
        // sum(dy * (x - mean)) = sum(dy * x) - mean * sum(dy)
        INDArray linear = layout.like(workspaceMgr, ArrayType.BP_WORKING_MEM, x);
        INDArray dBeta = layout.sums(dy, workspaceMgr, ArrayType.BP_WORKING_MEM).sum(0);
        INDArray sumDyX = layout.sumsOfProducts(x, dy, linear, workspaceMgr, ArrayType.BP_WORKING_MEM).sum(0);
        INDArray sumDyXmu = sumDyX.subi(meanCache.mul(dBeta));
        INDArray dGamma = sumDyXmu.div(std);

        // dx = a * dy + c * (x - mean) + b per channel: a = gamma / std, b = -a * sum(dy) / count,
        // c = -a * sum(dy * xmu) / (std^2 * count); computed as (a * dy) + (c * x + (b - c * mean)), each term one
        // pass of the batchnorm op (as an affine map: mean 0, variance 1 - eps), then one addition
        INDArray a = g.div(std);
        INDArray b = a.mul(dBeta).divi(-count);
        INDArray cCoef = a.mul(sumDyXmu).divi(std).divi(std).divi(-count);
        INDArray zero = Nd4j.zeros(DataType.FLOAT, a.length());
        INDArray unit = Nd4j.valueArrayOf(new long[] {a.length()}, 1.0 - eps, DataType.FLOAT);
        layout.affine(dy, zero, unit, a, zero, eps, dx);
        layout.affine(x, zero, unit, cCoef, b.subi(cCoef.mul(meanCache)), eps, linear);
        layout.base(dx).addi(layout.base(linear));

        dGammaView.assign(dGamma.reshape(dGammaView.shape()));
        dBetaView.assign(dBeta.reshape(dBetaView.shape()));
        return new Pair<>(gradient(dGammaView, dBetaView), dx);
    }

    private static Gradient gradient(INDArray dGamma, INDArray dBeta) {
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGamma);
        gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, dBeta);
        return gradient;
    }

    /**
     * Where the activations lie: NCHW, or channels-last ({@link ChannelsLast}), decided by the layer's input. Its
     * methods take and make (N, C, H, W) arrays in that layout and work on the contiguous arrays behind them.
     */
    private enum Layout {
        NCHW(1), CHANNELS_LAST(3);

        /** The channel axis of {@link #base}. */
        private final int axis;

        Layout(int axis) {
            this.axis = axis;
        }

        static Layout of(INDArray x) {
            return ChannelsLast.is(x) ? CHANNELS_LAST : NCHW;
        }

        /** The contiguous array behind {@code x} (NCHW or NHWC). */
        INDArray base(INDArray x) {
            return this == CHANNELS_LAST ? ChannelsLast.nhwc(x) : x;
        }

        /**
         * {@code x} in this layout: itself where it already lies so, else a copy (channels-last: in the workspace for
         * {@code type}).
         */
        INDArray contiguous(INDArray x, LayerWorkspaceMgr workspaceMgr, ArrayType type) {
            if (this == CHANNELS_LAST) {
                return ChannelsLast.is(x) ? x : ChannelsLast.copy(workspaceMgr, type, x);
            }
            return x.ordering() == 'c' && Shape.hasDefaultStridesForShape(x) ? x : x.dup('c');
        }

        /** A new uninitialised array shaped like {@code x}, in this layout. */
        INDArray like(LayerWorkspaceMgr workspaceMgr, ArrayType type, INDArray x) {
            return this == CHANNELS_LAST ? ChannelsLast.createLike(workspaceMgr, type, x)
                    : workspaceMgr.createUninitialized(type, DataType.FLOAT, x.shape(), 'c');
        }

        /** The per-(sample, channel) sums of {@code x} (in this layout), as an (N, C) float array. */
        INDArray sums(INDArray x, LayerWorkspaceMgr workspaceMgr, ArrayType type) {
            long n = x.size(0);
            long c = x.size(1);
            return this == CHANNELS_LAST
                    ? RowSums.ofColumnsPerSample(base(x).reshape('c', n, x.length() / (n * c), c), workspaceMgr, type)
                    : RowSums.of(x, n, c, workspaceMgr, type);
        }

        /** {@link #sums} of {@code x * y}, the products written to {@code scratch} (in this layout) first. */
        INDArray sumsOfProducts(INDArray x, INDArray y, INDArray scratch, LayerWorkspaceMgr workspaceMgr,
                                ArrayType type) {
            Nd4j.getExecutioner().exec(new MulOp(base(x), base(y), base(scratch)));
            return sums(scratch, workspaceMgr, type);
        }

        /**
         * {@code out = (x - mean) / sqrt(var + eps) * gamma + beta} per channel: libnd4j's {@code batchnorm} op,
         * run by oneDNN in one pass, on the arrays behind {@code x} and {@code out}.
         */
        void affine(INDArray x, INDArray mean, INDArray var, INDArray gamma, INDArray beta, double eps, INDArray out) {
            Nd4j.exec(DynamicCustomOp.builder("batchnorm")
                    .addInputs(base(x), mean, var, gamma, beta)
                    .addOutputs(base(out))
                    .addIntegerArguments(1, 1, axis) // apply gamma, apply beta, channel axis
                    .addFloatingPointArguments(eps)
                    .build());
        }
    }

    private static INDArray vector(INDArray a) {
        return a.rank() == 1 ? a : a.reshape(a.length());
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return lastWasOurs ? meanCache : fallback.getMeanCache(dataType);
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return lastWasOurs ? varCache : fallback.getVarCache(dataType);
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return fallback.helperMemoryUse();
    }
}
