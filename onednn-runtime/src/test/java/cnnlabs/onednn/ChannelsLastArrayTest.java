package cnnlabs.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link ChannelsLastArray}: what ND4J's own arrays compute, whichever layout the other operand has. */
class ChannelsLastArrayTest {

    private static final LayerWorkspaceMgr NONE = LayerWorkspaceMgr.noWorkspaces();

    private static INDArray channelsLast(INDArray nchw) {
        INDArray x = ChannelsLast.createLike(NONE, ArrayType.ACTIVATIONS, nchw);
        ChannelsLast.nhwc(x).assign(nchw.permute(0, 2, 3, 1));
        return x;
    }

    @Test
    void channelsLastArraysAreThisClassAndReadAsTheirNchwValues() {
        INDArray nchw = Nd4j.rand(DataType.FLOAT, 2, 3, 4, 5);
        INDArray x = channelsLast(nchw);
        assertInstanceOf(ChannelsLastArray.class, x);
        assertTrue(ChannelsLast.is(x));
        assertArrayEquals(new long[] {2, 3, 4, 5}, x.shape());
        assertEquals(nchw, x);
        assertEquals(nchw.getFloat(1, 2, 3, 4), x.getFloat(1, 2, 3, 4));
        assertEquals(nchw, x.dup());
        assertEquals(nchw.sum(1), x.sum(1));
    }

    @Test
    void addingChannelsLastArraysAddsTheirValues() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 2, 3, 4, 5);
        INDArray b = Nd4j.rand(DataType.FLOAT, 2, 3, 4, 5);
        INDArray expected = a.add(b);

        INDArray x = channelsLast(a);
        assertSame(x, x.addi(channelsLast(b)));
        assertEquals(expected, x);
        assertTrue(ChannelsLast.is(x));

        INDArray mixed = channelsLast(a);
        mixed.addi(b); // an NCHW operand: ND4J's own addition
        assertEquals(expected, mixed);

        INDArray into = Nd4j.create(DataType.FLOAT, 2, 3, 4, 5);
        channelsLast(a).addi(channelsLast(b), into); // an NCHW result
        assertEquals(expected, into);

        INDArray plain = a.dup();
        plain.addi(channelsLast(b)); // an ordinary array adding a channels-last one
        assertEquals(expected, plain);
    }

    @Test
    void onlyChannelsLastViewsAreWrapped() {
        INDArray oneChannel = ChannelsLast.create(NONE, ArrayType.ACTIVATIONS, DataType.FLOAT, 2, 1, 4, 4);
        assertFalse(oneChannel instanceof ChannelsLastArray, "one channel: NCHW and NHWC are the same array");
        assertThrows(IllegalArgumentException.class, () -> ChannelsLastArray.of(Nd4j.rand(DataType.FLOAT, 2, 3, 4, 5)));
    }
}
