package cnnlabs.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.datasets.DataDirectory;
import cnnlabs.datasets.Datasets;
import cnnlabs.datasets.ImageDataset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

/**
 * LeNet-5 for one epoch on the real first 10,000 MNIST training images (8,000 train / the last 2,000 for
 * validation) must exceed 0.90 validation accuracy: a check of the whole pipeline on real data (files,
 * labels, scaling, split, shuffling, training loop, evaluation).
 *
 * <p>Batch 16 and Adam 3e-3 rather than the lab's batch 128 and 1e-3: with the lab's recipe, one epoch is
 * only 63 Adam steps and this tanh LeNet ends it at about 0.87, in DL4J and in a PyTorch replica with the
 * same Keras initialisers alike (measured on this machine, seeds 1, 2, 3, 7, 42: DL4J 0.851-0.873, PyTorch
 * 0.869-0.875). With batch 16 and 3e-3 (500 steps): DL4J 0.902-0.9145, PyTorch 0.9115-0.920.
 */
class MnistIntegrationTest {

    @Test
    void lenet5LearnsMnistInOneEpoch() {
        ImageDataset.Split data = Datasets.MNIST.loadTrain(DataDirectory.defaultCache()).head(10_000).splitValidation(0.2);
        ComputationGraph graph = Architectures.create("lenet5",
                BuildOptions.defaults().withSeed(42).withUpdater(BuildOptions.kerasAdam(3e-3)));

        History history = new Trainer(TrainerConfig.DEFAULTS, new Console(new PrintStream(new ByteArrayOutputStream()),
                false)).fit("lenet5", graph, data.train().batches(16, true, 42), data.validation().batches(16, false, 42), 1);

        assertEquals(8_000, history.trainImages());
        double valAcc = history.last().valAcc();
        assertTrue(valAcc > 0.90, "validation accuracy after one epoch: " + valAcc);
    }
}
