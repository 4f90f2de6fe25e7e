package cnnlabs.architectures.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Keras' batch norm under training=False: inference-mode output, fixed statistics, trainable gamma and beta. */
class InferenceBatchNormTest {

    /** input (3x4, 5 channels) -> 1x1 conv -> the norm -> MSE, so that the input gradient is checked too. */
    private static ComputationGraph graph(Layer norm, DataType type, IUpdater updater) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(updater).dataType(type)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(3, 4, 5))
                .addLayer("conv", new ConvolutionLayer.Builder(1, 1).nOut(5).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", norm, "conv")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                        .build(), "bn")
                .setOutputs("loss").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static void setStatistics(ComputationGraph g) {
        var p = g.getLayer("bn").paramTable();
        p.get("gamma").assign(Nd4j.createFromArray(1.5, 0.5, 2.0, 1.0, 0.8).reshape(1, 5));
        p.get("beta").assign(Nd4j.createFromArray(0.1, -0.2, 0.3, 0.0, 0.5).reshape(1, 5));
        p.get("mean").assign(Nd4j.createFromArray(0.4, 0.5, 0.6, 0.2, 0.1).reshape(1, 5));
        p.get("var").assign(Nd4j.createFromArray(0.09, 0.25, 1.0, 0.5, 2.0).reshape(1, 5));
    }

    @Test
    void trainingModeOutputIsDl4jBatchNormsInferenceOutput() {
        ComputationGraph ours = graph(new InferenceBatchNorm(1e-3), DataType.FLOAT, new Adam(1e-3));
        ComputationGraph dl4j = graph(new BatchNormalization.Builder().eps(1e-3).useLogStd(false).build(), DataType.FLOAT,
                new Adam(1e-3));
        setStatistics(ours);
        setStatistics(dl4j);
        dl4j.getLayer("conv").setParams(ours.getLayer("conv").params().dup());
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 5, 3, 4);

        INDArray inTraining = ours.feedForward(x, true).get("bn");
        INDArray reference = dl4j.feedForward(x, false).get("bn");

        assertTrue(inTraining.equalsWithEps(reference, 1e-5), inTraining + " vs " + reference);
        INDArray conv = ours.feedForward(x, true).get("conv");
        double expected = 2.0 * (conv.getDouble(0, 2, 1, 1) - 0.6) / Math.sqrt(1.001) + 0.3;
        assertEquals(expected, inTraining.getDouble(0, 2, 1, 1), 1e-5);
    }

    @Test
    void fittingTrainsGammaAndBetaAndLeavesTheStatistics() {
        ComputationGraph g = graph(new InferenceBatchNorm(1e-3), DataType.FLOAT, new Adam(1e-2));
        setStatistics(g);
        INDArray mean = g.getLayer("bn").getParam("mean").dup();
        INDArray var = g.getLayer("bn").getParam("var").dup();
        INDArray gamma = g.getLayer("bn").getParam("gamma").dup();
        INDArray beta = g.getLayer("bn").getParam("beta").dup();
        DataSet data = new DataSet(Nd4j.rand(DataType.FLOAT, 6, 5, 3, 4), Nd4j.rand(DataType.FLOAT, 6, 5, 3, 4));

        for (int i = 0; i < 5; i++) {
            g.fit(data);
        }

        assertArrayEquals(mean.data().asFloat(), g.getLayer("bn").getParam("mean").data().asFloat());
        assertArrayEquals(var.data().asFloat(), g.getLayer("bn").getParam("var").data().asFloat());
        assertFalse(gamma.equalsWithEps(g.getLayer("bn").getParam("gamma"), 1e-4));
        assertFalse(beta.equalsWithEps(g.getLayer("bn").getParam("beta"), 1e-4));
    }

    @Test
    void gradientsPassDl4jsGradientCheck() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ComputationGraph g = graph(new InferenceBatchNorm(1e-3), DataType.DOUBLE, new NoOp());
            setStatistics(g);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 5, 3, 4);
            INDArray y = Nd4j.rand(DataType.DOUBLE, 2, 5, 3, 4);
            // The moving statistics are excluded: they are not trained (their gradient is zero by design).
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                    .inputs(new INDArray[] {x}).labels(new INDArray[] {y}).epsilon(1e-6).maxRelError(1e-3)
                    .minAbsoluteError(1e-8).excludeParams(java.util.Set.of("bn_mean", "bn_var"))));
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }

    @Test
    void configurationSurvivesJson() {
        ComputationGraph g = graph(new InferenceBatchNorm(1e-3), DataType.FLOAT, new Adam(1e-3));
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(g.getConfiguration().toJson());
        assertEquals(g.getConfiguration(), back);
        var vertex = (org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("bn");
        assertTrue(vertex.getLayerConf().getLayer() instanceof InferenceBatchNorm, vertex.getLayerConf().getLayer().toString());
    }
}
