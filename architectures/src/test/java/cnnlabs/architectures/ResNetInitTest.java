package cnnlabs.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Seed 002's ResNets start as its _initialize_weights says: kaiming_normal_(mode='fan_out', nonlinearity='relu'). */
class ResNetInitTest {

    @Test
    void convolutionsAreKaimingNormalWithFanOutAndTheLinearLayerIsPytorchsDefault() {
        ComputationGraph resnet = Architectures.create("resnet18", BuildOptions.defaults());
        for (String[] conv : new String[][] {{"conv1", "64"}, {"layer2.block1.conv1", "128"}, {"layer4.block2.conv2", "512"}}) {
            INDArray w = resnet.getLayer(conv[0]).getParam("W");
            double expected = Math.sqrt(2.0 / (Integer.parseInt(conv[1]) * 9)); // PyTorch's fan_out: out x 3 x 3
            double std = w.stdNumber().doubleValue();
            assertEquals(expected, std, expected * (w.length() > 100_000 ? 0.01 : 0.05), conv[0]);
            assertEquals(0, w.meanNumber().doubleValue(), expected * 0.05, conv[0]);
        }
        INDArray fc = resnet.getLayer("fc").getParam("W");
        double bound = 1 / Math.sqrt(512);
        assertTrue(fc.amaxNumber().doubleValue() <= bound, "PyTorch's nn.Linear default: uniform in +-1/sqrt(fan_in)");
        assertEquals(1.0, resnet.getLayer("bn1").getParam("gamma").meanNumber().doubleValue(), 0);
        assertFalse(resnet.getConfiguration().toJson().contains("cnnlabs"), "DL4J's own distribution: a plain model");
    }
}
