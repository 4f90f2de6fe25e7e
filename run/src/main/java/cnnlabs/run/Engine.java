package cnnlabs.run;

import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.GraphSpec;
import cnnlabs.onednn.FastGraph;
import cnnlabs.onednn.OneDnnRuntime;
import cnnlabs.onednn.RuntimePlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * What runs the experiments' graphs: the oneDNN runtime ({@link OneDnnRuntime}, the default), or DL4J exactly as it
 * comes ({@code -Dcnnlabs.fast=false}, for comparison). Models are declared in plain DL4J ({@code architectures});
 * every graph an experiment builds, transforms or loads passes through here, and each is remembered with its
 * fast/plain layer counts for {@code env.json}.
 */
public final class Engine {

    /** {@code -Dcnnlabs.fast=false}: every graph plain DL4J. */
    public static final String PROPERTY = "cnnlabs.fast";

    private final boolean fast;
    private final List<Map<String, Object>> graphs = new ArrayList<>();

    private Engine(boolean fast) {
        this.fast = fast;
    }

    /** The oneDNN runtime. */
    public static Engine fast() {
        return new Engine(true);
    }

    /** DL4J as it comes. */
    public static Engine plain() {
        return new Engine(false);
    }

    public boolean isFast() {
        return fast;
    }

    /** A new, initialised graph for {@code configuration}; {@code label} names it in {@code env.json}. */
    public ComputationGraph init(String label, ComputationGraphConfiguration configuration) {
        ComputationGraph graph;
        if (fast) {
            graph = OneDnnRuntime.graph(configuration);
        } else {
            graph = new ComputationGraph(configuration);
            graph.init();
        }
        return record(label, graph);
    }

    /** A new, initialised graph of {@code spec} built with {@code options}, named by the spec. */
    public ComputationGraph init(GraphSpec spec, BuildOptions options) {
        return init(spec.name(), spec.configure(options));
    }

    /**
     * A graph built or loaded elsewhere (DL4J's transfer learning, a saved model) in this engine's form: its fast
     * form (a copy with the same parameters and updater state) under the runtime, itself under plain DL4J.
     */
    public ComputationGraph adopt(String label, ComputationGraph graph) {
        return record(label, fast ? OneDnnRuntime.fast(graph) : graph);
    }

    private synchronized ComputationGraph record(String label, ComputationGraph graph) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("graph", label);
        if (graph instanceof FastGraph f) {
            RuntimePlan plan = f.plan();
            entry.put("fast_layers", plan.fastCount());
            entry.put("plain_layers", plan.plainCount());
            entry.put("plain", plan.plainReasons());
        } else {
            entry.put("fast_layers", 0);
            entry.put("plain_layers", graph.getLayers().length);
        }
        graphs.add(entry);
        return graph;
    }

    /** For {@code env.json}: which engine, oneDNN's state, and every graph made so far with its layer counts. */
    public synchronized Map<String, Object> report() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("engine", fast ? "onednn-runtime" : "dl4j");
        out.put("runtime_available", OneDnnRuntime.available());
        if (!OneDnnRuntime.available()) {
            out.put("runtime_unavailable_because", OneDnnRuntime.unavailableReason());
        }
        out.put("onednn_direct", OneDnnRuntime.directOneDnnVersion());
        out.put("blas_threads", OneDnnRuntime.blasThreads());
        out.put("graphs", List.copyOf(graphs));
        return out;
    }
}
