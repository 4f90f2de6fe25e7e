package cnnlabs.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The real datasets, fetched into the data directory ({@code -Ddata.dir}, default {@code ~/.cnnlabs/data})
 * on first use through the same code the experiments use; every file is checked against its official
 * checksum while loading.
 */
class OfficialDatasetsTest {

    private final Path dataDir = DataDirectory.defaultCache();

    @Test
    void mnistHasItsPublishedClassDistribution() {
        ImageDataset train = Datasets.MNIST.loadTrain(dataDir);
        ImageDataset test = Datasets.MNIST.loadTest(dataDir);

        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, train.classCounts());
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, test.classCounts());
        assertEquals(5, train.label(0)); // the lab's first digit is a 5
    }

    @Test
    void fashionMnistIsBalanced() {
        ImageDataset train = Datasets.FASHION_MNIST.loadTrain(dataDir);
        ImageDataset test = Datasets.FASHION_MNIST.loadTest(dataDir);

        int[] sixThousand = new int[10];
        Arrays.fill(sixThousand, 6000);
        int[] oneThousand = new int[10];
        Arrays.fill(oneThousand, 1000);
        assertArrayEquals(sixThousand, train.classCounts());
        assertArrayEquals(oneThousand, test.classCounts());
        assertEquals("Ankle boot", train.classNames().get(train.label(0)));
    }
}
