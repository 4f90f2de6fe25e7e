package cnnlabs.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.GraphBlocks;
import cnnlabs.architectures.Lab3Models;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;

/** The checks the notebooks' cells call: each says right only when the answer is. */
class CheckTest {

    /** Lab 3's LeNet-5 with {@code filters} in its second convolution (16 is the lab's). */
    private static ComputationGraphConfiguration lenet(int filters) {
        GraphBlocks g = new GraphBlocks(BuildOptions.defaults(), Lab3Models.MNIST);
        String x = g.conv("conv1", GraphBlocks.INPUT, 6, 5, 1, GraphBlocks.VALID, Activation.TANH);
        x = g.avgPool("pool1", x, 2);
        x = g.conv("conv2", x, filters, 5, 1, GraphBlocks.VALID, Activation.TANH);
        x = g.avgPool("pool2", x, 2);
        x = g.flatten("flatten", x);
        x = g.dense("dense1", x, 120, Activation.TANH);
        x = g.dense("dense2", x, 84, Activation.TANH);
        return g.softmaxOutput("output", x, Lab3Models.CLASSES);
    }

    @Test
    void aModelIsRightWhenItsParametersAndOutputAreTheRegistrysAndTheVerdictSaysWhereItParts() {
        Check.Verdict right = Check.model("LeNet-5", () -> lenet(16), "lenet5");
        assertEquals(Check.Status.RIGHT, right.status(), right.toString());
        assertTrue(right.toString().startsWith("✔ Right - LeNet-5: 44,426 parameters"), right.toString());

        Check.Verdict wrong = Check.model("LeNet-5", () -> lenet(12), "lenet5");
        assertEquals(Check.Status.WRONG, wrong.status());
        assertTrue(wrong.detail().contains("Layer 2 with parameters: yours is conv2 (ConvolutionLayer"), wrong.detail());

        assertEquals(Check.Status.NOT_YET, Check.model("LeNet-5", Check::todo, "lenet5").status());
        assertEquals(Check.Status.NOT_YET, Check.model("LeNet-5", () -> null, "lenet5").status());
        Check.Verdict broken = Check.model("LeNet-5", () -> {
            throw new IllegalStateException("boom");
        }, "lenet5");
        assertEquals(Check.Status.WRONG, broken.status());
        assertTrue(broken.detail().contains("boom"), broken.detail());
    }

    @Test
    void aBlockIsCheckedAtTheRegisteredBlocksInput() {
        Check.Verdict right = Check.block("1x1", (g, in) -> g.conv2d("c", in, 64, 1, 1, 0, true), "channel-mixer");
        assertEquals(Check.Status.RIGHT, right.status(), right.toString());
        Check.Verdict noBias = Check.block("1x1", (g, in) -> g.conv2d("c", in, 64, 1, 1, 0, false), "channel-mixer");
        assertEquals(Check.Status.WRONG, noBias.status(), noBias.toString());
        assertEquals(Check.Status.NOT_YET, Check.block("1x1", (g, in) -> null, "channel-mixer").status());
    }

    @Test
    void valuesArraysAndConditions() {
        assertTrue(Check.equal("n", () -> 6, 6L).right());
        assertTrue(Check.equal("x", () -> 0.1 + 0.2, 0.3).right());
        assertEquals(Check.Status.WRONG, Check.equal("x", () -> 0.31, 0.3).status());
        assertTrue(Check.equal("a", () -> new int[] {1, 2}, new int[] {1, 2}).right());
        assertEquals(Check.Status.WRONG, Check.equal("a", () -> new int[] {1, 3}, new int[] {1, 2}).status());
        assertEquals(Check.Status.NOT_YET, Check.equal("n", Check::todo, 6).status());

        var expected = Nd4j.create(new double[] {1, 2, 3});
        assertTrue(Check.close("v", () -> Nd4j.create(new double[] {1, 2, 3.0000001}), expected, 1e-5).right());
        assertEquals(Check.Status.WRONG, Check.close("v", () -> Nd4j.create(new double[] {1, 2, 4}), expected, 1e-5).status());
        assertEquals(Check.Status.WRONG, Check.close("v", () -> Nd4j.create(new double[] {1, 2}), expected, 1e-5).status());

        assertTrue(Check.that("c", () -> true, "holds").right());
        assertEquals(Check.Status.WRONG, Check.that("c", () -> false, "holds").status());

        Check.Verdict ok = Check.equal("a", () -> 1, 1);
        Check.Verdict bad = Check.equal("b", () -> 2, 1);
        Check.Verdict todo = Check.equal("c", Check::todo, 1);
        assertTrue(Check.all("all", ok, ok).right());
        assertEquals(Check.Status.WRONG, Check.all("all", ok, bad).status());
        assertEquals(Check.Status.NOT_YET, Check.all("all", ok, bad, todo).status());
    }
}
