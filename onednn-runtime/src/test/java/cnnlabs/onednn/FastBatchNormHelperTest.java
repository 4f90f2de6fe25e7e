package cnnlabs.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link FastBatchNormHelper}'s training passes, through oneDNN ({@link DnnlBatchNorm}) and through its own sums,
 * against batch normalisation by its definition in double precision: output, batch mean and variance, input gradient
 * and the gradients of gamma and beta, for NCHW and channels-last activations.
 */
class FastBatchNormHelperTest {

    private static final LayerWorkspaceMgr NONE = LayerWorkspaceMgr.noWorkspaces();
    private static final double EPS = 1e-3;

    @Test
    void bothPathsMatchTheDefinition() {
        assertTrue(Dnnl.available(), "org.bytedeco:dnnl loads");
        for (boolean channelsLast : new boolean[] {false, true}) {
            for (boolean oneDnn : new boolean[] {true, false}) {
                check(channelsLast, oneDnn);
            }
        }
    }

    private static void check(boolean channelsLast, boolean oneDnn) {
        String what = (channelsLast ? "channels-last" : "NCHW") + (oneDnn ? ", oneDNN" : ", own sums");
        Nd4j.getRandom().setSeed(21);
        INDArray x = layout(Nd4j.randn(DataType.FLOAT, 6, 5, 7, 3).muli(2).addi(3), channelsLast);
        INDArray dy = layout(Nd4j.rand(DataType.FLOAT, 6, 5, 7, 3).subi(0.5), channelsLast);
        INDArray gamma = Nd4j.rand(DataType.FLOAT, 1, 5).addi(0.5);
        INDArray beta = Nd4j.rand(DataType.FLOAT, 1, 5).subi(0.5);
        INDArray dGamma = Nd4j.create(DataType.FLOAT, 1, 5);
        INDArray dBeta = Nd4j.create(DataType.FLOAT, 1, 5);

        FastBatchNormHelper helper = new FastBatchNormHelper(null, oneDnn);
        INDArray out = helper.preOutput(x, true, null, gamma, beta, null, null, 0.9, EPS, CNN2DFormat.NCHW, NONE);
        Pair<Gradient, INDArray> grads = helper.backpropGradient(x, dy, null, gamma, beta, dGamma, dBeta, EPS,
                CNN2DFormat.NCHW, NONE);
        assertArrayEquals(oneDnn ? new long[] {1, 1} : new long[] {0, 0}, helper.dnnlPasses(), what);

        // the definition, in double, on NCHW copies
        INDArray xd = x.castTo(DataType.DOUBLE).dup('c');
        INDArray dyd = dy.castTo(DataType.DOUBLE).dup('c');
        INDArray g = gamma.castTo(DataType.DOUBLE).reshape(1, 5, 1, 1);
        INDArray b = beta.castTo(DataType.DOUBLE).reshape(1, 5, 1, 1);
        double count = x.length() / 5.0;
        INDArray mean = xd.mean(0, 2, 3).reshape(1, 5, 1, 1);
        INDArray xmu = xd.sub(mean.broadcast(xd.shape()));
        INDArray var = xmu.mul(xmu).sum(0, 2, 3).divi(count).reshape(1, 5, 1, 1);
        INDArray std = Transforms.sqrt(var.add(EPS), false);
        INDArray xhat = xmu.div(std.broadcast(xd.shape()));
        INDArray y = xhat.mul(g.broadcast(xd.shape())).addi(b.broadcast(xd.shape()));
        INDArray expectedDBeta = dyd.sum(0, 2, 3);
        INDArray expectedDGamma = dyd.mul(xhat).sum(0, 2, 3);
        INDArray dx = dyd.sub(expectedDBeta.reshape(1, 5, 1, 1).div(count).broadcast(xd.shape()))
                .subi(xhat.mul(expectedDGamma.reshape(1, 5, 1, 1).div(count).broadcast(xd.shape())))
                .muli(g.div(std).broadcast(xd.shape()));

        assertTrue(ChannelsLast.is(out) == channelsLast && ChannelsLast.is(grads.getSecond()) == channelsLast,
                what + ": results in the input's layout");
        assertClose(y, out, what + " output");
        assertClose(mean.reshape(5), helper.getMeanCache(DataType.FLOAT), what + " batch mean");
        assertClose(var.reshape(5), helper.getVarCache(DataType.FLOAT), what + " batch variance");
        assertClose(dx, grads.getSecond(), what + " input gradient");
        assertClose(expectedDGamma.reshape(1, 5), dGamma, what + " gamma gradient");
        assertClose(expectedDBeta.reshape(1, 5), dBeta, what + " beta gradient");
    }

    private static INDArray layout(INDArray nchw, boolean channelsLast) {
        return channelsLast ? ChannelsLast.copy(NONE, ArrayType.ACTIVATIONS, nchw) : nchw.dup('c');
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        INDArray a = actual.castTo(DataType.DOUBLE).reshape(expected.shape());
        double scale = Math.max(1e-3, Transforms.abs(expected).maxNumber().doubleValue());
        double diff = Transforms.abs(expected.sub(a)).maxNumber().doubleValue();
        assertTrue(diff <= 1e-4 * scale, what + ": max difference " + diff + " (scale " + scale + ")");
    }
}
