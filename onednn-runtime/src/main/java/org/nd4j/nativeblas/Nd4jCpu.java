package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * A stand-in for the class that DL4J 1.0.0-M2.1's oneDNN layer helpers look for, so that they attach.
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()} loads
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by name and calls {@code getInstance().isUseMKLDNN()}. In
 * nd4j-native M2.1 that class moved to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and the
 * method became {@code isUseONEDNN()}, so the lookup throws and DL4J silently runs every convolution, pooling and
 * batch-norm layer without oneDNN. This class answers the old lookup with the new method's value. It only
 * answers a question: whether oneDNN is really compiled in is up to the native build on the class path (the
 * {@code -onednn} classifier, see the pom), and {@code cnnlabs.onednn.OneDnnRuntime#available} reports it.
 *
 * <p>Remove it when DL4J fixes the lookup (the helpers then attach by themselves).
 */
public final class Nd4jCpu {

    private Nd4jCpu() {
    }

    /** The old {@code Nd4jCpu.Environment}: just what {@code BaseMKLDNNHelper} calls. */
    public static final class Environment {

        private static final Environment INSTANCE = new Environment();
        private static final String MOVED_TO = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /**
         * The CPU backend's {@code isUseONEDNN()}; false when the CPU backend is not on the class path (CUDA).
         * Reflection, because this module does not depend on a particular backend.
         */
        public boolean isUseMKLDNN() {
            try {
                Class<?> env = Class.forName(MOVED_TO, true, Thread.currentThread().getContextClassLoader());
                Object instance = env.getMethod("getInstance").invoke(null);
                Method useOneDnn = env.getMethod("isUseONEDNN");
                return (Boolean) useOneDnn.invoke(instance);
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                return false;
            }
        }
    }
}
