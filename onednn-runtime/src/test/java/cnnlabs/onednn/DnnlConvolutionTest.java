package cnnlabs.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link DnnlConvolution} against a plain loop over the convolution's definition (in double precision): output
 * (also through its ReLU post-op), input, weight and bias gradients, for Winograd and direct convolutions, NCHW and channels-last arrays, strides,
 * dilation, asymmetric padding, with and without a bias, with and without the input gradient.
 */
class DnnlConvolutionTest {

    private static final LayerWorkspaceMgr NONE = LayerWorkspaceMgr.noWorkspaces();

    /** One test case: sizes, geometry, output size (which fixes the bottom-right padding) and layouts. */
    private record Case(int n, int inC, int h, int w, int outC, int k, int stride, int pad, int dilation, int outH,
                        int outW, boolean bias, boolean channelsLast) {
    }

    /**
     * 64 channels in, 8x8 out: the rule's Winograd case. Whether oneDNN has Winograd here depends on the CPU (oneDNN
     * 2.5 runs it on Intel's AVX-512 CPUs; on an AMD Zen 4 it chooses its brgemm kernels), so the test asks oneDNN
     * what it offers instead of guessing from CPU flags: Winograd never where oneDNN does not offer it, and the
     * backward passes and the ReLU variant follow the forward pass's choice. Either way the numbers are checked.
     */
    @Test
    void winogradCandidateMatchesTheDefinition() {
        Case c = new Case(32, 64, 8, 8, 16, 3, 1, 1, 1, 8, 8, true, true);
        DnnlConvolution conv = check(c, true);
        List<String> impls = conv.implementations();
        boolean chosen = impls.get(0).contains("wino");
        boolean offered = DnnlConvolution.offersWinograd(Nd4j.create(DataType.FLOAT, c.n(), c.inC(), c.h(), c.w()),
                Nd4j.create(DataType.FLOAT, c.outC(), c.inC(), c.k(), c.k()),
                Nd4j.create(DataType.FLOAT, c.n(), c.outC(), c.outH(), c.outW()), geometry(c));
        assertTrue(offered || !chosen, "Winograd chosen where oneDNN does not offer it: " + impls);
        assertEquals(chosen, impls.get(1).contains("wino"), "backward passes follow the forward pass: " + impls);
        assertEquals(chosen, impls.get(2).contains("wino"), "with the ReLU post-op: " + impls);
    }

    @Test
    void directLayersMatchTheDefinition() {
        // stride 2, dilation 2, NCHW arrays, no bias
        check(new Case(2, 3, 11, 9, 4, 3, 2, 1, 2, 5, 4, false, false), true);
        // 1x1, stride 2, an even size: the last row and column are read by no window (DL4J's Same mode there)
        check(new Case(2, 8, 6, 6, 4, 1, 2, 0, 1, 3, 3, true, true), true);
        // 16 channels (blocked backward), 4x4 kernel with one row and column more padding below and right
        check(new Case(3, 16, 7, 6, 5, 4, 1, 1, 1, 7, 6, true, true), true);
        // a one-channel first layer: weight and bias gradients only
        DnnlConvolution first = check(new Case(4, 1, 12, 12, 6, 5, 1, 0, 1, 8, 8, true, false), false);
        assertTrue(first.implementations().get(1).startsWith("backward none "), first.implementations().toString());
        // its one-channel NCHW input is read where it lies, next to a channels-last output
        assertFalse(first.implementations().get(0).contains("conversion"), first.implementations().toString());
    }

    private static DnnlConvolution check(Case c, boolean inputGradient) {
        assertTrue(Dnnl.available(), "org.bytedeco:dnnl loads");
        Nd4j.getRandom().setSeed(c.n() * 100 + c.inC());
        INDArray x = layout(Nd4j.rand(DataType.FLOAT, c.n(), c.inC(), c.h(), c.w()).subi(0.5), c.channelsLast());
        INDArray weights = Nd4j.rand(DataType.FLOAT, c.outC(), c.inC(), c.k(), c.k()).subi(0.5);
        INDArray bias = c.bias() ? Nd4j.rand(DataType.FLOAT, 1, c.outC()) : null;
        INDArray delta = layout(Nd4j.rand(DataType.FLOAT, c.n(), c.outC(), c.outH(), c.outW()).subi(0.5),
                c.channelsLast());
        DnnlConvolution conv = new DnnlConvolution();
        DnnlConvolution.Geometry g = geometry(c);
        INDArray out = layout(Nd4j.create(DataType.FLOAT, c.n(), c.outC(), c.outH(), c.outW()), true);
        assertTrue(conv.forward(x, weights, bias, out, g, true, DnnlConvolution.PostOp.NONE), "forward runs");
        INDArray inputGrad = inputGradient ? layout(Nd4j.create(DataType.FLOAT, x.shape()), c.channelsLast()) : null;
        INDArray weightGrad = Nd4j.create(DataType.FLOAT, weights.shape());
        INDArray biasGrad = c.bias() ? Nd4j.create(DataType.FLOAT, 1, c.outC()) : null;
        assertTrue(conv.backward(x, weights, delta, inputGrad, weightGrad, biasGrad, g), "backward runs");

        Reference r = new Reference(c, x, weights, bias, delta);
        assertClose(r.out, out, c + " output");
        assertClose(r.weightGrad, weightGrad, c + " weight gradient");
        if (bias != null) {
            assertClose(r.biasGrad, biasGrad, c + " bias gradient");
        }
        if (inputGradient) {
            assertClose(r.inputGrad, inputGrad, c + " input gradient");
        }
        // with the ReLU as a post-op: max(0, the output); with tanh, tanh of it
        INDArray activated = layout(Nd4j.create(DataType.FLOAT, c.n(), c.outC(), c.outH(), c.outW()), true);
        assertTrue(conv.forward(x, weights, bias, activated, g, true,
                DnnlConvolution.PostOp.RELU), "forward with ReLU runs");
        assertClose(Transforms.relu(r.out, true), activated, c + " output with ReLU");
        assertTrue(conv.forward(x, weights, bias, activated, g, true,
                DnnlConvolution.PostOp.of(new org.nd4j.linalg.activations.impl.ActivationTanH())), "forward with tanh runs");
        assertClose(Transforms.tanh(r.out, true), activated, c + " output with tanh");
        assertTrue(conv.forward(x, weights, bias, activated, g, true, DnnlConvolution.PostOp.RELU6),
                "forward with ReLU6 (clip) runs");
        assertClose(Transforms.min(Transforms.relu(r.out, true), 6.0), activated, c + " output with ReLU6");
        // a second pass reuses the primitives, with the arrays' new values
        weights.muli(-2);
        assertTrue(conv.forward(x, weights, bias, out, g, true, DnnlConvolution.PostOp.NONE));
        INDArray biasPart = r.biasAsOutput();
        assertClose(r.out.sub(biasPart).muli(-2).addi(biasPart), out, c + " second output");
        assertEquals(5, conv.implementations().size(), "primitives built once: " + conv.implementations());
        return conv;
    }

    private static DnnlConvolution.Geometry geometry(Case c) {
        return new DnnlConvolution.Geometry(new int[] {c.k(), c.k()}, new int[] {c.stride(), c.stride()},
                new int[] {c.dilation(), c.dilation()}, new int[] {c.pad(), c.pad()});
    }

    private static INDArray layout(INDArray nchw, boolean channelsLast) {
        if (!channelsLast || nchw.size(1) < 2) {
            return nchw.dup('c');
        }
        INDArray x = ChannelsLast.createLike(NONE, ArrayType.ACTIVATIONS, nchw);
        ChannelsLast.nhwc(x).assign(nchw.permute(0, 2, 3, 1));
        return x;
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        INDArray a = actual.castTo(DataType.DOUBLE).reshape(expected.shape());
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double diff = expected.sub(a).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-4 * scale, what + ": max difference " + diff + " (scale " + scale + ")");
    }

    /** The convolution and its gradients by their definition, in double precision. */
    private static final class Reference {
        final INDArray out;
        final INDArray inputGrad;
        final INDArray weightGrad;
        final INDArray biasGrad;
        private final Case c;
        private final INDArray biasSource;

        Reference(Case c, INDArray x32, INDArray w32, INDArray b32, INDArray dy32) {
            this.c = c;
            double[] x = x32.castTo(DataType.DOUBLE).dup('c').data().asDouble();
            double[] w = w32.castTo(DataType.DOUBLE).dup('c').data().asDouble();
            double[] dy = dy32.castTo(DataType.DOUBLE).dup('c').data().asDouble();
            double[] y = new double[c.n() * c.outC() * c.outH() * c.outW()];
            double[] dx = new double[x.length];
            double[] dw = new double[w.length];
            double[] db = new double[c.outC()];
            for (int n = 0; n < c.n(); n++) {
                for (int o = 0; o < c.outC(); o++) {
                    for (int oh = 0; oh < c.outH(); oh++) {
                        for (int ow = 0; ow < c.outW(); ow++) {
                            int yi = ((n * c.outC() + o) * c.outH() + oh) * c.outW() + ow;
                            double sum = b32 == null ? 0 : b32.getDouble(0, o);
                            db[o] += dy[yi];
                            for (int i = 0; i < c.inC(); i++) {
                                for (int kh = 0; kh < c.k(); kh++) {
                                    int ih = oh * c.stride() - c.pad() + kh * c.dilation();
                                    for (int kw = 0; kw < c.k(); kw++) {
                                        int iw = ow * c.stride() - c.pad() + kw * c.dilation();
                                        if (ih < 0 || ih >= c.h() || iw < 0 || iw >= c.w()) {
                                            continue;
                                        }
                                        int xi = ((n * c.inC() + i) * c.h() + ih) * c.w() + iw;
                                        int wi = ((o * c.inC() + i) * c.k() + kh) * c.k() + kw;
                                        sum += x[xi] * w[wi];
                                        dx[xi] += dy[yi] * w[wi];
                                        dw[wi] += dy[yi] * x[xi];
                                    }
                                }
                            }
                            y[yi] = sum;
                        }
                    }
                }
            }
            out = Nd4j.create(y, new long[] {c.n(), c.outC(), c.outH(), c.outW()}, DataType.DOUBLE);
            inputGrad = Nd4j.create(dx, x32.shape(), DataType.DOUBLE);
            weightGrad = Nd4j.create(dw, w32.shape(), DataType.DOUBLE);
            biasGrad = Nd4j.create(db, new long[] {1, c.outC()}, DataType.DOUBLE);
            biasSource = b32;
        }

        /** The bias's share of the output (zeros without a bias). */
        INDArray biasAsOutput() {
            INDArray part = Nd4j.zeros(DataType.DOUBLE, out.shape());
            if (biasSource != null) {
                part.addi(biasSource.castTo(DataType.DOUBLE).reshape(1, c.outC(), 1, 1).broadcast(out.shape()));
            }
            return part;
        }
    }
}
