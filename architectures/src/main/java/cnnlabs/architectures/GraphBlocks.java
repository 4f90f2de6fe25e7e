package cnnlabs.architectures;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Keras-like building blocks on a DL4J {@link GraphBuilder}. Each method adds one or more vertices and
 * returns the name of its output vertex, so that models read like the labs' Keras code:
 * {@code x = blocks.conv("conv1", x, 32, 3, 1, VALID, Activation.RELU)}.
 *
 * <p>Defaults follow Keras: Glorot-uniform kernels and zero biases, biases on every conv and dense layer,
 * pooling stride = pool size, {@code valid} padding unless {@code same} is asked for.
 */
public final class GraphBlocks {

    /** Keras {@code padding='valid'}: no padding. */
    public static final ConvolutionMode VALID = ConvolutionMode.Truncate;
    /** Keras {@code padding='same'}: output size ceil(input / stride), extra padding at the bottom/right. */
    public static final ConvolutionMode SAME = ConvolutionMode.Same;

    public static final String INPUT = "input";

    private final GraphBuilder graph;
    private final BuildOptions options;

    public GraphBlocks(BuildOptions options, InputShape input) {
        this.options = options;
        this.graph = new NeuralNetConfiguration.Builder()
                .seed(options.seed())
                .updater(options.updater())
                .weightInit(WeightInit.XAVIER_UNIFORM)
                .dataType(DataType.FLOAT)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(input.toInputType());
    }

    /** The underlying builder, for blocks not covered here. */
    public GraphBuilder builder() {
        return graph;
    }

    public String conv(String name, String in, int filters, int kernel, int stride, ConvolutionMode padding,
                       Activation activation) {
        graph.addLayer(name, new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nOut(filters)
                .convolutionMode(padding).activation(activation).build(), in);
        return name;
    }

    public String batchNorm(String name, String in) {
        graph.addLayer(name, new BatchNormalization.Builder().decay(options.bnMomentum()).eps(options.bnEpsilon())
                .build(), in);
        return name;
    }

    public String activation(String name, String in, Activation activation) {
        graph.addLayer(name, new ActivationLayer.Builder().activation(activation).build(), in);
        return name;
    }

    public String maxPool(String name, String in, int size) {
        return pool(name, in, size, SubsamplingLayer.PoolingType.MAX);
    }

    public String avgPool(String name, String in, int size) {
        return pool(name, in, size, SubsamplingLayer.PoolingType.AVG);
    }

    private String pool(String name, String in, int size, SubsamplingLayer.PoolingType type) {
        graph.addLayer(name, new SubsamplingLayer.Builder(type).kernelSize(size, size).stride(size, size)
                .convolutionMode(VALID).build(), in);
        return name;
    }

    public String globalAvgPool(String name, String in) {
        graph.addLayer(name, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), in);
        return name;
    }

    /** Keras {@code Flatten}: a C-order reshape of the (N, C, H, W) activations to (N, C*H*W). */
    public String flatten(String name, String in) {
        graph.addVertex(name, new PreprocessorVertex(new CnnToFeedForwardPreProcessor()), in);
        return name;
    }

    public String dense(String name, String in, int units, Activation activation) {
        graph.addLayer(name, new DenseLayer.Builder().nOut(units).activation(activation).build(), in);
        return name;
    }

    /** Keras {@code Dropout(rate)}: drops a fraction {@code rate}; DL4J takes the retain probability. */
    public String dropout(String name, String in, double rate) {
        graph.addLayer(name, new DropoutLayer.Builder(1.0 - rate).build(), in);
        return name;
    }

    public String add(String name, String... ins) {
        graph.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), ins);
        return name;
    }

    /**
     * The labs' ResNet block: conv3x3(stride) - BN - ReLU - conv3x3 - BN, plus the shortcut (a 1x1
     * conv(stride) + BN projection when the stride or channel count changes, else identity), added and
     * passed through ReLU. Vertices are named {@code prefix.conv1}, ..., {@code prefix.shortcut.conv},
     * {@code prefix.add}, {@code prefix.relu}.
     */
    public String residualBlock(String prefix, String in, int inChannels, int filters, int stride) {
        String x = conv(prefix + ".conv1", in, filters, 3, stride, SAME, Activation.IDENTITY);
        x = batchNorm(prefix + ".bn1", x);
        x = activation(prefix + ".relu1", x, Activation.RELU);
        x = conv(prefix + ".conv2", x, filters, 3, 1, SAME, Activation.IDENTITY);
        x = batchNorm(prefix + ".bn2", x);
        String shortcut = in;
        if (stride != 1 || inChannels != filters) {
            shortcut = conv(prefix + ".shortcut.conv", in, filters, 1, stride, SAME, Activation.IDENTITY);
            shortcut = batchNorm(prefix + ".shortcut.bn", shortcut);
        }
        x = add(prefix + ".add", x, shortcut);
        return activation(prefix + ".relu", x, Activation.RELU);
    }

    /** A softmax classifier trained with cross-entropy (Keras' softmax + sparse categorical crossentropy). */
    public ComputationGraphConfiguration softmaxOutput(String name, String in, int classes) {
        graph.addLayer(name, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                .activation(Activation.SOFTMAX).build(), in);
        return graph.setOutputs(name).build();
    }
}
