package cnnlabs.experiments.performance;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * Whether this JVM's JIT compilers have gone quiet: over the last {@value #WINDOW_SECONDS} seconds they spent at most
 * {@value #QUIET_SHARE} of the time compiling (by {@link CompilationMXBean#getTotalCompilationTime}).
 *
 * <p>Why {@link Throughput} waits for it: on a 2-core machine the C2 compiler thread takes a core from the two OpenMP
 * threads while it works, and it works for half a minute after a model's first steps (MobileNetV2 on the Zen 4: 1-2
 * seconds of compilation per 1.5 seconds of steps at first; in the simple CNN's first 30 seconds DL4J's
 * {@code calcBackpropGradients} alone is compiled six times, 0.4-0.5 s each). Timing rounds in that window measures
 * the compiler, and it goes on compiling while PyTorch takes its turns. The window is long because the compiler pauses
 * between bursts: a first window of 2 seconds and 5% ended MobileNetV2's warm-up after 8 seconds, in such a pause.
 * Where the JVM cannot report compilation time, the compilers count as quiet at once.
 */
final class JitQuiet {

    static final double WINDOW_SECONDS = 5.0;
    static final double QUIET_SHARE = 0.02;

    /** Milliseconds spent compiling so far; null where this JVM does not say. */
    private final LongSupplier compileMillis;
    private final LongSupplier nanos;
    /** {nanos, compile milliseconds} at each {@link #quiet} call within the last window, oldest first. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    /** The newest reading at least a window old; null until there is one. */
    private long[] base;

    JitQuiet(LongSupplier compileMillis, LongSupplier nanos) {
        this.compileMillis = compileMillis;
        this.nanos = nanos;
    }

    /** This JVM's compilers. */
    static JitQuiet ofThisJvm() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return new JitQuiet(jit != null && jit.isCompilationTimeMonitoringSupported()
                ? jit::getTotalCompilationTime : null, System::nanoTime);
    }

    /**
     * Takes a reading now (call it after each warm-up step); true once the readings span the window and the compilers
     * spent at most {@value #QUIET_SHARE} of it compiling.
     */
    boolean quiet() {
        if (compileMillis == null) {
            return true;
        }
        long[] now = {nanos.getAsLong(), compileMillis.getAsLong()};
        samples.addLast(now);
        long window = (long) (WINDOW_SECONDS * 1e9);
        while (now[0] - samples.peekFirst()[0] >= window) {
            base = samples.removeFirst();
        }
        return base != null && (now[1] - base[1]) * 1e6 <= QUIET_SHARE * (now[0] - base[0]);
    }
}
