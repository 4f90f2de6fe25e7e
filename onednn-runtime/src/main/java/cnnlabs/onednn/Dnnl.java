package cnnlabs.onednn;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * oneDNN 2.5 as the runtime's classes share it, through JavaCPP's {@code dnnl} preset: whether it loads, its CPU
 * engine, each thread's stream and conversion buffers, and how an ND4J array is described to oneDNN (its dimensions
 * and strides) and handed over (by address, no copy).
 */
final class Dnnl {

    private static final Logger LOG = LoggerFactory.getLogger(Dnnl.class);
    static final memory.data_type F32 = memory.data_type.f32;
    private static volatile Boolean available;
    private static engine cpu;
    private static final ThreadLocal<Context> CONTEXT = ThreadLocal.withInitial(Context::new);

    private Dnnl() {
    }

    /** Whether JavaCPP's oneDNN loads on this machine (tried once; the reason it does not is logged once). */
    static boolean available() {
        if (available == null) {
            synchronized (Dnnl.class) {
                if (available == null) {
                    try {
                        cpu = new engine(engine.kind.cpu, 0);
                        available = true;
                    } catch (Throwable e) {
                        LOG.warn("oneDNN (org.bytedeco:dnnl) did not load, so convolutions go through libnd4j: {}",
                                e.toString());
                        available = false;
                    }
                }
            }
        }
        return available;
    }

    /** oneDNN's CPU engine, once {@link #available()} said yes. */
    static engine engine() {
        return cpu;
    }

    /** This thread's oneDNN stream, shared by all layers of the thread (they run one after another). */
    static stream stream() {
        return CONTEXT.get().stream;
    }

    /** This thread's stream and conversion buffers. */
    static Context context() {
        return CONTEXT.get();
    }

    /** The loaded oneDNN's version ("2.5.2"), or "not loaded". */
    static String version() {
        if (!available()) {
            return "not loaded";
        }
        org.bytedeco.dnnl.dnnl_version_t v = org.bytedeco.dnnl.global.dnnl.dnnl_version();
        return v.major() + "." + v.minor() + "." + v.patch();
    }

    /** Whether none of {@code x}'s strides is negative (oneDNN's descriptions take none). */
    static boolean nonNegative(INDArray x) {
        for (long s : x.stride()) {
            if (s < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * oneDNN's description of an ND4J array: its dimensions and strides. A one-channel (N, 1, H, W) array is
     * described channels-last (channel stride 1, which any stride describes for a size-1 dimension), so that
     * oneDNN's channels-last kernels take it next to a channels-last output rather than its reference one.
     */
    static memory.desc desc(INDArray a) {
        long[] strides = a.stride().clone();
        if (a.rank() == 4 && a.size(1) == 1) {
            strides[1] = 1;
        }
        return new memory.desc(a.shape(), F32, strides);
    }

    /** The address of {@code a}'s first element, as a pointer oneDNN takes. */
    static Pointer address(INDArray a) {
        long at = a.data().address() + a.offset() * a.data().getElementSize();
        return new Pointer() {
            {
                address = at;
            }
        };
    }

    /** The name of the implementation oneDNN chose for a primitive, e.g. {@code jit_wino_4x3:avx512_core}. */
    static String impl(org.bytedeco.dnnl.primitive_desc_base pd) {
        return pd.impl_info_str().getString();
    }

    /** The stream and the conversion buffers, shared by all layers of a thread. */
    static final class Context {
        final stream stream = new stream(cpu);
        final memory[] buffers = new memory[6];
        final long[] sizes = new long[6];
        final Pointer[] handles = new Pointer[6];

        /** Buffer {@code slot}, grown to at least {@code bytes} (oneDNN allocates it, aligned as its kernels like). */
        Pointer buffer(int slot, long bytes) {
            if (sizes[slot] < bytes) {
                buffers[slot] = new memory(new memory.desc(new long[] {bytes}, memory.data_type.u8,
                        memory.format_tag.a), cpu);
                sizes[slot] = bytes;
                handles[slot] = buffers[slot].get_data_handle();
            }
            return handles[slot];
        }
    }
}
