package cnnlabs.onednn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The oneDNN runtime for DL4J graphs: turns any {@link ComputationGraphConfiguration}, or a graph built or loaded
 * elsewhere, into a {@link FastGraph} that runs the layers it covers with faster layers of its own (oneDNN called
 * directly, channels-last activations, no recomputed forward passes) and every other layer as DL4J's own. The
 * configuration stays DL4J's: a fast graph saves (with {@link ModelSerializer}) as a plain DL4J model that loads
 * without this module, and {@link #restore} makes such a model fast again.
 *
 * <pre>{@code
 * ComputationGraph graph = OneDnnRuntime.graph(configuration);     // new, initialised
 * ComputationGraph loaded = OneDnnRuntime.restore(modelZip, true);  // a saved model, fast
 * OneDnnRuntime.plan(configuration).plainReasons();                // what stays DL4J's own, and why
 * }</pre>
 *
 * <p>Which layers are covered: {@link RuntimePlan}. The runtime attaches DL4J's own oneDNN helpers to its layers
 * (DL4J M2.1 leaves them off unless {@code -Dorg.eclipse.deeplearning4j.helpers.disable=false}, and even then they
 * never attach without {@code org.nd4j.nativeblas.Nd4jCpu}, which this module supplies); it sets no system property.
 * Nothing happens when a class is loaded. The one process-wide setting, made when the first fast graph is
 * initialised: OpenBLAS on one thread unless {@value #BLAS_THREADS_ENV} is set (see {@link #configureBlasThreads}).
 */
public final class OneDnnRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(OneDnnRuntime.class);

    /** The OpenBLAS thread-count variable; when it is set, the runtime leaves OpenBLAS's threads alone. */
    public static final String BLAS_THREADS_ENV = "OPENBLAS_NUM_THREADS";

    private static final AtomicBoolean BLAS_CONFIGURED = new AtomicBoolean();

    private OneDnnRuntime() {
    }

    /** A new fast graph for {@code configuration}, initialised (weights drawn as DL4J draws them). */
    public static FastGraph graph(ComputationGraphConfiguration configuration) {
        FastGraph graph = new FastGraph(configuration);
        graph.init();
        return graph;
    }

    /**
     * The fast form of {@code graph} (itself if it is one): a {@link FastGraph} on a copy of its configuration, with
     * a copy of its parameters, its updater state (where it has one), its listeners and its iteration and epoch
     * counts. {@code graph} is left as it was.
     */
    public static FastGraph fast(ComputationGraph graph) {
        if (graph instanceof FastGraph f) {
            return f;
        }
        return adopt(graph, graph.params().dup());
    }

    /** {@link #fast} on {@code parameters} (not copied). */
    static FastGraph adopt(ComputationGraph graph, INDArray parameters) {
        ComputationGraphConfiguration configuration = graph.getConfiguration().clone();
        configuration.setIterationCount(graph.getConfiguration().getIterationCount()); // clone() resets both
        configuration.setEpochCount(graph.getConfiguration().getEpochCount());
        FastGraph fast = new FastGraph(configuration);
        fast.init(parameters, false);
        ComputationGraphUpdater updater = graph.getUpdater(false);
        if (updater != null && updater.getStateViewArray() != null) {
            fast.getUpdater().setStateViewArray(updater.getStateViewArray().dup());
        }
        fast.setListeners(graph.getListeners());
        return fast;
    }

    /**
     * A model saved by DL4J's {@link ModelSerializer} (from a fast graph or not), fast: its parameters, and its
     * updater state where {@code loadUpdater} and the file has one.
     */
    public static FastGraph restore(Path modelZip, boolean loadUpdater) throws IOException {
        ComputationGraph plain = ModelSerializer.restoreComputationGraph(modelZip.toFile(), loadUpdater);
        return adopt(plain, plain.params());
    }

    /** Which layers of {@code configuration} a fast graph runs with the runtime's layers, and why not the others. */
    public static RuntimePlan plan(ComputationGraphConfiguration configuration) {
        return RuntimePlan.of(configuration, unavailableReason());
    }

    /**
     * Whether the runtime's layers can run in this process: ND4J's CPU backend with a native build that has oneDNN
     * (DL4J's oneDNN helpers usable). Where not (the CUDA backend, ND4J's plain native build), every layer of a fast
     * graph is DL4J's own.
     */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /** Why the runtime's layers cannot run here, or null where they can. */
    public static String unavailableReason() {
        return helpersUsable() ? null : "DL4J's oneDNN helpers cannot run here (backend "
                + Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend")
                + "; oneDNN compiled in: " + oneDnnCompiled() + ")";
    }

    /** Whether DL4J's oneDNN layer helpers can run: CPU backend, oneDNN in the native build, helpers allowed. */
    static boolean helpersUsable() {
        return BaseMKLDNNHelper.mklDnnEnabled();
    }

    /**
     * {@code current}, the helper DL4J gave a layer, or where it gave none (its switch is off by default) DL4J's oneDNN
     * helper from {@code oneDnn} if it can run here; null where neither.
     */
    static <H extends LayerHelper> H dl4jHelper(H current, Supplier<? extends H> oneDnn) {
        if (current != null || !helpersUsable()) {
            return current;
        }
        H helper = oneDnn.get();
        return helper.checkSupported() ? helper : null;
    }

    /** Whether the loaded native ND4J library was built with oneDNN (its build information says HAVE_ONEDNN). */
    public static boolean oneDnnCompiled() {
        try {
            String info = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
            return info != null && info.contains("HAVE_ONEDNN");
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * The version of the oneDNN the runtime calls directly (JavaCPP's {@code org.bytedeco:dnnl}, e.g. "2.5.2"), or
     * "not loaded" where it did not load (then the runtime's convolutions go through libnd4j's own oneDNN).
     */
    public static String directOneDnnVersion() {
        return Dnnl.version();
    }

    /** OpenBLAS's thread count now. */
    public static int blasThreads() {
        return Nd4j.factory().blas().getMaxThreads();
    }

    /**
     * Puts OpenBLAS on one thread, once per process, where the runtime's layers run and {@value #BLAS_THREADS_ENV}
     * is not set. Called when the first fast graph is initialised.
     *
     * <p>Why: with the runtime only DL4J's dense layers use OpenBLAS; everything else runs on libnd4j's and oneDNN's
     * OpenMP threads. OpenBLAS keeps its own pool, whose threads spin after each call, so on a 2-core machine they
     * took a core away from the OpenMP thread of the next convolution: the median LeNet-5 training step went from
     * 23.1 to 13.2 ms and the simple CNN's from 53.5 to 39.9 ms with one BLAS thread (same JVM, alternating), the
     * VGG- and ResNet-style steps were no slower.
     */
    static void configureBlasThreads() {
        if (BLAS_CONFIGURED.compareAndSet(false, true) && System.getenv(BLAS_THREADS_ENV) == null && available()
                && blasThreads() != 1) {
            LOG.info("oneDNN runtime: OpenBLAS on 1 thread (was {}); set {} to choose", blasThreads(), BLAS_THREADS_ENV);
            Nd4j.factory().blas().setMaxThreads(1);
        }
    }
}
