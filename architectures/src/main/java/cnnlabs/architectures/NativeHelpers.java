package cnnlabs.architectures;

import cnnlabs.architectures.layers.FastGraph;
import cnnlabs.architectures.layers.KeptOutput;
import org.deeplearning4j.config.DL4JSystemProperties;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's oneDNN layer helpers (convolution, pooling, batch norm, LRN): on unless the user says otherwise.
 *
 * <p>In DL4J 1.0.0-M2.1 every layer helper is off unless the system property
 * {@code org.eclipse.deeplearning4j.helpers.disable} is {@code false}, and the oneDNN ones additionally need the
 * lookup that {@code org.nd4j.nativeblas.Nd4jCpu} (in this module) repairs. {@link #enable()} sets the property
 * when it is absent; an explicit {@code -Dorg.eclipse.deeplearning4j.helpers.disable=true} is respected. The
 * property is read when a layer is created, so it must be set before a graph is built or restored:
 * {@link GraphBlocks} calls {@link #enable()} when it is first used, and the experiments' entry point does too.
 */
public final class NativeHelpers {

    public static final String PROPERTY = DL4JSystemProperties.DISABLE_HELPER_PROPERTY;

    private NativeHelpers() {
    }

    /** The OpenBLAS thread-count variable; when it is set, {@link #enable()} leaves OpenBLAS's threads alone. */
    public static final String BLAS_THREADS_ENV = "OPENBLAS_NUM_THREADS";

    /**
     * Turns the helpers on unless the property is already set, and, where the oneDNN helpers are attached, puts
     * OpenBLAS on one thread unless {@value #BLAS_THREADS_ENV} is set. (Without the helpers, with the plain native
     * build or {@code -D}{@value #PROPERTY}{@code =true}, DL4J's convolutions are OpenBLAS matrix products and keep all
     * its threads.)
     *
     * <p>Why one BLAS thread: with the helpers only DL4J's dense layers (and the rare convolution without a helper)
     * use OpenBLAS; everything else runs on libnd4j's OpenMP threads. OpenBLAS keeps its own pool, whose threads spin
     * after each call, so on a 2-core machine they took a core away from the OpenMP thread of the next convolution:
     * the median LeNet-5 training step went from 23.1 to 13.2 ms and the simple CNN's from 53.5 to 39.9 ms with one
     * BLAS thread (same JVM, alternating), the VGG- and ResNet-style steps were no slower.
     */
    public static void enable() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "false");
        }
        if (System.getenv(BLAS_THREADS_ENV) == null && oneDnnAttached() && Nd4j.factory().blas().getMaxThreads() != 1) {
            Nd4j.factory().blas().setMaxThreads(1);
        }
    }

    /** OpenBLAS's thread count now. */
    public static int blasThreads() {
        return Nd4j.factory().blas().getMaxThreads();
    }

    /**
     * A new, initialised graph for {@code configuration}. A graph with a dilated convolution is initialised
     * without layer helpers: oneDNN's convolution helper in DL4J M2.1 cannot run dilated convolutions ("could not
     * create a descriptor for a dilated convolution forward propagation primitive"), and DL4J would fall back to
     * its own code only after logging the failure with a stack trace, once per layer. Fast convolution and ReLU layers whose output
     * feeds a layer with dropout are told not to keep that output ({@link KeptOutput#guard}); the graph is a
     * {@link FastGraph}, which skips the input gradient of its first layers during training steps.
     */
    public static ComputationGraph init(ComputationGraphConfiguration configuration) {
        if (!hasDilatedConvolution(configuration)) {
            return create(configuration);
        }
        synchronized (NativeHelpers.class) {
            String before = System.getProperty(PROPERTY);
            System.setProperty(PROPERTY, "true");
            try {
                return create(configuration);
            } finally {
                if (before == null) {
                    System.clearProperty(PROPERTY);
                } else {
                    System.setProperty(PROPERTY, before);
                }
            }
        }
    }

    private static ComputationGraph create(ComputationGraphConfiguration configuration) {
        ComputationGraph graph = new FastGraph(KeptOutput.guard(configuration));
        graph.init();
        return graph;
    }

    static boolean hasDilatedConvolution(ComputationGraphConfiguration configuration) {
        for (GraphVertex v : configuration.getVertices().values()) {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof ConvolutionLayer c) {
                for (int d : c.getDilation()) {
                    if (d != 1) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether layers created now get DL4J's oneDNN helpers: allowed by the property and reported usable. */
    public static boolean oneDnnAttached() {
        return "false".equalsIgnoreCase(System.getProperty(PROPERTY, "true")) && BaseMKLDNNHelper.mklDnnEnabled();
    }
}
