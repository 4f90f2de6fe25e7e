package cnnlabs.experiments.transfer;

import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.KerasWeights;
import cnnlabs.architectures.MobileNetV2;
import cnnlabs.architectures.layers.InferenceBatchNorm;
import cnnlabs.run.Engine;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The lab's MobileNetV2 and the two graphs transfer learning makes of it with DL4J's {@link TransferLearning}
 * builder: the whole base frozen (feature extraction), and the base's last Keras layers trainable (fine-tuning).
 */
final class TransferGraphs {

    /** The lab's {@code base_model.layers[-20:]}: the default of {@code -Dfinetune.layers}. */
    static final int LAB_UNFROZEN_LAYERS = 20;

    private TransferGraphs() {
    }

    /** A new, initialised MobileNetV2 of {@code spec}, through the engine. */
    static ComputationGraph mobileNet(Engine engine, BuildOptions options, MobileNetV2.Spec spec) {
        return engine.init("mobilenetv2", MobileNetV2.configure(options, spec));
    }

    /** Stage 1's graph: a copy of {@code model} with the whole base frozen (DL4J's frozen layers run in inference mode). */
    static ComputationGraph featureExtractor(Engine engine, ComputationGraph model, double learningRate, long seed) {
        return engine.adopt("feature-extraction", new TransferLearning.GraphBuilder(model)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder()
                        .updater(BuildOptions.kerasAdam(learningRate)).seed(seed).build())
                .setFeatureExtractor(MobileNetV2.BASE_OUTPUT).build());
    }

    /**
     * Stage 2's graph: {@code model}'s weights in a MobileNetV2 whose batch-norm layers among the base's last
     * {@code unfrozen} Keras layers (Keras' {@code base_model.layers[-unfrozen:]}) are {@link InferenceBatchNorm}
     * (Keras' {@code training=False}: moving statistics, trainable gamma and beta), with every earlier layer frozen.
     */
    static ComputationGraph fineTuner(Engine engine, ComputationGraph model, MobileNetV2.Spec spec, int unfrozen,
                                      double learningRate, long seed) {
        BuildOptions options = BuildOptions.defaults().withSeed(seed).withUpdater(BuildOptions.kerasAdam(learningRate));
        ComputationGraph keras = new ComputationGraph(MobileNetV2.configure(options, spec,
                MobileNetV2.batchNormsInLast(spec, unfrozen)));
        keras.init();
        copyLayers(model, keras, KerasWeights.layersWithParameters(keras));
        return engine.adopt("fine-tuning", new TransferLearning.GraphBuilder(keras)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder()
                        .updater(BuildOptions.kerasAdam(learningRate)).seed(seed).build())
                .setFeatureExtractor(MobileNetV2.freezeBoundary(spec, unfrozen)).build());
    }

    /** The lab model's layers with parameters that belong to the base (all but the new head). */
    static List<String> baseLayersWithParameters(ComputationGraph model) {
        return KerasWeights.layersWithParameters(model).stream().filter(n -> !n.equals(MobileNetV2.HEAD_DENSE)).toList();
    }

    /** Copies the parameters of {@code layers} from one graph into another with the same layer names. */
    static void copyLayers(ComputationGraph from, ComputationGraph to, List<String> layers) {
        for (String layer : layers) {
            Map<String, INDArray> src = from.getVertex(layer).paramTable(false);
            Map<String, INDArray> dst = to.getVertex(layer).paramTable(false);
            dst.forEach((k, v) -> v.assign(src.get(k)));
        }
    }
}
