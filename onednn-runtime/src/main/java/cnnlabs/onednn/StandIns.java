package cnnlabs.onednn;

import java.util.Collection;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
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
        if (plain instanceof ElementWiseVertex ew && ew.getOp() == ElementWiseVertex.Op.Add) {
            return new FastAdd();
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
        Layer out;
        if (layer.getClass() == ConvolutionLayer.class) {
            ConvolutionLayer c = (ConvolutionLayer) layer;
            LayerValidation.assertNInNOutSet("ConvolutionLayer", c.getLayerName(), index, c.getNIn(), c.getNOut());
            out = new FastConvolutionLayer(conf, dataType);
        } else if (layer.getClass() == DenseLayer.class) {
            DenseLayer d = (DenseLayer) layer;
            LayerValidation.assertNInNOutSet("DenseLayer", d.getLayerName(), index, d.getNIn(), d.getNOut());
            out = new FastDenseLayer(conf, dataType);
        } else if (layer.getClass() == DepthwiseConvolution2D.class) {
            out = new FastDepthwiseConvolutionLayer(conf, dataType);
        } else if (layer.getClass() == SubsamplingLayer.class) {
            out = new FastSubsamplingLayer(conf, dataType);
        } else if (layer.getClass() == BatchNormalization.class) {
            BatchNormalization bn = (BatchNormalization) layer;
            LayerValidation.assertNOutSet("BatchNormalization", bn.getLayerName(), index, bn.getNOut());
            out = FastBatchNormalization.create(conf, dataType);
        } else if (layer.getClass() == ZeroPaddingLayer.class) {
            out = new FastZeroPaddingLayer(conf, dataType);
        } else if (layer.getClass() == ActivationLayer.class) {
            out = new FastActivationLayer(conf, dataType);
        } else {
            throw new IllegalArgumentException("the runtime has no layer for " + layer.getClass().getName());
        }
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
    private static final class FastAdd extends ElementWiseVertex {

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
