package cnnlabs.onednn;

import java.util.Collection;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Vertex configurations that instantiate the runtime's layers for DL4J's: a stand-in holds the very layer
 * configuration object (and preprocessor) of the vertex it stands in for and does everything DL4J's configuration
 * class does when a graph is initialised, except that it creates the runtime's layer. {@link FastGraph} puts them in
 * its configuration only while DL4J's {@code init} runs; they are never serialised.
 */
final class StandIns {

    private StandIns() {
    }

    /** The stand-in for {@code plain}, a vertex {@link RuntimePlan} made fast. */
    static GraphVertex of(GraphVertex plain) {
        if (plain instanceof LayerVertex lv) {
            return new FastLayerVertex(lv);
        }
        FastLayerKind.OfVertex<?> kind = FastLayerKinds.forVertex(plain);
        if (kind != null && kind.whyPlain(plain) == null) {
            return kind.standInFor(plain);
        }
        throw new IllegalArgumentException("no stand-in for " + plain);
    }

    /**
     * The runtime's layer for {@code conf}, wired as DL4J's layer configurations wire theirs (listeners, index,
     * parameter views, parameter table, configuration); frozen layers wrap the runtime's layer for what they hold.
     */
    static Layer instantiate(NeuralNetConfiguration conf, int index, INDArray paramsView, boolean initializeParams,
                             DataType dataType) {
        org.deeplearning4j.nn.conf.layers.Layer layer = conf.getLayer();
        if (layer instanceof FrozenLayer f) {
            return new org.deeplearning4j.nn.layers.FrozenLayer(
                    inner(conf, f.getInnerConf(conf), index, paramsView, initializeParams, dataType));
        }
        if (layer instanceof FrozenLayerWithBackprop f) {
            return new org.deeplearning4j.nn.layers.FrozenLayerWithBackprop(
                    inner(conf, f.getInnerConf(conf), index, paramsView, initializeParams, dataType));
        }
        FastLayerKind.OfLayer<?> kind = FastLayerKinds.forLayer(layer);
        if (kind == null) {
            throw new IllegalArgumentException("the runtime has no layer for " + layer.getClass().getName());
        }
        Layer out = kind.factory().create(conf, index, dataType);
        out.setListeners((Collection<TrainingListener>) null);
        out.setIndex(index);
        out.setParamsViewArray(paramsView);
        out.setParamTable(layer.initializer().init(conf, paramsView, initializeParams));
        out.setConf(conf);
        return out;
    }

    /** The layer a frozen wrapper holds, with the variables shared as DL4J's frozen configurations share them. */
    private static Layer inner(NeuralNetConfiguration outer, NeuralNetConfiguration innerConf, int index,
                               INDArray paramsView, boolean initializeParams, DataType dataType) {
        Layer underlying = instantiate(innerConf, index, paramsView, initializeParams, dataType);
        NeuralNetConfiguration nnc = underlying.conf();
        if (nnc.variables() != null) {
            List<String> vars = nnc.variables(true);
            nnc.clearVariables();
            outer.clearVariables();
            for (String s : vars) {
                outer.variables(false).add(s);
                nnc.variables(false).add(s);
            }
        }
        return underlying;
    }

    /** A layer vertex's stand-in. */
    private static final class FastLayerVertex extends LayerVertex {

        FastLayerVertex(LayerVertex plain) {
            super(plain.getLayerConf(), plain.getPreProcessor());
        }

        @Override
        public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                          INDArray paramsView, boolean initializeParams,
                                                                          DataType networkDatatype) {
            boolean isOutput = graph.getConfiguration().getNetworkOutputs().contains(name);
            Layer layer = StandIns.instantiate(getLayerConf(), idx, paramsView, initializeParams, networkDatatype);
            return new org.deeplearning4j.nn.graph.vertex.impl.LayerVertex(graph, name, idx, layer, getPreProcessor(),
                    isOutput, networkDatatype);
        }
    }

    /** An addition's stand-in. */
    static final class FastAdd extends ElementWiseVertex {

        FastAdd() {
            super(Op.Add);
        }

        @Override
        public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                          INDArray paramsView, boolean initializeParams,
                                                                          DataType networkDatatype) {
            return new FastAddVertex(graph, name, idx, networkDatatype);
        }
    }
}
