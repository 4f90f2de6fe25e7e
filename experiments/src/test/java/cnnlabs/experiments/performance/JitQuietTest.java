package cnnlabs.experiments.performance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When Throughput's DL4J warm-up may stop: the JIT compilers spent at most 2% of the last 5 seconds compiling. */
class JitQuietTest {

    /** A clock and a compilation counter that the test moves by hand. */
    private long nanos;
    private long compileMillis;

    private JitQuiet jit() {
        return new JitQuiet(() -> compileMillis, () -> nanos);
    }

    /** One warm-up step of {@code millis} milliseconds, {@code compiling} of them spent compiling meanwhile. */
    private boolean step(JitQuiet jit, long millis, long compiling) {
        nanos += millis * 1_000_000L;
        compileMillis += compiling;
        return jit.quiet();
    }

    @Test
    void quietOnlyOnceAFullWindowHadLittleCompilation() {
        JitQuiet jit = jit();
        assertFalse(step(jit, 100, 0), "a single reading spans no window");
        for (int i = 0; i < 49; i++) {
            assertFalse(step(jit, 100, 0), "under 5 seconds of readings at step " + i);
        }
        assertTrue(step(jit, 100, 0), "5 seconds without compilation");
    }

    @Test
    void aBusyCompilerKeepsItWaitingUntilTheBusySecondsLeaveTheWindow() {
        JitQuiet jit = jit();
        for (int i = 0; i < 80; i++) {
            assertFalse(step(jit, 100, 50), "compiling half the time, step " + i);
        }
        // a pause in the compiler's work shorter than the window does not end the wait
        for (int i = 0; i < 30; i++) {
            assertFalse(step(jit, 100, 0), "3 quiet seconds, step " + i);
        }
        assertFalse(step(jit, 100, 200), "a burst after the pause");
        // the busy readings age out of the window: 50 quiet steps later it is quiet
        boolean quiet = false;
        for (int i = 0; i < 51 && !quiet; i++) {
            quiet = step(jit, 100, 0);
        }
        assertTrue(quiet, "five quiet seconds after the busy ones");
    }

    @Test
    void twoPercentOfTheWindowIsTheLimit() {
        JitQuiet edge = jit();
        step(edge, 2500, 0);
        step(edge, 2500, 50);
        assertTrue(step(edge, 2500, 50), "100 ms of compilation in 5 seconds is exactly 2%");
        JitQuiet over = jit();
        step(over, 2500, 0);
        step(over, 2500, 51);
        assertFalse(step(over, 2500, 50), "101 ms is over");
    }

    @Test
    void aJvmThatCannotTellCountsAsQuiet() {
        assertTrue(new JitQuiet(null, () -> nanos).quiet());
    }
}
