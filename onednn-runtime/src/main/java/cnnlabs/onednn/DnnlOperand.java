package cnnlabs.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An array as the caller holds it ({@code user}) and as a primitive reads or writes it ({@code op}): the same
 * memory where the layouts agree, else a conversion buffer (this thread's buffer {@code slot}, {@link Dnnl.Context})
 * and the reorder between the two.
 */
final class DnnlOperand {
    final memory user;
    final memory op;
    final primitive reorder;
    final IntMemoryMap args;
    final int slot;
    final long bytes;

    /** {@code toOp}: the primitive reads the array (converted into its layout), else it writes it (converted back). */
    DnnlOperand(memory.desc userDesc, memory.desc opDesc, boolean toOp, int slot) {
        user = new memory(userDesc, Dnnl.engine(), (Pointer) null);
        this.slot = slot;
        if (userDesc.equals(opDesc)) {
            op = user;
            reorder = null;
            args = null;
            bytes = 0;
        } else {
            op = new memory(opDesc, Dnnl.engine(), (Pointer) null);
            reorder = toOp ? new reorder(user, op) : new reorder(op, user);
            args = new IntMemoryMap();
            args.put(DNNL_ARG_FROM, toOp ? user : op);
            args.put(DNNL_ARG_TO, toOp ? op : user);
            bytes = opDesc.get_size();
        }
    }

    /** Points this operand at {@code a}, converting it into the primitive's layout if it is read. */
    void bind(Dnnl.Context c, INDArray a, boolean read) {
        user.set_data_handle(Dnnl.address(a));
        if (reorder != null) {
            op.set_data_handle(c.buffer(slot, bytes));
            if (read) {
                reorder.execute(c.stream, args);
            }
        }
    }

    /** Converts a written operand back into the caller's array. */
    void writeBack(Dnnl.Context c) {
        if (reorder != null) {
            reorder.execute(c.stream, args);
        }
    }
}
