package cnnlabs.experiments.common;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import cnnlabs.architectures.vertices.GradientTapVertex;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Grad-CAM (Selvaraju et al. 2017) for a DL4J graph: for a class {@code c} and a four-dimensional vertex {@code A}
 * (the last convolutional feature maps), the gradient of the class score {@code z_c} (the logit, before the softmax)
 * with respect to {@code A}; each channel's weight is that gradient's spatial mean; the map is
 * {@code ReLU(sum_k alpha_k A_k)}, upsampled bilinearly to the input's size.
 *
 * <p>The gradient comes from DL4J's own backpropagation, through a <em>head</em>: a copy of the part of the graph after
 * {@code A} (its parameters copied by name), whose input is {@code A}'s activations and whose output layer computes the
 * logits with a loss whose gradient is {@code -onehot(c)}, so that the gradient reaching its input is {@code -dz_c/dA};
 * a {@link GradientTapVertex} there keeps it. The head has no dropout (the gradient is of the inference-mode network)
 * and may not contain batch normalisation (DL4J computes gradients in training mode, where it would use the batch's
 * statistics): choose a later vertex if it does.
 */
public final class ClassActivationMaps {

    private static final String FEATURES = "features";
    private static final String TAP = "gradient.tap";

    private final ComputationGraph graph;
    private final String target;
    private final ComputationGraph head;
    private final GradientTapVertex.Tap tap = new GradientTapVertex.Tap();

    /**
     * Grad-CAM of {@code graph} at {@code target}, a vertex with (N, C, H, W) activations, for inputs shaped like
     * {@code example} (one or more images as the graph takes them).
     */
    public ClassActivationMaps(ComputationGraph graph, String target, INDArray example) {
        this.graph = graph;
        this.target = target;
        long[] one = example.shape().clone();
        one[0] = 1;
        this.head = head(graph, target, one, tap);
    }

    /** Grad-CAM at the graph's last four-dimensional vertex (where its last stage ends). */
    public static ClassActivationMaps atLastFeatureMaps(ComputationGraph graph, INDArray example) {
        Map<String, INDArray> acts = graph.feedForward(example, false);
        List<String> ends = new ArrayList<>(GraphProbes.stageEnds(graph, acts).keySet());
        return new ClassActivationMaps(graph, ends.get(ends.size() - 1), example);
    }

    public String target() {
        return target;
    }

    /** The maps for a batch, and what they come from. */
    public record Result(INDArray maps, INDArray featureMaps, INDArray gradients, INDArray probabilities, int[] classes) {

        /** The predicted class of each image. */
        public int[] predicted() {
            return Nd4j.argMax(probabilities, 1).toIntVector();
        }

        /** Image {@code i}'s map, (H, W) of the input, scaled to [0, 1] (all zeros stay zeros). */
        public double[][] map(int i) {
            return maps.slice(i).castTo(DataType.DOUBLE).toDoubleMatrix();
        }
    }

    /**
     * Grad-CAM of {@code input} (N, C, H, W, as the graph takes it) for the class of each image in {@code classes}, or its
     * predicted class where {@code classes} is null.
     */
    public Result explain(INDArray input, int[] classes) {
        Map<String, INDArray> acts = graph.feedForward(input, false);
        INDArray a = acts.get(target).dup();
        INDArray probabilities = graph.outputSingle(false, input);
        int n = (int) input.size(0);
        int[] explained = classes != null ? classes : Nd4j.argMax(probabilities, 1).toIntVector();
        INDArray gradients = classScoreGradient(a, explained);
        INDArray alpha = gradients.mean(2, 3); // (N, C)
        INDArray weighted = a.mul(alpha.reshape(alpha.size(0), alpha.size(1), 1, 1));
        INDArray cam = Transforms.relu(weighted.sum(1), false); // (N, h, w)
        INDArray maps = Nd4j.create(a.dataType(), n, input.size(2), input.size(3));
        for (int i = 0; i < n; i++) {
            double[][] up = bilinear(cam.slice(i).castTo(DataType.DOUBLE).toDoubleMatrix(),
                    (int) input.size(2), (int) input.size(3));
            double max = 0;
            for (double[] row : up) {
                for (double v : row) {
                    max = Math.max(max, v);
                }
            }
            INDArray m = Nd4j.createFromArray(up).castTo(a.dataType());
            maps.putSlice(i, max > 0 ? m.divi(max) : m);
        }
        return new Result(maps, a, gradients, probabilities, explained);
    }

    /** {@code dz_c/dA} for each image's class, from DL4J's backpropagation through the head. */
    public INDArray classScoreGradient(INDArray featureMaps, int[] classes) {
        INDArray onehot = Nd4j.zeros(featureMaps.dataType(), featureMaps.size(0), head.getNumOutputArrays() == 1
                ? head.layerSize(head.getConfiguration().getNetworkOutputs().get(0)) : 0);
        for (int i = 0; i < classes.length; i++) {
            onehot.putScalar(i, classes[i], 1.0);
        }
        tap.clear();
        head.setInputs(featureMaps);
        head.setLabels(onehot);
        head.computeGradientAndScore();
        head.clear();
        if (tap.gradient() == null) {
            throw new IllegalStateException("DL4J's backpropagation did not reach the head's input");
        }
        return tap.gradient().negi();
    }

    /** The class scores (logits) the head computes from {@code featureMaps}: the graph's output before its softmax. */
    public INDArray logits(INDArray featureMaps) {
        return head.outputSingle(false, featureMaps);
    }

    /** {@code values} resized to {@code h} x {@code w} by bilinear interpolation (align_corners=False, as OpenCV/PyTorch). */
    static double[][] bilinear(double[][] values, int h, int w) {
        int sh = values.length;
        int sw = values[0].length;
        double[][] out = new double[h][w];
        for (int y = 0; y < h; y++) {
            double fy = Math.max(0, Math.min(sh - 1, (y + 0.5) * sh / h - 0.5));
            int y0 = (int) Math.floor(fy);
            int y1 = Math.min(sh - 1, y0 + 1);
            double dy = fy - y0;
            for (int x = 0; x < w; x++) {
                double fx = Math.max(0, Math.min(sw - 1, (x + 0.5) * sw / w - 0.5));
                int x0 = (int) Math.floor(fx);
                int x1 = Math.min(sw - 1, x0 + 1);
                double dx = fx - x0;
                out[y][x] = (1 - dy) * ((1 - dx) * values[y0][x0] + dx * values[y0][x1])
                        + dy * ((1 - dx) * values[y1][x0] + dx * values[y1][x1]);
            }
        }
        return out;
    }

    private static ComputationGraph head(ComputationGraph graph, String target, long[] inputShape,
                                         GradientTapVertex.Tap tap) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        if (graph.getVertex(target) == null) {
            throw new IllegalArgumentException("the graph has no vertex '" + target + "'");
        }
        Set<String> downstream = new HashSet<>();
        downstream.add(target);
        List<String> order = new ArrayList<>();
        for (String name : conf.getTopologicalOrderStr()) {
            List<String> inputs = conf.getVertexInputs().get(name);
            if (inputs != null && inputs.stream().anyMatch(downstream::contains)) {
                for (String in : inputs) {
                    if (!downstream.contains(in)) {
                        throw new IllegalArgumentException("Grad-CAM at '" + target + "' needs every vertex after it to "
                                + "depend on it alone, but '" + name + "' also reads '" + in + "' (a skip connection "
                                + "around it): choose the vertex where that block ends");
                    }
                }
                downstream.add(name);
                order.add(name);
            }
        }
        String output = conf.getNetworkOutputs().get(0);
        if (conf.getNetworkOutputs().size() != 1 || !downstream.contains(output)) {
            throw new IllegalArgumentException("Grad-CAM needs a graph with one output after '" + target + "'");
        }
        long[] shape = graph.feedForward(Nd4j.zeros(conf.getDataType(), inputShape), false).get(target).shape();
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder()
                .dataType(conf.getDataType())
                .trainingWorkspaceMode(WorkspaceMode.NONE).inferenceWorkspaceMode(WorkspaceMode.NONE)
                .graphBuilder()
                .addInputs(FEATURES)
                .setInputTypes(InputType.convolutional(shape[2], shape[3], shape[1]))
                .addVertex(TAP, new GradientTapVertex(tap), FEATURES);
        for (String name : order) {
            GraphVertex vertex = conf.getVertices().get(name).clone();
            if (vertex instanceof LayerVertex lv) {
                Layer layer = lv.getLayerConf().getLayer();
                if (layer instanceof BatchNormalization) {
                    throw new IllegalArgumentException("Grad-CAM at '" + target + "' would backpropagate through the "
                            + "batch normalisation '" + name + "' in training mode: choose a vertex after it");
                }
                layer.setIDropout(null);
                if (name.equals(output)) {
                    if (!(layer instanceof BaseOutputLayer out)) {
                        throw new IllegalArgumentException("Grad-CAM needs the graph's output to be an output layer, "
                                + "not " + layer.getClass().getSimpleName());
                    }
                    out.setActivationFn(Activation.IDENTITY.getActivationFunction()); // a copy: the graph keeps its own
                    out.setLossFn(new ClassScore());
                }
            }
            List<String> inputs = conf.getVertexInputs().get(name).stream().map(in -> in.equals(target) ? TAP : in)
                    .toList();
            b.addVertex(name, vertex, inputs.toArray(String[]::new));
        }
        b.setOutputs(output);
        ComputationGraph head = new ComputationGraph(b.build());
        head.init();
        for (String name : order) {
            if (graph.getVertex(name).hasLayer()) {
                for (Map.Entry<String, INDArray> p : graph.getVertex(name).getLayer().paramTable().entrySet()) {
                    head.getLayer(name).setParam(p.getKey(), p.getValue().dup());
                }
            }
        }
        return head;
    }

    /**
     * A loss whose gradient with respect to the output layer's pre-activation is {@code -labels}: with the identity
     * activation and one-hot labels, the score is {@code -z_c} and the input gradient DL4J returns is {@code -dz_c/dA}.
     */
    public static final class ClassScore implements ILossFunction {

        private static final long serialVersionUID = 1L;

        @Override
        public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                                   boolean average) {
            double score = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
            return average ? score / labels.size(0) : score;
        }

        @Override
        public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
            return labels.mul(preOutput).sum(1).negi();
        }

        @Override
        public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
            return labels.neg().castTo(preOutput.dataType());
        }

        @Override
        public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                              INDArray mask, boolean average) {
            return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                    computeGradient(labels, preOutput, activationFn, mask));
        }

        @Override
        public String name() {
            return "ClassScore";
        }
    }
}
