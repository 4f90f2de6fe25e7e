package cnnlabs.architectures;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;

/**
 * Forward floating-point operations per image, counted the usual way: 2 x the multiply-accumulates of the
 * convolution and fully connected layers (one multiply and one add each). Biases, batch norm, activations,
 * pooling and additions are left out, as fvcore and ptflops leave them out of their conv/linear counts; they are a
 * few percent of the total for the labs' models. Divide by 2 for the "MACs" some papers call FLOPs.
 */
public final class Flops {

    private Flops() {
    }

    /** Forward FLOPs for one image of {@code input} through {@code configuration}. */
    public static long forwardPerImage(ComputationGraphConfiguration configuration, InputShape input) {
        Map<String, InputType> shapes = configuration.getLayerActivationTypes(false, input.toInputType());
        long flops = 0;
        for (Map.Entry<String, org.deeplearning4j.nn.conf.graph.GraphVertex> entry : configuration.getVertices().entrySet()) {
            if (entry.getValue() instanceof LayerVertex vertex) {
                flops += 2 * macs(vertex.getLayerConf().getLayer(), shapes.get(entry.getKey()));
            }
        }
        return flops;
    }

    /** Multiply-accumulates of one layer producing {@code output} for one image. */
    static long macs(Layer layer, InputType output) {
        if (layer instanceof SeparableConvolution2D) {
            throw new UnsupportedOperationException("FLOPs of SeparableConvolution2D are not counted yet");
        }
        if (layer instanceof ConvolutionLayer conv && output instanceof InputType.InputTypeConvolutional out) {
            long kernel = (long) conv.getKernelSize()[0] * conv.getKernelSize()[1];
            long positions = out.getHeight() * out.getWidth();
            if (conv instanceof DepthwiseConvolution2D depthwise) {
                return depthwise.getNIn() * depthwise.getDepthMultiplier() * kernel * positions;
            }
            return conv.getNIn() * conv.getNOut() * kernel * positions;
        }
        if ((layer instanceof DenseLayer || layer instanceof BaseOutputLayer) && output instanceof InputType.InputTypeFeedForward) {
            FeedForwardLayer dense = (FeedForwardLayer) layer;
            return dense.getNIn() * dense.getNOut();
        }
        return 0;
    }
}
