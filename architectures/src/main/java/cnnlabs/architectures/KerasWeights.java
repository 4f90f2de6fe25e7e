package cnnlabs.architectures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Loads a Keras weights file ({@code model.save_weights('x.h5')}, or the {@code keras.applications} files such as
 * {@code mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5}) into a {@link ComputationGraph} whose
 * layers carry the Keras layer names, reading it with DL4J's model-import {@link Hdf5Archive}.
 *
 * <p>Keras' layout: one HDF5 group per layer, named after the layer, holding that layer's weights as datasets
 * named {@code <weight>:0} (usually one group deeper, {@code Conv1/Conv1/kernel:0}). Weights are matched by their
 * Keras names and converted to DL4J's layouts: conv kernels (kh, kw, in, out) to (out, in, kh, kw), depthwise
 * kernels (kh, kw, in, multiplier) as they are, dense kernels (in, out) as they are, biases and batch-norm
 * {@code gamma}, {@code beta}, {@code moving_mean}, {@code moving_variance} as rows (a DL4J batch norm that keeps
 * log10 of the standard deviation gets {@code log10(sqrt(moving_variance))}).
 *
 * <p>Every requested layer must be in the file with exactly the weights the graph expects, in shape; otherwise
 * nothing is changed and {@link KerasWeightsException} says which layer and which shapes differ.
 */
public final class KerasWeights {

    /** Where Keras itself downloads the ImageNet MobileNetV2 weights without the top (alpha 1.0, 224; 9.4 MB). */
    public static final String MOBILENET_V2_NO_TOP_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"
            + "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5";

    /** What was loaded: the graph's layers that got weights, the file's layers left unused, and the number of values. */
    public record Report(List<String> loadedLayers, List<String> unusedFileLayers, long values) {
    }

    /** A weights file that does not fit the graph, or cannot be read; the message names the file, the layer and the fix. */
    public static final class KerasWeightsException extends RuntimeException {
        public KerasWeightsException(String message) {
            super(message);
        }

        public KerasWeightsException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private KerasWeights() {
    }

    /** The layers of {@code graph} that have parameters, in topological order (the ones a weights file must cover). */
    public static List<String> layersWithParameters(ComputationGraph graph) {
        List<String> names = new ArrayList<>();
        for (int i : graph.topologicalSortOrder()) {
            GraphVertex v = graph.getVertices()[i];
            if (v.hasLayer() && v.numParams() > 0) {
                names.add(v.getVertexName());
            }
        }
        return names;
    }

    /**
     * Copies the weights of {@code layers} from {@code file} into {@code graph}. All of them are read and checked
     * before any is written, so a mismatched file leaves the graph as it was.
     */
    public static Report load(ComputationGraph graph, Path file, Collection<String> layers) {
        if (!Files.isRegularFile(file)) {
            throw new KerasWeightsException("Keras weights file " + file + " does not exist. Pass the path of a Keras "
                    + ".h5 weights file with -Dweights=PATH (for MobileNetV2: " + MOBILENET_V2_NO_TOP_URL + ").");
        }
        if (!isHdf5(file)) {
            throw new KerasWeightsException("Keras weights file " + file + " is not a readable HDF5 file (no HDF5 "
                    + "signature; an interrupted download or an HTML error page?). Download it again or pass another "
                    + "file with -Dweights=PATH.");
        }
        Map<String, Map<String, INDArray>> converted = new LinkedHashMap<>();
        List<String> unused;
        Hdf5Archive archive;
        try {
            org.bytedeco.hdf5.Exception.dontPrint();
            archive = new Hdf5Archive(file.toString());
        } catch (RuntimeException e) {
            throw new KerasWeightsException("Keras weights file " + file + " is not a readable HDF5 file (" + e.getMessage()
                    + "). Download it again or pass another file with -Dweights=PATH.", e);
        }
        try (archive) {
            List<String> fileLayers = archive.getGroups();
            for (String layer : layers) {
                if (!fileLayers.contains(layer)) {
                    throw mismatch(file, "has no layer '" + layer + "' (the graph's layer of that name needs weights); "
                            + "its layers are " + preview(fileLayers));
                }
                Map<String, INDArray> weights = new LinkedHashMap<>();
                collect(archive, file, new ArrayList<>(List.of(layer)), weights);
                converted.put(layer, convert(graph, layer, weights, file));
            }
            unused = fileLayers.stream().filter(l -> !converted.containsKey(l) && hasDatasets(archive, List.of(l))).toList();
        }
        long values = 0;
        for (Map.Entry<String, Map<String, INDArray>> e : converted.entrySet()) {
            Map<String, INDArray> params = graph.getVertex(e.getKey()).paramTable(false);
            for (Map.Entry<String, INDArray> p : e.getValue().entrySet()) {
                params.get(p.getKey()).assign(p.getValue());
                values += p.getValue().length();
            }
        }
        return new Report(List.copyOf(converted.keySet()), unused, values);
    }

    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    /** HDF5's format signature, at offset 0 or after a user block of 512, 1024, 2048, ... bytes. */
    static boolean isHdf5(Path file) {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(HDF5_SIGNATURE.length);
            for (long offset = 0; offset + HDF5_SIGNATURE.length <= ch.size(); offset = offset == 0 ? 512 : offset * 2) {
                head.clear();
                ch.read(head, offset);
                if (Arrays.equals(head.array(), HDF5_SIGNATURE)) {
                    return true;
                }
            }
            return false;
        } catch (java.io.IOException e) {
            throw new KerasWeightsException("Keras weights file " + file + " cannot be read: " + e.getMessage()
                    + ". Check its permissions or pass another file with -Dweights=PATH.", e);
        }
    }

    /** Every dataset under the group {@code path}, keyed by its Keras weight name without {@code :0}. */
    private static void collect(Hdf5Archive archive, Path file, List<String> path, Map<String, INDArray> out) {
        String[] groups = path.toArray(String[]::new);
        for (String dataset : archive.getDataSets(groups)) {
            String key = dataset.endsWith(":0") ? dataset.substring(0, dataset.length() - 2) : dataset;
            try {
                out.put(key, archive.readDataSet(dataset, groups));
            } catch (Exception e) {
                throw mismatch(file, "cannot read " + String.join("/", path) + "/" + dataset + ": " + e.getMessage());
            }
        }
        for (String group : archive.getGroups(groups)) {
            path.add(group);
            collect(archive, file, path, out);
            path.remove(path.size() - 1);
        }
    }

    private static boolean hasDatasets(Hdf5Archive archive, List<String> path) {
        String[] groups = path.toArray(String[]::new);
        if (!archive.getDataSets(groups).isEmpty()) {
            return true;
        }
        for (String group : archive.getGroups(groups)) {
            List<String> deeper = new ArrayList<>(path);
            deeper.add(group);
            if (hasDatasets(archive, deeper)) {
                return true;
            }
        }
        return false;
    }

    /** The file's weights of one layer, as DL4J parameters of that layer (name -> array in DL4J's shape). */
    private static Map<String, INDArray> convert(ComputationGraph graph, String layer, Map<String, INDArray> keras,
                                                 Path file) {
        GraphVertex vertex = graph.getVertex(layer);
        if (vertex == null || !vertex.hasLayer()) {
            throw new IllegalArgumentException("the graph has no layer '" + layer + "'");
        }
        Layer conf = unwrap(vertex.getLayer()).conf().getLayer();
        Map<String, INDArray> params = vertex.paramTable(false);
        Map<String, INDArray> out = new LinkedHashMap<>();
        if (conf instanceof BatchNormalization) {
            take(out, params, BatchNormalizationParamInitializer.GAMMA, keras, "gamma", layer, file, null);
            take(out, params, BatchNormalizationParamInitializer.BETA, keras, "beta", layer, file, null);
            take(out, params, BatchNormalizationParamInitializer.GLOBAL_MEAN, keras, "moving_mean", layer, file, null);
            if (params.containsKey(BatchNormalizationParamInitializer.GLOBAL_VAR)) {
                take(out, params, BatchNormalizationParamInitializer.GLOBAL_VAR, keras, "moving_variance", layer, file, null);
            } else {
                take(out, params, BatchNormalizationParamInitializer.GLOBAL_LOG_STD, keras, "moving_variance", layer, file,
                        v -> Transforms.log(Transforms.sqrt(v, true), 10, false));
            }
        } else if (conf instanceof DepthwiseConvolution2D) {
            take(out, params, DefaultParamInitializer.WEIGHT_KEY, keras, "depthwise_kernel", layer, file, null);
            takeBias(out, params, keras, layer, file);
        } else if (conf instanceof ConvolutionLayer && !(conf instanceof SeparableConvolution2D)) {
            take(out, params, DefaultParamInitializer.WEIGHT_KEY, keras, "kernel", layer, file,
                    k -> k.rank() == 4 ? k.permute(3, 2, 0, 1) : k);
            takeBias(out, params, keras, layer, file);
        } else if (conf instanceof FeedForwardLayer) {
            take(out, params, DefaultParamInitializer.WEIGHT_KEY, keras, "kernel", layer, file, null);
            takeBias(out, params, keras, layer, file);
        } else {
            throw mismatch(file, "is asked for weights of layer '" + layer + "', a " + conf.getClass().getSimpleName()
                    + ", which this loader does not convert");
        }
        if (!out.keySet().equals(params.keySet())) {
            throw mismatch(file, "does not give every parameter of layer '" + layer + "': the graph has " + params.keySet()
                    + ", the file gives " + out.keySet());
        }
        if (out.size() != keras.size()) {
            throw mismatch(file, "holds weights " + keras.keySet() + " for layer '" + layer + "', of which only "
                    + out.size() + " fit the graph's " + conf.getClass().getSimpleName());
        }
        return out;
    }

    private static void takeBias(Map<String, INDArray> out, Map<String, INDArray> params, Map<String, INDArray> keras,
                                 String layer, Path file) {
        if (params.containsKey(DefaultParamInitializer.BIAS_KEY)) {
            take(out, params, DefaultParamInitializer.BIAS_KEY, keras, "bias", layer, file, null);
        }
    }

    private static void take(Map<String, INDArray> out, Map<String, INDArray> params, String dl4jName,
                             Map<String, INDArray> keras, String kerasName, String layer, Path file,
                             java.util.function.UnaryOperator<INDArray> toDl4j) {
        INDArray value = keras.get(kerasName);
        if (value == null) {
            throw mismatch(file, "has no weight '" + kerasName + "' for layer '" + layer + "' (it has " + keras.keySet() + ")");
        }
        INDArray target = params.get(dl4jName);
        INDArray dl4j = toDl4j == null ? value : toDl4j.apply(value.dup());
        if (dl4j.length() != target.length() || (dl4j.rank() > 1 && !Arrays.equals(dl4j.shape(), target.shape()))) {
            throw mismatch(file, "has '" + layer + "/" + kerasName + "' of shape " + Arrays.toString(value.shape())
                    + ", but the graph's layer needs " + kerasShape(kerasName, target) + " (DL4J " + dl4jName + " "
                    + Arrays.toString(target.shape()) + ")");
        }
        out.put(dl4jName, dl4j.reshape(target.shape()).castTo(target.dataType()));
    }

    /** The Keras shape that would fit {@code target}, for messages. */
    private static String kerasShape(String kerasName, INDArray target) {
        long[] s = target.shape();
        if (kerasName.equals("kernel") && s.length == 4) {
            return Arrays.toString(new long[] {s[2], s[3], s[1], s[0]});
        }
        if (s.length == 2 && s[0] == 1) {
            return "[" + s[1] + "]";
        }
        return Arrays.toString(s);
    }

    private static org.deeplearning4j.nn.api.Layer unwrap(org.deeplearning4j.nn.api.Layer layer) {
        if (layer instanceof FrozenLayer f) {
            return f.getInsideLayer();
        }
        if (layer instanceof FrozenLayerWithBackprop f) {
            return f.getInsideLayer();
        }
        return layer;
    }

    private static KerasWeightsException mismatch(Path file, String problem) {
        return new KerasWeightsException("Keras weights file " + file + " " + problem + ". It does not fit this network: "
                + "pass the weights saved from the same Keras architecture (for MobileNetV2 alpha 1.0 without top: "
                + MOBILENET_V2_NO_TOP_URL + ") with -Dweights=PATH.");
    }

    private static String preview(List<String> names) {
        return names.size() <= 8 ? names.toString()
                : names.subList(0, 8) + " and " + (names.size() - 8) + " more";
    }
}
