package cnnlabs.architectures;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.hdf5.DataSet;
import org.bytedeco.hdf5.DataSpace;
import org.bytedeco.hdf5.DataType;
import org.bytedeco.hdf5.Group;
import org.bytedeco.hdf5.H5File;
import org.bytedeco.hdf5.PredType;
import org.bytedeco.hdf5.global.hdf5;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes HDF5 files in the layout of Keras' {@code save_weights} (and of the {@code keras.applications} weight
 * files): a group per layer, inside it a group of the same name, inside that one float32 dataset per weight,
 * {@code <weight>:0}, in Keras' shapes. For tests: the real files cannot be downloaded here.
 */
final class KerasH5Writer {

    private KerasH5Writer() {
    }

    /**
     * layer -> weight name (without {@code :0}) -> array in Keras' shape. Every HDF5 object is freed here, under
     * the lock, when the scope closes: left to JavaCPP's deallocator thread, one was freed while this thread was
     * inside HDF5 (not built thread-safe), and the test JVM died in {@code H5CX_set_vol_wrap_ctx}. (The arrays'
     * values are read out before the scope opens, so that no ND4J buffer is attached to it.)
     */
    static void write(Path file, Map<String, Map<String, INDArray>> layers) {
        Map<String, Map<String, INDArray>> floats = new LinkedHashMap<>();
        layers.forEach((layer, weights) -> {
            Map<String, INDArray> f = new LinkedHashMap<>();
            weights.forEach((name, w) -> f.put(name, w.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c')));
            floats.put(layer, f);
        });
        synchronized (Hdf5Archive.LOCK_OBJECT) {
            try (PointerScope scope = new PointerScope()) {
                Loader.load(hdf5.class);
                DataType f32 = new DataType(PredType.NATIVE_FLOAT());
                H5File h5 = new H5File(file.toString(), hdf5.H5F_ACC_TRUNC());
                try {
                    for (Map.Entry<String, Map<String, INDArray>> layer : floats.entrySet()) {
                        Group outer = h5.createGroup(layer.getKey());
                        Group inner = outer.createGroup(layer.getKey());
                        for (Map.Entry<String, INDArray> w : layer.getValue().entrySet()) {
                            INDArray a = w.getValue();
                            DataSpace space = new DataSpace(a.rank(), a.shape());
                            DataSet ds = inner.createDataSet(w.getKey() + ":0", f32, space);
                            ds.write(new FloatPointer(a.data().asFloat()), f32);
                            ds.close();
                            space.close();
                        }
                        inner.close();
                        outer.close();
                    }
                } finally {
                    h5.close();
                }
            }
        }
    }

    /**
     * The weights of {@code graph}'s layers in Keras' names and shapes: the inverse of {@link KerasWeights}'
     * conversion (conv kernels (out, in, kh, kw) to (kh, kw, in, out); rows to vectors).
     */
    static Map<String, Map<String, INDArray>> kerasLayout(ComputationGraph graph) {
        Map<String, Map<String, INDArray>> out = new LinkedHashMap<>();
        for (String layer : KerasWeights.layersWithParameters(graph)) {
            var conf = graph.getVertex(layer).getLayer().conf().getLayer();
            Map<String, INDArray> weights = new LinkedHashMap<>();
            for (Map.Entry<String, INDArray> p : graph.getVertex(layer).paramTable(false).entrySet()) {
                INDArray v = p.getValue();
                String name = switch (p.getKey()) {
                    case "W" -> conf instanceof org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D ? "depthwise_kernel" : "kernel";
                    case "b" -> "bias";
                    case "mean" -> "moving_mean";
                    case "var" -> "moving_variance";
                    default -> p.getKey();
                };
                if (name.equals("kernel") && v.rank() == 4) {
                    v = v.permute(2, 3, 1, 0);
                } else if (v.rank() == 2 && v.size(0) == 1) {
                    v = v.reshape(v.size(1));
                }
                weights.put(name, v.dup('c'));
            }
            out.put(layer, weights);
        }
        return out;
    }
}
