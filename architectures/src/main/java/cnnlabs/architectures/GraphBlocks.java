package cnnlabs.architectures;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import cnnlabs.architectures.vertices.AdaptiveAvgPoolVertex;
import cnnlabs.architectures.vertices.ChannelScaleVertex;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Keras-like building blocks on a DL4J {@link GraphBuilder}. Each method adds one or more vertices and
 * returns the name of its output vertex, so that models read like the labs' Keras code:
 * {@code x = blocks.conv("conv1", x, 32, 3, 1, VALID, Activation.RELU)}.
 *
 * <p>Two styles, because the labs are written in both frameworks ({@link Style}): Keras models get Glorot-uniform
 * kernels and the batch-norm epsilon of {@link BuildOptions}; PyTorch models get PyTorch's default initialisation
 * (uniform in +-1/sqrt(fan_in)) and its batch-norm epsilon 1e-5. Keras-flavoured methods take a padding mode
 * ({@link #VALID} / {@link #SAME}); PyTorch-flavoured ones ({@link #conv2d}, {@link #linear}, ...) take explicit
 * symmetric padding and a bias switch, like {@code nn.Conv2d}. Biases start at zero in both styles.
 */
public final class GraphBlocks {

    /** Keras {@code padding='valid'}: no padding. */
    public static final ConvolutionMode VALID = ConvolutionMode.Truncate;
    /** Keras {@code padding='same'}: output size ceil(input / stride), extra padding at the bottom/right. */
    public static final ConvolutionMode SAME = ConvolutionMode.Same;

    public static final String INPUT = "input";

    /** PyTorch's batch-norm epsilon ({@code nn.BatchNorm2d(eps=1e-5)}). */
    public static final double PYTORCH_BN_EPSILON = 1e-5;

    /** Which framework's defaults the model follows (initialisation, batch-norm epsilon). */
    public enum Style {
        /** Glorot-uniform kernels, {@link BuildOptions#bnEpsilon()} (Keras' 1e-3 by default). */
        KERAS(WeightInit.XAVIER_UNIFORM),
        /** PyTorch's default {@code kaiming_uniform_(a=sqrt(5))}, i.e. uniform in +-1/sqrt(fan_in); epsilon 1e-5. */
        PYTORCH(WeightInit.UNIFORM);

        private final WeightInit init;

        Style(WeightInit init) {
            this.init = init;
        }
    }

    private final GraphBuilder graph;
    private final BuildOptions options;
    private final double bnEpsilon;
    private boolean kaimingFanOut;

    /** A Keras-style graph. */
    public GraphBlocks(BuildOptions options, InputShape input) {
        this(options, input, Style.KERAS);
    }

    public GraphBlocks(BuildOptions options, InputShape input, Style style) {
        this.options = options;
        this.bnEpsilon = style == Style.PYTORCH ? PYTORCH_BN_EPSILON : options.bnEpsilon();
        this.graph = new NeuralNetConfiguration.Builder()
                .seed(options.seed())
                .updater(options.updater())
                .weightInit(style.init)
                .dataType(options.dataType())
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(input.toInputType());
    }

    /** A PyTorch-style graph. */
    public static GraphBlocks pytorch(BuildOptions options, InputShape input) {
        return new GraphBlocks(options, input, Style.PYTORCH);
    }

    /**
     * From here on, {@link #conv2d} kernels start as PyTorch's {@code kaiming_normal_(mode='fan_out',
     * nonlinearity='relu')}: normal, mean 0, standard deviation {@code sqrt(2 / (outChannels * kernel^2))} (DL4J's own
     * {@code NormalDistribution} per layer, so the configuration stays plain DL4J; DL4J's fan-out divides by the stride,
     * PyTorch's does not). Seed 002's ResNets initialise so.
     */
    public GraphBlocks kaimingFanOut() {
        kaimingFanOut = true;
        return this;
    }

    /** The underlying builder, for blocks not covered here. */
    public GraphBuilder builder() {
        return graph;
    }

    public String conv(String name, String in, int filters, int kernel, int stride, ConvolutionMode padding,
                       Activation activation) {
        graph.addLayer(name, new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride)
                .nOut(filters).convolutionMode(padding).activation(activation).build(), in);
        return name;
    }

    /**
     * DL4J's batch norm with Keras' {@code BatchNormalization(momentum=decay, epsilon=eps)} (moving statistics
     * updated as {@code decay * old + (1 - decay) * batch}, variance stored as is).
     */
    public static BatchNormalization batchNormalization(double decay, double eps) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("batch-norm momentum must be in [0, 1), got " + decay);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("batch-norm epsilon must be positive, got " + eps);
        }
        return new BatchNormalization.Builder().decay(decay).eps(eps).build();
    }

    public String batchNorm(String name, String in) {
        graph.addLayer(name, batchNormalization(options.bnMomentum(), bnEpsilon), in);
        return name;
    }

    public String activation(String name, String in, Activation activation) {
        graph.addLayer(name, new ActivationLayer(activation), in);
        return name;
    }

    public String maxPool(String name, String in, int size) {
        return pool(name, in, size, SubsamplingLayer.PoolingType.MAX);
    }

    public String avgPool(String name, String in, int size) {
        return pool(name, in, size, SubsamplingLayer.PoolingType.AVG);
    }

    private String pool(String name, String in, int size, SubsamplingLayer.PoolingType type) {
        graph.addLayer(name, new SubsamplingLayer.Builder(type).kernelSize(size, size)
                .stride(size, size).convolutionMode(VALID).build(), in);
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

    /**
     * Keras {@code Dropout(rate)}: drops a fraction {@code rate} (or the build options' rate where they set one); DL4J
     * takes the retain probability. A rate of 0 keeps the layer as a pass-through, so vertex names stay.
     */
    public String dropout(String name, String in, double rate) {
        double r = options.dropoutOr(rate);
        graph.addLayer(name, r == 0 ? new DropoutLayer.Builder().dropOut(null).build() : new DropoutLayer.Builder(1.0 - r)
                .build(), in);
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

    /**
     * PyTorch {@code nn.Conv2d(in, outChannels, kernel, stride, padding, bias=bias)}: symmetric zero padding,
     * output size floor((in + 2 padding - kernel) / stride) + 1, no activation.
     */
    public String conv2d(String name, String in, int outChannels, int kernel, int stride, int padding, boolean bias) {
        return conv2d(name, in, outChannels, kernel, stride, padding, 1, bias);
    }

    /** {@code nn.Conv2d(..., dilation=dilation)}: output size floor((in + 2 padding - dilation (kernel - 1) - 1) / stride) + 1. */
    public String conv2d(String name, String in, int outChannels, int kernel, int stride, int padding, int dilation,
                         boolean bias) {
        ConvolutionLayer.Builder conv = new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride)
                .padding(padding, padding).dilation(dilation, dilation).nOut(outChannels).hasBias(bias)
                .convolutionMode(VALID).activation(Activation.IDENTITY);
        if (kaimingFanOut) {
            conv.weightInit(new NormalDistribution(0, Math.sqrt(2.0 / (outChannels * kernel * kernel))));
        }
        graph.addLayer(name, conv.build(), in);
        return name;
    }

    /**
     * PyTorch {@code nn.Conv2d(c, c, kernel, stride, padding, groups=c, bias=bias)}: one filter per input channel
     * (DL4J's depthwise convolution with depth multiplier 1).
     */
    public String depthwiseConv2d(String name, String in, int kernel, int stride, int padding, boolean bias) {
        graph.addLayer(name, new DepthwiseConvolution2D.Builder(kernel, kernel).stride(stride, stride)
                .padding(padding, padding).depthMultiplier(1).hasBias(bias).convolutionMode(VALID)
                .activation(Activation.IDENTITY).build(), in);
        return name;
    }

    public String relu(String name, String in) {
        return activation(name, in, Activation.RELU);
    }

    /** PyTorch {@code nn.MaxPool2d(kernel, stride, padding)}: floor output size. */
    public String maxPool(String name, String in, int kernel, int stride, int padding) {
        graph.addLayer(name, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                .kernelSize(kernel, kernel).stride(stride, stride).padding(padding, padding).convolutionMode(VALID)
                .build(), in);
        return name;
    }

    /** PyTorch {@code nn.AdaptiveAvgPool2d((height, width))} (see {@link AdaptiveAvgPoolVertex}). */
    public String adaptiveAvgPool(String name, String in, int height, int width) {
        graph.addVertex(name, new AdaptiveAvgPoolVertex(height, width), in);
        return name;
    }

    /** PyTorch {@code nn.Linear(in, units, bias=bias)}, no activation. */
    public String linear(String name, String in, int units, boolean bias) {
        graph.addLayer(name, new DenseLayer.Builder().nOut(units).hasBias(bias).activation(Activation.IDENTITY).build(), in);
        return name;
    }

    /** {@code torch.cat(ins, dim=1)}: concatenation along channels. */
    public String concat(String name, String... ins) {
        graph.addVertex(name, new MergeVertex(), ins);
        return name;
    }

    /** {@code x * s.view(N, C, 1, 1)}: each channel of {@code x} scaled by {@code s} (see {@link ChannelScaleVertex}). */
    public String channelScale(String name, String x, String scales) {
        graph.addVertex(name, new ChannelScaleVertex(), x, scales);
        return name;
    }

    /**
     * A softmax classifier trained with cross-entropy (Keras' softmax + sparse categorical crossentropy), its classes
     * weighted as {@link BuildOptions#classWeights()} says; {@code modelClasses} wide unless the options set another
     * number of classes ({@link BuildOptions#withClasses}).
     */
    public ComputationGraphConfiguration softmaxOutput(String name, String in, int modelClasses) {
        int classes = options.classesOr(modelClasses);
        double[] weights = options.classWeights();
        if (weights.length > 0 && weights.length != classes) {
            throw new IllegalArgumentException(weights.length + " class weights for a classifier of " + classes
                    + " classes: give one per class");
        }
        OutputLayer.Builder output = weights.length == 0 ? new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                : new OutputLayer.Builder(new LossMCXENT(Nd4j.create(weights).castTo(options.dataType())));
        graph.addLayer(name, output.nOut(classes).activation(Activation.SOFTMAX).build(), in);
        return build(name);
    }

    /** The configuration, with {@code output} as the graph's output (a block's last vertex, for instance). */
    public ComputationGraphConfiguration build(String output) {
        return graph.setOutputs(output).build();
    }
}
