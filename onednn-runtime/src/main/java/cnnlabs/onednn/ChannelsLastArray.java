package cnnlabs.onednn;

import com.google.flatbuffers.FlatBufferBuilder;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.BaseNDArray;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The (N, C, H, W) view of a C-contiguous (N, H, W, C) array that {@link ChannelsLast#create} hands out: an ordinary
 * ND4J array (same buffer, shape and strides as {@code nhwc.permute(0, 3, 1, 2)}) whose in-place addition of another
 * channels-last array adds the contiguous arrays behind them.
 *
 * <p>Why: in a training step DL4J's graph adds up the gradients a vertex gets from its readers with
 * {@code first.addi(second)} (a residual block's input feeds its first convolution and its shortcut). ND4J adds two
 * such views one float at a time, working out each element's offset from the strides (22 to 50 ms for a
 * 128 x 64 x 28 x 28 batch on this 2-core CPU, where adding the contiguous arrays takes 2 to 10 ms). Every other
 * operation is ND4J's own; what any operation computes is unchanged.
 *
 * <p>It extends {@link BaseNDArray} rather than a backend's array class so that this module compiles against any
 * backend; channels-last arrays only arise on the CPU backend with oneDNN (see {@link ChannelsLast}).
 */
final class ChannelsLastArray extends BaseNDArray {

    private ChannelsLastArray(INDArray view) {
        super(view.data(), view.shape(), view.stride(), view.offset(), view.ordering(), view.dataType());
    }

    /** {@code view} ({@link ChannelsLast#is} must hold) as this class. */
    static ChannelsLastArray of(INDArray view) {
        if (!ChannelsLast.is(view)) {
            throw new IllegalArgumentException("not a channels-last view: shape " + Arrays.toString(view.shape())
                    + ", strides " + Arrays.toString(view.stride()));
        }
        return view instanceof ChannelsLastArray array ? array : new ChannelsLastArray(view);
    }

    @Override
    public INDArray addi(INDArray other) {
        return addi(other, this);
    }

    @Override
    public INDArray addi(INDArray other, INDArray result) {
        if (ChannelsLast.is(this) && ChannelsLast.is(other) && ChannelsLast.is(result) && equalShapes(other)
                && equalShapes(result) && dataType() == other.dataType() && dataType() == result.dataType()) {
            Nd4j.exec(new AddOp(ChannelsLast.nhwc(this), ChannelsLast.nhwc(other), ChannelsLast.nhwc(result)));
            return result;
        }
        return super.addi(other, result);
    }

    @Override
    public INDArray unsafeDuplication() {
        return dup();
    }

    @Override
    public INDArray unsafeDuplication(boolean blocking) {
        return dup();
    }

    @Override
    public LongShapeDescriptor shapeDescriptor() {
        return LongShapeDescriptor.fromShape(shape(), stride(), elementWiseStride(), ordering(), dataType(), isEmpty());
    }

    @Override
    protected int stringBuffer(FlatBufferBuilder builder, DataBuffer buffer) {
        throw new UnsupportedOperationException("channels-last arrays hold numbers, not strings");
    }

    @Override
    public String getString(long index) {
        throw new UnsupportedOperationException("channels-last arrays hold numbers, not strings");
    }
}
