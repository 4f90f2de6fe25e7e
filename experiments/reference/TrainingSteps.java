import cnnlabs.architectures.Architecture;
import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.onednn.OneDnnRuntime;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training steps of one cnnlabs architecture through the oneDNN runtime, as Throughput takes them (Keras' Adam, batch
 * 128, random data), for a profiler or oneDNN's verbose log: {@code warmup} steps, a line {@code === TIMED}, then
 * {@code steps} steps and a line with their images per second. Run by {@code onednn_primitives.py}:
 *
 * <pre>java -cp CLASSPATH experiments/reference/TrainingSteps.java mobilenetv2 10 3</pre>
 */
public final class TrainingSteps {

    public static void main(String[] args) {
        String name = args[0];
        int warmup = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        int batch = 128;
        Architecture a = Architectures.get(name);
        ComputationGraph graph = OneDnnRuntime.graph(a.configure(new BuildOptions(42, BuildOptions.kerasAdam(1e-3),
                BuildOptions.KERAS_BN_MOMENTUM, BuildOptions.KERAS_BN_EPSILON)));
        graph.init();
        Nd4j.getRandom().setSeed(42);
        INDArray x = Nd4j.rand(DataType.FLOAT, a.inputShape().batchShape(batch));
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, a.numClasses());
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % a.numClasses(), 1.0);
        }
        DataSet d = new DataSet(x, y);
        for (int i = 0; i < warmup; i++) {
            graph.fit(d);
        }
        System.out.println("=== TIMED");
        System.out.flush();
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            graph.fit(d);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("=== %s %.1f images/s%n", name, steps * batch / seconds);
    }
}
