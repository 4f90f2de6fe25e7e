package cnnlabs.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A plain-ReLU convolution read only by a max pooling leaves its derivative to the pooling
 * ({@link FastSubsamplingLayer#takeReluDerivative}), and the gradients stay DL4J's: 2x2 windows and overlapping,
 * padded 3x3 ones, with biases pushed negative so that many windows hold only zeros (the case the masking is for).
 */
class ReluThroughPoolingTest {

    private static ComputationGraphConfiguration conf() {
        return new NeuralNetConfiguration.Builder().seed(11).updater(new Sgd(0.05)).dataType(DataType.FLOAT)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(14, 14, 2))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.RELU).build(), "in")
                .addLayer("p1", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build(), "c1")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(6).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build(), "p1")
                .addLayer("p2", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(3, 3)
                        .stride(2, 2).padding(1, 1).build(), "c2")
                .addLayer("c3", new ConvolutionLayer.Builder(2, 2).nOut(4).activation(Activation.RELU).build(), "p2")
                .addLayer("dense", new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build(), "c3")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out").build();
    }

    private static DataSet batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.FLOAT, 16, 2, 14, 14);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 3);
        for (int i = 0; i < 16; i++) {
            y.putScalar(i, (i * 5) % 3, 1.0);
        }
        return new DataSet(x, y);
    }

    @Test
    void theDerivativeAppliedByThePoolingGivesDl4jsGradients() {
        ComputationGraph dl4j = new ComputationGraph(conf());
        dl4j.init();
        for (String conv : new String[] {"c1", "c2"}) {
            dl4j.getLayer(conv).getParam("b").assign(-0.6);
        }
        ComputationGraph fast = OneDnnRuntime.graph(conf());
        fast.setParams(dl4j.params().dup());
        for (int step = 0; step < 3; step++) {
            DataSet d = batch(step);
            FastLayersTest.assertSameScoreAndGradients(dl4j, fast, d);
            dl4j.fit(d);
            fast.fit(d);
        }
        assertTrue(allZeroWindows(fast, batch(0).getFeatures()) > 0.05,
                "many pooling windows hold only zeros, so the test can tell a missing derivative");
        if (OneDnnRuntime.available()) {
            // 3 gradient computations and 3 fits: 6 backward passes; c3 is read by a dense layer
            for (String name : new String[] {"c1", "c2"}) {
                assertEquals(6, ((FastConvolutionLayer) fast.getLayer(name)).derivativesLeftToReader(), name);
            }
            assertEquals(0, ((FastConvolutionLayer) fast.getLayer("c3")).derivativesLeftToReader());
            for (String name : new String[] {"p1", "p2"}) {
                assertEquals(6, ((FastSubsamplingLayer) fast.getLayer(name)).reluDerivatives(), name);
            }
        }
    }

    /** The share of p1's outputs that are zero: 2x2 windows of c1's ReLU outputs that hold only zeros. */
    private static double allZeroWindows(ComputationGraph graph, INDArray x) {
        INDArray pooled = graph.feedForward(x, false).get("p1");
        return pooled.eq(0.0).castTo(DataType.FLOAT).meanNumber().doubleValue();
    }
}
