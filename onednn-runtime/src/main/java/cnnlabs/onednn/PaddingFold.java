package cnnlabs.onednn;

import java.util.function.Predicate;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * At inference, zero padding between a {@link BatchNormFold}'s output and the fast convolution that alone reads the
 * padding's output, left to that convolution: it reads the unpadded array with the padding added to its own (oneDNN
 * takes the top and left padding as given and works out the bottom and right from the shapes), and the padding layer
 * writes nothing.
 *
 * <p>Why: MobileNetV2 pads (Keras' {@code correct_pad}) before each stride-2 depthwise convolution; writing the
 * padded copy (zeros, then the interior) took 11% of its inference pass once batch norms were folded.
 *
 * <p>How it stays correct: the padding layer hands on a placeholder (an array of the padded shape in its workspace,
 * never written) only where its input is the very array its source fold wrote in this pass; the convolution reads the
 * unpadded array only when its input is that placeholder. The unpadded array is the fold's, which stays unwritten
 * until the convolution has run ({@link BatchNormFold} counts the padding's reader among the fold output's readers).
 * A pass asking for the padding's own output leaves its source fold, and so this, off.
 */
final class PaddingFold {

    /** A fast convolution that can read a padding's input itself. */
    interface Reader {
        /** The padding fold whose placeholder this convolution may be given. */
        void padding(PaddingFold padding);
    }

    private final Predicate<INDArray> fromSource;
    private final int[] padding;
    private INDArray placeholder;
    private INDArray unpadded;
    private long passes;

    /**
     * For zero padding {@code padding} (top, bottom, left, right) of what a source fold wrote in the current pass,
     * which {@code fromSource} recognises ({@link BatchNormFold#handsOn}).
     */
    PaddingFold(Predicate<INDArray> fromSource, int[] padding) {
        this.fromSource = fromSource;
        this.padding = padding.clone();
    }

    /**
     * The padding layer's output for {@code input}: a placeholder of the padded shape, laid out as {@code input},
     * where {@code input} is what the source fold wrote in this pass; null (the padding computes) otherwise.
     */
    INDArray placeholder(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        if (!fromSource.test(input) || input.rank() != 4) {
            return null;
        }
        long h = input.size(2) + padding[0] + padding[1];
        long w = input.size(3) + padding[2] + padding[3];
        placeholder = ChannelsLast.is(input)
                ? ChannelsLast.create(workspaceMgr, ArrayType.ACTIVATIONS, input.dataType(), input.size(0),
                        input.size(1), h, w)
                : workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
                        new long[] {input.size(0), input.size(1), h, w}, 'c');
        unpadded = input;
        passes++;
        return placeholder;
    }

    /** The unpadded array behind {@code convolutionInput} if it is this pass's placeholder, else null. */
    INDArray unpadded(INDArray convolutionInput) {
        return convolutionInput != null && convolutionInput == placeholder ? unpadded : null;
    }

    /**
     * Writes the padded array into the placeholder (zeros around the unpadded array), for a convolution that cannot
     * read the unpadded array after all; once per pass.
     */
    void fill() {
        if (placeholder == null || unpadded == null) {
            return;
        }
        placeholder.assign(0);
        placeholder.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(padding[0], padding[0] + unpadded.size(2)),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(padding[2], padding[2] + unpadded.size(3)))
                .assign(unpadded);
        unpadded = null;
    }

    /** {@code convolutionPadding} (top, left) with this padding's top and left added. */
    int[] around(int[] convolutionPadding) {
        return new int[] {convolutionPadding[0] + padding[0], convolutionPadding[1] + padding[2]};
    }

    /** How many passes the convolution read the unpadded array. */
    long passes() {
        return passes;
    }

    /** Forgets this pass's arrays. */
    void end() {
        placeholder = null;
        unpadded = null;
    }
}
