package cnnlabs.training;

import cnnlabs.datasets.ImageDataset;
import java.util.List;
import java.util.Random;

/** Generated 28x28 grey images with random labels, for tests of the loop itself (not of learning). */
public final class RandomImages {

    private RandomImages() {
    }

    /** {@code n} random images with random labels 0-9, the same for the same {@code seed}. */
    public static ImageDataset of(int n, long seed) {
        Random r = new Random(seed);
        byte[] pixels = new byte[n * 784];
        r.nextBytes(pixels);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(10);
        }
        return new ImageDataset("random", pixels, labels, 1, 28, 28, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
    }
}
