package cnnlabs.onednn;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Activations that are (N, C, H, W) to everyone reading them but lie in memory channels-last, as (N, H, W, C): a
 * permuted view of a C-contiguous NHWC array.
 *
 * <p>Why: oneDNN's convolutions on this CPU work channels-last, so libnd4j converts every NCHW input to NHWC and every
 * output back (a third of the simple CNN's time inside oneDNN), and its max pooling runs faster on NHWC too. libnd4j
 * hands oneDNN an array's strides, so a convolution writing into such a view, and the next convolution or pooling
 * reading it, need no conversion at all. Every other reader sees an ordinary NCHW array (ND4J follows the strides),
 * so the layout is an arrangement between the fast layers, never a change in what a layer computes.
 */
final class ChannelsLast {

    private ChannelsLast() {
    }

    /** Whether {@code x} is a rank-4 (N, C, H, W) view of a C-contiguous (N, H, W, C) array with more than one channel. */
    static boolean is(INDArray x) {
        if (x.rank() != 4 || x.size(1) < 2) {
            return false;
        }
        long c = x.size(1);
        long h = x.size(2);
        long w = x.size(3);
        return x.stride(1) == 1 && x.stride(3) == c && x.stride(2) == c * w && x.stride(0) == c * w * h;
    }

    /** The C-contiguous (N, H, W, C) array behind a channels-last view ({@link #is} must hold). */
    static INDArray nhwc(INDArray x) {
        return x.permute(0, 2, 3, 1);
    }

    /**
     * The (N, C, H, W) view of a C-contiguous (N, H, W, C) array: a {@link ChannelsLastArray}, whose in-place
     * additions of other channels-last arrays are fast, where {@link #is} holds for it.
     */
    static INDArray nchwView(INDArray nhwc) {
        INDArray view = nhwc.permute(0, 3, 1, 2);
        return is(view) ? ChannelsLastArray.of(view) : view;
    }

    /** A new uninitialised channels-last array of {@code x}'s (N, C, H, W) shape, in the workspace for {@code type}. */
    static INDArray createLike(LayerWorkspaceMgr workspaceMgr, ArrayType type, INDArray x) {
        return create(workspaceMgr, type, x.dataType(), x.size(0), x.size(1), x.size(2), x.size(3));
    }

    /**
     * A new uninitialised array of {@code x}'s (N, C, H, W) shape laid out as {@code x} is: channels-last where
     * {@link #is} holds for {@code x}, C-ordered where not.
     */
    static INDArray createInLayoutOf(LayerWorkspaceMgr workspaceMgr, ArrayType type, INDArray x) {
        return is(x) ? createLike(workspaceMgr, type, x)
                : workspaceMgr.createUninitialized(type, x.dataType(), x.shape(), 'c');
    }

    /**
     * A channels-last copy of the (N, C, H, W) array {@code x} (any layout), in the workspace for {@code type}: a
     * contiguous copy where {@code x} is channels-last, a strided one where not.
     */
    static INDArray copy(LayerWorkspaceMgr workspaceMgr, ArrayType type, INDArray x) {
        INDArray copy = createLike(workspaceMgr, type, x);
        nhwc(copy).assign(is(x) ? nhwc(x) : x.permute(0, 2, 3, 1));
        return copy;
    }

    /**
     * {@code x} in {@code like}'s layout: itself unless {@code like} is channels-last and {@code x} is not, else a
     * channels-last copy ({@link #copy}). For a gradient from a layer that writes NCHW (global pooling) to a layer
     * whose output is channels-last: one strided copy, then element-wise work on contiguous arrays, rather than
     * element by element across two layouts.
     */
    static INDArray inLayoutOf(INDArray like, INDArray x, LayerWorkspaceMgr workspaceMgr, ArrayType type) {
        return is(like) && !is(x) ? copy(workspaceMgr, type, x) : x;
    }

    /** A new uninitialised (N, C, H, W) array laid out channels-last, in {@code workspaceMgr}'s workspace for {@code type}. */
    static INDArray create(LayerWorkspaceMgr workspaceMgr, ArrayType type, DataType dataType, long n, long c, long h,
                           long w) {
        return nchwView(workspaceMgr.createUninitialized(type, dataType, new long[] {n, h, w, c}, 'c'));
    }
}
