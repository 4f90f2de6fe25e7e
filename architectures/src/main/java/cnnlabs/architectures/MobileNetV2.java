package cnnlabs.architectures;

import static cnnlabs.architectures.GraphBlocks.INPUT;
import static cnnlabs.architectures.GraphBlocks.SAME;
import static cnnlabs.architectures.GraphBlocks.VALID;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import cnnlabs.architectures.layers.InferenceBatchNorm;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * MobileNetV2 as {@code keras.applications.MobileNetV2} builds it, layer for layer and name for name, so that
 * Keras' weight files map onto it by layer name ({@link KerasWeights}).
 *
 * <p>The network is the paper's table of inverted-residual stages ({@link #STAGES}: expansion {@code t}, output
 * channels {@code c}, repeats {@code n}, first stride {@code s}), between a 3x3 stride-2 stem ({@code Conv1},
 * {@code bn_Conv1}, {@code Conv1_relu}) and a 1x1 conv to 1280 channels ({@code Conv_1}, {@code Conv_1_bn},
 * {@code out_relu}). Each block is {@code block_<i>_expand} (1x1 conv to {@code t} times the input channels, left
 * out of the first block, whose layers are called {@code expanded_conv_*}), {@code _expand_BN},
 * {@code _expand_relu} (ReLU6), {@code _pad} (zero padding before a stride-2 depthwise conv, Keras'
 * {@code correct_pad}: one row/column at the bottom/right for even sizes), {@code _depthwise} (3x3 depthwise,
 * {@code same} at stride 1 and {@code valid} after the padding at stride 2), {@code _depthwise_BN},
 * {@code _depthwise_relu}, {@code _project} (linear 1x1 conv), {@code _project_BN} and, when the shapes allow,
 * {@code _add} (the residual). Convolutions have no bias; batch norm uses Keras' epsilon 1e-3 and stores the
 * moving variance itself (not DL4J's log-std form), so a Keras {@code moving_variance} loads as it is.
 *
 * <p>Differences from Keras, none of which changes a parameter or a shape: the input vertex is called
 * {@code input} (Keras: {@code input_1}); batch-norm momentum comes from {@link BuildOptions#bnMomentum()} (Keras
 * hard-codes 0.999, which needs thousands of updates before the moving statistics are usable; pass
 * {@link #KERAS_BN_MOMENTUM} for Keras' value); shapes are channels first.
 */
public final class MobileNetV2 {

    /** One row of the MobileNetV2 table: expansion {@code t}, output channels {@code c}, {@code n} blocks, first stride {@code s}. */
    public record Stage(int t, int c, int n, int s) {
        public Stage {
            if (t < 1 || c < 1 || n < 1 || (s != 1 && s != 2)) {
                throw new IllegalArgumentException("invalid MobileNetV2 stage t=" + t + " c=" + c + " n=" + n + " s=" + s);
            }
        }
    }

    /** The table of {@code keras.applications.MobileNetV2} (and of the paper, Table 2): 17 blocks. */
    public static final List<Stage> STAGES = List.of(
            new Stage(1, 16, 1, 1),
            new Stage(6, 24, 2, 2),
            new Stage(6, 32, 3, 2),
            new Stage(6, 64, 4, 2),
            new Stage(6, 96, 3, 1),
            new Stage(6, 160, 3, 2),
            new Stage(6, 320, 1, 1));

    /** Keras' batch-norm momentum in MobileNetV2. */
    public static final double KERAS_BN_MOMENTUM = 0.999;
    /** Keras' batch-norm epsilon in MobileNetV2. */
    public static final double BN_EPSILON = 1e-3;
    /** The base's last layer (Keras' {@code out_relu}). */
    public static final String BASE_OUTPUT = "out_relu";
    /** The lab's input: CIFAR-10 images, 32x32x3. */
    public static final InputShape CIFAR = new InputShape(3, 32, 32);

    /** What sits on top of the base. */
    public enum Top {
        /** {@code include_top=False}: the graph ends at {@code out_relu}. */
        NONE,
        /** {@code include_top=True}: global average pooling and a softmax {@code predictions} layer. */
        KERAS,
        /** Lab 3 Part 5's head: {@code GlobalAveragePooling2D}, {@code Dropout(0.2)}, {@code Dense(classes, softmax)}. */
        LAB
    }

    /** Names of the lab head's layers, as Keras names them by default. */
    public static final String HEAD_POOL = "global_average_pooling2d";
    public static final String HEAD_DROPOUT = "dropout";
    public static final String HEAD_DENSE = "dense";

    /**
     * What to build: width multiplier {@code alpha} (Keras' {@code alpha}), input shape (three channels), top and
     * number of classes (ignored without a top).
     */
    public record Spec(double alpha, InputShape input, Top top, int classes) {
        public Spec {
            if (!(alpha > 0) || Double.isInfinite(alpha)) {
                throw new IllegalArgumentException("MobileNetV2 alpha must be positive, got " + alpha);
            }
            if (input == null || input.channels() != 3) {
                throw new IllegalArgumentException("MobileNetV2 takes three-channel images, got " + input);
            }
            if (input.height() < 32 || input.width() < 32) {
                throw new IllegalArgumentException("MobileNetV2 needs at least 32x32 input (Keras' minimum), got " + input);
            }
            if (top == null) {
                throw new IllegalArgumentException("top must not be null");
            }
            if (top != Top.NONE && classes < 1) {
                throw new IllegalArgumentException("a MobileNetV2 with a top needs at least one class, got " + classes);
            }
        }

        /** The lab's network: alpha 1.0, 32x32x3, the lab head with {@code classes} outputs. */
        public static Spec lab(int classes) {
            return new Spec(1.0, CIFAR, Top.LAB, classes);
        }

        public Spec withTop(Top newTop, int newClasses) {
            return new Spec(alpha, input, newTop, newClasses);
        }
    }

    private MobileNetV2() {
    }

    /** The graph configuration for {@code spec}. */
    public static ComputationGraphConfiguration configure(BuildOptions options, Spec spec) {
        return configure(options, spec, Set.of());
    }

    /**
     * The graph configuration for {@code spec}, with the batch-norm layers named in {@code inferenceBatchNorm} as
     * {@link InferenceBatchNorm}: normalising with their moving statistics even in training while gamma and beta
     * train, as Keras' batch norm does in a base called with {@code training=False}.
     */
    public static ComputationGraphConfiguration configure(BuildOptions options, Spec spec, Set<String> inferenceBatchNorm) {
        return new Builder(options, spec, inferenceBatchNorm).build();
    }

    /** The batch-norm layers among the base's last {@code n} Keras layers (the ones the lab's fine-tuning unfreezes). */
    public static Set<String> batchNormsInLast(Spec spec, int n) {
        List<String> layers = baseLayers(spec);
        Set<String> out = new LinkedHashSet<>();
        for (String name : layers.subList(Math.max(0, layers.size() - n), layers.size())) {
            if (name.endsWith("_BN") || name.endsWith("_bn") || name.startsWith("bn_")) {
                out.add(name);
            }
        }
        return out;
    }

    /**
     * The base's layers in Keras' order ({@code base_model.layers} without the input layer): the names that
     * {@code base_model.layers[-20:]} picks from, for instance.
     */
    public static List<String> baseLayers(Spec spec) {
        Builder b = new Builder(BuildOptions.defaults(), spec, Set.of());
        b.base();
        return List.copyOf(b.layers);
    }

    /**
     * The vertex to freeze up to (DL4J's {@code setFeatureExtractor}) so that the base's last {@code n} Keras layers
     * stay trainable, as the lab's {@code for layer in base_model.layers[:-n]: layer.trainable = False}: the layer
     * just before them, whose ancestors are all the earlier layers.
     */
    public static String freezeBoundary(Spec spec, int n) {
        List<String> layers = baseLayers(spec);
        if (n < 1 || n >= layers.size()) {
            throw new IllegalArgumentException("can unfreeze 1 to " + (layers.size() - 1) + " of MobileNetV2's "
                    + layers.size() + " base layers, not " + n);
        }
        return layers.get(layers.size() - n - 1);
    }

    /** The registered architecture: the lab's network for 10 classes. */
    static ComputationGraphConfiguration lab(BuildOptions options) {
        return configure(options, Spec.lab(10));
    }

    /** Keras' {@code _make_divisible}: {@code v} rounded to the nearest multiple of {@code divisor}, at most 10% down. */
    static int makeDivisible(double v, int divisor) {
        int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * v ? rounded + divisor : rounded;
    }

    /** Adds Keras' MobileNetV2 layers one by one, tracking the activation's size as Keras' code does. */
    private static final class Builder {
        private final BuildOptions options;
        private final Spec spec;
        private final GraphBlocks blocks;
        private final GraphBuilder graph;
        private final List<String> layers = new ArrayList<>();
        private final Set<String> inferenceBatchNorm;
        private int channels;
        private int height;
        private int width;

        Builder(BuildOptions options, Spec spec, Set<String> inferenceBatchNorm) {
            this.options = options;
            this.inferenceBatchNorm = inferenceBatchNorm;
            this.spec = spec;
            this.blocks = new GraphBlocks(options, spec.input());
            this.graph = blocks.builder();
            this.channels = spec.input().channels();
            this.height = spec.input().height();
            this.width = spec.input().width();
        }

        ComputationGraphConfiguration build() {
            String x = base();
            return switch (spec.top()) {
                case NONE -> blocks.build(x);
                case KERAS -> {
                    x = blocks.globalAvgPool(HEAD_POOL, x);
                    yield blocks.softmaxOutput("predictions", x, spec.classes());
                }
                case LAB -> {
                    x = blocks.globalAvgPool(HEAD_POOL, x);
                    x = blocks.dropout(HEAD_DROPOUT, x, 0.2);
                    yield blocks.softmaxOutput(HEAD_DENSE, x, spec.classes());
                }
            };
        }

        String base() {
            String x = conv("Conv1", INPUT, makeDivisible(32 * spec.alpha(), 8), 3, 2);
            x = batchNorm("bn_Conv1", x);
            x = relu6("Conv1_relu", x);
            int blockId = 0;
            for (Stage stage : STAGES) {
                for (int i = 0; i < stage.n(); i++) {
                    x = invertedResidual(x, stage.t(), stage.c(), i == 0 ? stage.s() : 1, blockId++);
                }
            }
            int last = spec.alpha() > 1.0 ? makeDivisible(1280 * spec.alpha(), 8) : 1280;
            x = conv("Conv_1", x, last, 1, 1);
            x = batchNorm("Conv_1_bn", x);
            return relu6(BASE_OUTPUT, x);
        }

        /** Keras' {@code _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id)}. */
        private String invertedResidual(String in, int expansion, int filters, int stride, int blockId) {
            int inChannels = channels;
            int pointwise = makeDivisible((int) (filters * spec.alpha()), 8);
            String prefix = blockId == 0 ? "expanded_conv_" : "block_" + blockId + "_";
            String x = in;
            if (blockId > 0) {
                x = conv(prefix + "expand", x, expansion * inChannels, 1, 1);
                x = batchNorm(prefix + "expand_BN", x);
                x = relu6(prefix + "expand_relu", x);
            }
            if (stride == 2) {
                // imagenet_utils.correct_pad(x, 3): adjust = 1 - size % 2, padding ((1 - adjust, 1), (1 - adjust, 1))
                x = zeroPad(prefix + "pad", x, height % 2, 1, width % 2, 1);
            }
            x = depthwise(prefix + "depthwise", x, stride);
            x = batchNorm(prefix + "depthwise_BN", x);
            x = relu6(prefix + "depthwise_relu", x);
            x = conv(prefix + "project", x, pointwise, 1, 1);
            x = batchNorm(prefix + "project_BN", x);
            if (inChannels == pointwise && stride == 1) {
                x = add(prefix + "add", in, x);
            }
            return x;
        }

        /** Conv2D without bias, {@code padding='same'}. */
        private String conv(String name, String in, int filters, int kernel, int stride) {
            graph.addLayer(name, new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride)
                    .nOut(filters).hasBias(false).convolutionMode(SAME).activation(Activation.IDENTITY).build(), in);
            channels = filters;
            height = ceilDiv(height, stride);
            width = ceilDiv(width, stride);
            return record(name);
        }

        /** DepthwiseConv2D(3, strides=stride, use_bias=False, padding 'same' at stride 1, 'valid' at 2). */
        private String depthwise(String name, String in, int stride) {
            ConvolutionMode mode = stride == 1 ? SAME : VALID;
            graph.addLayer(name, new DepthwiseConvolution2D.Builder(3, 3).stride(stride, stride).depthMultiplier(1)
                    .hasBias(false).convolutionMode(mode).activation(Activation.IDENTITY).build(), in);
            if (stride != 1) {
                height = (height - 3) / stride + 1;
                width = (width - 3) / stride + 1;
            }
            return record(name);
        }

        private String batchNorm(String name, String in) {
            if (inferenceBatchNorm.contains(name)) {
                graph.addLayer(name, new InferenceBatchNorm(BN_EPSILON), in);
                return record(name);
            }
            BatchNormalization bn = GraphBlocks.batchNormalization(options.bnMomentum(), BN_EPSILON);
            bn.setUseLogStd(false);
            graph.addLayer(name, bn, in);
            return record(name);
        }

        private String relu6(String name, String in) {
            graph.addLayer(name, new ActivationLayer.Builder().activation(Activation.RELU6).build(), in);
            return record(name);
        }

        private String zeroPad(String name, String in, int top, int bottom, int left, int right) {
            graph.addLayer(name, new ZeroPaddingLayer.Builder(top, bottom, left, right).build(), in);
            height += top + bottom;
            width += left + right;
            return record(name);
        }

        private String add(String name, String a, String b) {
            blocks.add(name, a, b);
            return record(name);
        }

        private String record(String name) {
            layers.add(name);
            return name;
        }

        private static int ceilDiv(int a, int b) {
            return (a + b - 1) / b;
        }
    }
}
