package cnnlabs.onednn;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The arguments of one oneDNN primitive ({@link DnnlBatchNorm}, {@link DnnlPooling}): a memory object per argument,
 * described from the first array bound to it (rank 4: its dimensions and strides; otherwise a contiguous vector) and
 * pointed at each array bound to it after.
 */
final class DnnlArguments {

    final IntMemoryMap map = new IntMemoryMap();
    private final Map<Integer, memory> memories = new HashMap<>();

    /** Points argument {@code arg} at {@code a}. */
    void bind(int arg, INDArray a) {
        memory m = memories.get(arg);
        if (m == null) {
            memory.desc d = a.rank() == 4 ? Dnnl.desc(a)
                    : new memory.desc(new long[] {a.length()}, memory.data_type.f32, memory.format_tag.x);
            m = new memory(d, Dnnl.engine(), (Pointer) null);
            memories.put(arg, m);
            map.put(arg, m);
        }
        m.set_data_handle(Dnnl.address(a));
    }

    /** Sets argument {@code arg} to a memory object oneDNN owns (a workspace). */
    void set(int arg, memory m) {
        map.put(arg, m);
    }

    /** The shapes and strides of {@code arrays} ("-" for a null one), as a key for the primitives built for them. */
    static String key(INDArray... arrays) {
        StringBuilder sb = new StringBuilder();
        for (INDArray a : arrays) {
            sb.append(a == null ? "-" : Arrays.toString(a.shape()) + Arrays.toString(a.stride())).append('|');
        }
        return sb.toString();
    }

    /** The description {@code make} builds, or null where it fails or is oneDNN's reference implementation. */
    static <T extends primitive_desc_base> T notReference(Supplier<T> make) {
        try {
            T pd = make.get();
            return pd.impl_info_str().getString().startsWith("ref") ? null : pd;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
