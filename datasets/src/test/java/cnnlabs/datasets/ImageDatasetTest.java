package cnnlabs.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

class ImageDatasetTest {

    /** 20 one-channel 3x2 images; image i has every pixel = i * 10 and label i % 10. */
    private static ImageDataset twenty() {
        int n = 20;
        byte[] pixels = new byte[n * 6];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(pixels, i * 6, i * 6 + 6, (byte) (i * 10));
            labels[i] = i % 10;
        }
        return new ImageDataset("twenty", pixels, labels, 1, 3, 2, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
    }

    /** Recovers image indices from a batch (pixel value / 10 * 255). */
    private static List<Integer> indices(DataSet batch) {
        INDArray f = batch.getFeatures();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < f.size(0); i++) {
            out.add(Math.round(f.getFloat(i, 0, 0, 0) * 255f / 10f));
        }
        return out;
    }

    private static List<Integer> epoch(ImageBatchIterator it) {
        List<Integer> seen = new ArrayList<>();
        while (it.hasNext()) {
            seen.addAll(indices(it.next()));
        }
        return seen;
    }

    @Test
    void headIsThePrefix() {
        ImageDataset head = twenty().head(7);
        assertEquals(7, head.size());
        assertEquals(60, head.pixel(6, 0, 2, 1));
        assertEquals(20, twenty().head(1000).size());
    }

    @Test
    void validationSplitTakesTheLastFractionBeforeShuffling() {
        ImageDataset.Split split = twenty().splitValidation(0.2);
        assertEquals(16, split.train().size());
        assertEquals(4, split.validation().size());
        assertEquals(160, split.validation().pixel(0, 0, 0, 0)); // image 16 comes first
        assertEquals(6, split.validation().label(0));
        assertEquals(150, split.train().pixel(15, 0, 0, 0));
    }

    @Test
    void validationSplitIndexIsFloorAsInKeras() {
        // Keras: split_at = int(floor(n * (1 - fraction))); 20 * (1 - 0.33) = 13.4 -> 13 train images
        assertEquals(13, twenty().splitValidation(0.33).train().size());
        assertEquals(54_000, (int) Math.floor(60_000 * (1.0 - 0.1)));
        assertThrows(IllegalArgumentException.class, () -> twenty().splitValidation(0));
        assertThrows(IllegalArgumentException.class, () -> twenty().splitValidation(1));
    }

    @Test
    void batchesAreNchwScaledAndOneHotWithAShortLastBatch() {
        ImageBatchIterator it = twenty().batches(8, false, 1);
        assertEquals(3, it.batchesPerEpoch());
        DataSet first = it.next();
        assertArrayEquals(new long[] {8, 1, 3, 2}, first.getFeatures().shape());
        assertArrayEquals(new long[] {8, 10}, first.getLabels().shape());
        assertEquals(70 / 255f, first.getFeatures().getFloat(7, 0, 2, 1), 1e-6);
        assertEquals(1f, first.getLabels().getFloat(7, 7));
        assertEquals(8.0, first.getLabels().sumNumber().doubleValue(), 1e-6);
        it.next();
        DataSet last = it.next();
        assertEquals(4, last.getFeatures().size(0));
        assertFalse(it.hasNext());
        assertEquals(1f, twenty().batches(20, false, 1).next().getFeatures().maxNumber().floatValue() * 255f / 190f, 1e-6);
    }

    @Test
    void unshuffledIteratorKeepsFileOrder() {
        assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), epoch(twenty().batches(6, false, 3)));
    }

    @Test
    void shuffleVisitsEveryImageOncePerEpochAndIsRepeatableBySeed() {
        ImageBatchIterator a = twenty().batches(6, true, 42);
        ImageBatchIterator b = twenty().batches(6, true, 42);
        List<Integer> a1 = epoch(a);
        a.reset();
        List<Integer> a2 = epoch(a);
        List<Integer> b1 = epoch(b);
        b.reset();
        List<Integer> b2 = epoch(b);

        assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), a1.stream().sorted().toList());
        assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), a2.stream().sorted().toList());
        assertEquals(a1, b1);
        assertEquals(a2, b2);
        assertNotEquals(a1, a2, "each epoch draws a new order");
        assertNotEquals(a1, epoch(twenty().batches(6, true, 43)));
    }

    @Test
    void asRgbPadsEvenlyAndCopiesGreyIntoEveryChannel() {
        // one 2x2 image with distinct pixels, padded to 4x4
        byte[] pixels = {1, 2, 3, 4};
        ImageDataset grey = new ImageDataset("g", pixels, new int[] {1}, 1, 2, 2, List.of("a", "b"));

        ImageDataset rgb = grey.asRgb(4);

        assertEquals(3, rgb.channels());
        assertEquals(4, rgb.height());
        assertEquals(1, rgb.label(0));
        for (int c = 0; c < 3; c++) {
            assertEquals(1, rgb.pixel(0, c, 1, 1));
            assertEquals(2, rgb.pixel(0, c, 1, 2));
            assertEquals(3, rgb.pixel(0, c, 2, 1));
            assertEquals(4, rgb.pixel(0, c, 2, 2));
            for (int k = 0; k < 4; k++) {
                assertEquals(0, rgb.pixel(0, c, 0, k));
                assertEquals(0, rgb.pixel(0, c, 3, k));
                assertEquals(0, rgb.pixel(0, c, k, 0));
                assertEquals(0, rgb.pixel(0, c, k, 3));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> grey.asRgb(5));
        assertThrows(IllegalArgumentException.class, () -> rgb.asRgb(8));
    }
}
