package cnnlabs.onednn;

import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link BatchNormFold}'s convolution weights and bias with the batch norm folded in: weights scaled by
 * {@code gamma / sqrt(var + eps)} per output channel, bias {@code beta + (b - mean) * gamma / sqrt(var + eps)};
 * computed again only when the parameters they come from changed.
 *
 * <p>Why keep them: with them the convolution keeps its weights converted into oneDNN's layout too
 * ({@link DnnlConvolution}'s {@code keep}), which took 3.5 ms of MobileNetV2's 40 ms inference pass (batch 256) when
 * done at every pass. How it knows: it keeps a copy of the parameters it folded and compares them with the current
 * ones at every pass (a vectorised comparison that only reads), so any change,
 * however made (training, {@code setParams}, a parameter array changed in place), is seen.
 */
final class FoldedWeights {

    private static final AtomicLong VERSIONS = new AtomicLong();

    private INDArray weights;
    private INDArray bias;
    private float[] scale;
    private float[] rowScratch;
    /** The parameters the folded weights were last computed from. */
    private float[] seen;
    /** Identifies the folded weights' current values: a new number, unique in the JVM, each time they are computed. */
    private long version;

    /** The folded weights, laid out as the convolution's ({@code [oC, iC, kH, kW]} or {@code [kH, kW, iC, m]}). */
    INDArray weights() {
        return weights;
    }

    /**
     * The folded weights' version: equal at two calls exactly where the weights were not computed again in between,
     * and never equal between two instances, so that a convolution primitive which converted them at version
     * {@code v} may reuse its conversion whenever it is asked again at {@code v}.
     */
    long version() {
        return version;
    }

    /** The folded bias, one per output channel. */
    INDArray bias() {
        return bias;
    }

    /**
     * Folds the convolution's weights {@code w} and bias {@code b} (null: none) with a batch norm's parameters
     * ({@code var}: the moving variance, or where {@code logStd} log10 of the standard deviation): true where they
     * are what they were at the last call (nothing computed), false where computed again, null where an array is
     * not contiguous float32 (nothing computed; the caller does not fold).
     */
    Boolean update(INDArray w, INDArray b, INDArray gamma, INDArray beta, INDArray mean, INDArray var, boolean logStd,
                   double eps, boolean depthwise) {
        if (!contiguousFloats(w, gamma, beta, mean, var) || b != null && !contiguousFloats(b)) {
            return null;
        }
        if (weights == null || !java.util.Arrays.equals(weights.shape(), w.shape())) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                weights = Nd4j.createUninitialized(DataType.FLOAT, w.shape(), 'c');
                bias = Nd4j.createUninitialized(DataType.FLOAT, gamma.length());
            }
            scale = new float[(int) gamma.length()];
            seen = null;
        }
        FloatBuffer[] parameters = b == null
                ? new FloatBuffer[] {floats(w), floats(gamma), floats(beta), floats(mean), floats(var)}
                : new FloatBuffer[] {floats(w), floats(gamma), floats(beta), floats(mean), floats(var), floats(b)};
        if (sameAsSeen(parameters)) {
            return true;
        }
        remember(parameters);
        fold(parameters, logStd, eps, depthwise);
        version = VERSIONS.incrementAndGet();
        return false;
    }

    /**
     * The folded weights and bias from {@code parameters} (weights, gamma, beta, mean, variance or log10 standard
     * deviation, and the convolution's bias if it has one).
     */
    private void fold(FloatBuffer[] parameters, boolean logStd, double eps, boolean depthwise) {
        FloatBuffer gammas = parameters[1];
        FloatBuffer betas = parameters[2];
        FloatBuffer means = parameters[3];
        FloatBuffer vars = parameters[4];
        FloatBuffer biases = parameters.length > 5 ? parameters[5] : null;
        FloatBuffer shift = floats(bias);
        int channels = scale.length;
        for (int c = 0; c < channels; c++) {
            double variance = logStd ? Math.pow(10, 2.0 * vars.get(c)) : vars.get(c);
            scale[c] = (float) (gammas.get(c) / Math.sqrt(variance + eps));
            shift.put(c, betas.get(c) + ((biases == null ? 0f : biases.get(c)) - means.get(c)) * scale[c]);
        }
        // the output channel is the first dimension ([oC, iC, kH, kW]) or the last two ([kH, kW, iC, m]); a row at a
        // time through a Java array, which the JIT vectorises (element by element through the buffers took 12% of
        // MobileNetV2's inference pass)
        FloatBuffer from = parameters[0];
        FloatBuffer to = floats(weights);
        int n = from.limit();
        int row = depthwise ? channels : n / channels;
        if (rowScratch == null || rowScratch.length != row) {
            rowScratch = new float[row];
        }
        float[] r = rowScratch;
        for (int start = 0, k = 0; start < n; start += row, k++) {
            from.get(start, r, 0, row);
            if (depthwise) {
                for (int i = 0; i < row; i++) {
                    r[i] *= scale[i];
                }
            } else {
                float s = scale[k];
                for (int i = 0; i < row; i++) {
                    r[i] *= s;
                }
            }
            to.put(start, r, 0, row);
        }
    }

    /** Whether {@code parameters} hold what {@link #remember} last copied (a vectorised comparison, no writes). */
    private boolean sameAsSeen(FloatBuffer[] parameters) {
        int length = 0;
        for (FloatBuffer p : parameters) {
            length += p.limit();
        }
        if (seen == null || seen.length != length) {
            return false;
        }
        for (int i = 0, at = 0; i < parameters.length; at += parameters[i].limit(), i++) {
            if (FloatBuffer.wrap(seen, at, parameters[i].limit()).slice().mismatch(parameters[i]) != -1) {
                return false;
            }
        }
        return true;
    }

    private void remember(FloatBuffer[] parameters) {
        int length = 0;
        for (FloatBuffer p : parameters) {
            length += p.limit();
        }
        if (seen == null || seen.length != length) {
            seen = new float[length];
        }
        for (int i = 0, at = 0; i < parameters.length; at += parameters[i].limit(), i++) {
            parameters[i].get(0, seen, at, parameters[i].limit());
        }
    }

    private static boolean contiguousFloats(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT || !a.isVector() && a.ordering() != 'c' || a.elementWiseStride() != 1
                    || a.length() > Integer.MAX_VALUE) {
                return false;
            }
        }
        return true;
    }

    /** The floats of contiguous {@code a}, index 0 its first element, in native memory (no copy). */
    private static FloatBuffer floats(INDArray a) {
        return new FloatPointer(Dnnl.address(a)).capacity(a.length()).limit(a.length()).asBuffer();
    }
}
