package cnnlabs.experiments.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Grad-CAM's gradient against a numerical one on a tiny graph, and its map against its definition. */
class ClassActivationMapsTest {

    private static ComputationGraph tiny() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
                .convolutionMode(ConvolutionMode.Same).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(6, 6, 1))
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.RELU).build(), "in")
                .addLayer("conv2", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build(), "conv1")
                .addLayer("dense", new DenseLayer.Builder().nOut(4).activation(Activation.TANH).dropOut(0.5).build(), "conv2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void theClassScoreGradientEqualsANumericalGradientOfTheLogit() {
        ComputationGraph graph = tiny();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 1, 6, 6).subi(0.3);
        ClassActivationMaps cam = new ClassActivationMaps(graph, "conv1", x);
        INDArray a = graph.feedForward(x, false).get("conv1").dup();

        // the head computes the graph's logits: their softmax is the graph's output
        assertTrue(Transforms.softmax(cam.logits(a)).equalsWithEps(graph.outputSingle(false, x), 1e-12));

        int[] classes = {2, 0};
        INDArray analytic = cam.classScoreGradient(a, classes);
        assertArrayEquals(a.shape(), analytic.shape());
        double h = 1e-6;
        double worst = 0;
        for (int n = 0; n < 2; n++) {
            for (int i = 0; i < a.size(1) * 36; i++) {
                long c = i / 36;
                long y = i % 36 / 6;
                long xx = i % 6;
                double v = a.getDouble(n, c, y, xx);
                a.putScalar(new long[] {n, c, y, xx}, v + h);
                double plus = cam.logits(a).getDouble(n, classes[n]);
                a.putScalar(new long[] {n, c, y, xx}, v - h);
                double minus = cam.logits(a).getDouble(n, classes[n]);
                a.putScalar(new long[] {n, c, y, xx}, v);
                double numeric = (plus - minus) / (2 * h);
                worst = Math.max(worst, Math.abs(numeric - analytic.getDouble(n, c, y, xx)));
            }
        }
        assertTrue(worst < 1e-8, "largest difference from the numerical gradient: " + worst);
        assertTrue(analytic.norm2Number().doubleValue() > 1e-3, "a gradient that is all zeros would pass trivially");
    }

    @Test
    void theMapIsTheReluOfTheGradientWeightedChannelsScaledToOne() {
        ComputationGraph graph = tiny();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 1, 1, 6, 6);
        ClassActivationMaps cam = new ClassActivationMaps(graph, "conv2", x);
        ClassActivationMaps.Result r = cam.explain(x, null);

        INDArray a = r.featureMaps();
        INDArray alpha = r.gradients().mean(2, 3);
        double[][] expected = new double[6][6];
        double max = 0;
        for (int y = 0; y < 6; y++) {
            for (int xx = 0; xx < 6; xx++) {
                double s = 0;
                for (int c = 0; c < a.size(1); c++) {
                    s += alpha.getDouble(0, c) * a.getDouble(0, c, y, xx);
                }
                expected[y][xx] = Math.max(0, s);
                max = Math.max(max, expected[y][xx]);
            }
        }
        // same size as the input here, so the bilinear resize is the identity
        double[][] map = r.map(0);
        for (int y = 0; y < 6; y++) {
            for (int xx = 0; xx < 6; xx++) {
                assertEquals(max > 0 ? expected[y][xx] / max : 0, map[y][xx], 1e-12);
            }
        }
        assertEquals(graph.outputSingle(false, x).argMax(1).getInt(0), r.classes()[0], "the predicted class by default");
    }

    @Test
    void bilinearResizeMatchesAlignCornersFalse() {
        double[][] up = ClassActivationMaps.bilinear(new double[][] {{0, 1}, {2, 3}}, 4, 4);
        // PyTorch F.interpolate(..., size=4, mode='bilinear', align_corners=False) of [[0,1],[2,3]]
        assertArrayEquals(new double[] {0, 0.25, 0.75, 1}, up[0], 1e-12);
        assertArrayEquals(new double[] {1.5, 1.75, 2.25, 2.5}, up[2], 1e-12);
    }

    @Test
    void aTargetWithASkipConnectionAroundItOrBatchNormAfterItIsRefusedWithTheFix() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(6, 6, 1))
                .addLayer("a", new ConvolutionLayer.Builder(3, 3).nOut(2).convolutionMode(ConvolutionMode.Same).build(), "in")
                .addLayer("b", new ConvolutionLayer.Builder(3, 3).nOut(2).convolutionMode(ConvolutionMode.Same).build(), "a")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b")
                .addLayer("bn", new BatchNormalization.Builder().build(), "add")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "bn")
                .addLayer("out", new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        INDArray x = Nd4j.rand(1, 1, 6, 6);
        IllegalArgumentException skip = assertThrows(IllegalArgumentException.class, () -> new ClassActivationMaps(g, "b", x));
        assertTrue(skip.getMessage().contains("'add' also reads 'a'"), skip.getMessage());
        IllegalArgumentException bn = assertThrows(IllegalArgumentException.class, () -> new ClassActivationMaps(g, "add", x));
        assertTrue(bn.getMessage().contains("batch normalisation 'bn'"), bn.getMessage());
        new ClassActivationMaps(g, "bn", x); // after the batch norm: fine
    }
}
