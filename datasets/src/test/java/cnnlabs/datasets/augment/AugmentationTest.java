package cnnlabs.datasets.augment;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cnnlabs.datasets.Batches;
import cnnlabs.datasets.ImageBatchIterator;
import cnnlabs.datasets.ImageDataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.datavec.image.transform.FlipImageTransform;
import org.datavec.image.transform.RotateImageTransform;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The augmentation transforms on synthetic images with known answers, seeding, and the iterators around them. */
class AugmentationTest {

    /** A Random whose nextDouble() always returns {@code value}, to pin a transform's draw. */
    private static Random fixed(double value) {
        return new Random() {
            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    private static byte[] dot(int size, int row, int col) {
        byte[] image = new byte[size * size];
        image[row * size + col] = (byte) 255;
        return image;
    }

    private static int brightest(byte[] image) {
        int best = 0;
        for (int i = 1; i < image.length; i++) {
            if ((image[i] & 0xFF) > (image[best] & 0xFF)) {
                best = i;
            }
        }
        return best;
    }

    private static Augmentation single(Augmentation.Step step) {
        return new Augmentation("test", 1, List.of(step));
    }

    @Test
    void translationMovesABrightPixelWhereItSays() {
        // draw 0.75 -> shift 0.1 * (2 * 0.75 - 1) = +5% of 40 pixels = 2 pixels right and 2 down
        RandomAffineTransform shift = new RandomAffineTransform(null, 0.1, 0.1, 0, BORDER_CONSTANT);
        Augmentation a = new Augmentation("shift", 1, List.of(new Augmentation.Step("shift", shift, 1, true)));
        byte[] image = dot(40, 10, 10);
        byte[] moved = MatImages.toChw(MatImages.toMat(
                shift.transform(MatImages.toWritable(MatImages.toMat(image, 1, 40, 40), new org.bytedeco.javacv.OpenCVFrameConverter.ToMat()), fixed(0.75)),
                new org.bytedeco.javacv.OpenCVFrameConverter.ToMat()));
        assertEquals(12 * 40 + 12, brightest(moved));
        assertEquals(255, moved[12 * 40 + 12] & 0xFF);
        assertEquals(0, moved[10 * 40 + 10] & 0xFF);
        assertEquals(40 * 40, a.apply(image, 1, 40, 40).length);
    }

    @Test
    void flipMirrorsLeftAndRight() {
        Augmentation flip = single(new Augmentation.Step("flip", new FlipImageTransform(1), 1, false));
        byte[] out = flip.apply(dot(7, 2, 1), 1, 7, 7);
        assertEquals(2 * 7 + 5, brightest(out));
        assertEquals(255, out[2 * 7 + 5] & 0xFF);
    }

    @Test
    void rotationByNinetyDegreesTurnsAPatternCounterClockwise() {
        // 9x9, centre (4, 4): a pixel above the centre goes to the left of it
        Augmentation rotate = single(new Augmentation.Step("rot90", new RotateImageTransform(90f), 1, false));
        byte[] out = rotate.apply(dot(9, 1, 4), 1, 9, 9);
        assertEquals(4 * 9 + 1, brightest(out));
        assertEquals(255, out[4 * 9 + 1] & 0xFF);
    }

    @Test
    void zoomOutShrinksDistancesFromTheCentre() {
        // draw 1.0 is impossible; 0.75 -> zoom factor 1 + 0.5 * 0.2 = 1.1: content shrinks by 1/1.1 about the centre
        RandomAffineTransform zoom = new RandomAffineTransform(null, 0, 0, 0.2, BORDER_CONSTANT);
        var converter = new org.bytedeco.javacv.OpenCVFrameConverter.ToMat();
        byte[] image = dot(23, 11, 22);   // centre (11, 11), 11 pixels right of it
        byte[] out = MatImages.toChw(MatImages.toMat(zoom.transform(
                MatImages.toWritable(MatImages.toMat(image, 1, 23, 23), converter), fixed(0.75)), converter));
        assertEquals(11 * 23 + 21, brightest(out));   // 11 / 1.1 = 10 pixels right of the centre
    }

    @Test
    void padCropWithoutRandomnessIsTheIdentityAndShiftsWithin() {
        byte[] image = dot(8, 3, 3);
        var converter = new org.bytedeco.javacv.OpenCVFrameConverter.ToMat();
        PadCropTransform crop = new PadCropTransform(null, 8, 4);
        byte[] same = MatImages.toChw(MatImages.toMat(crop.transform(MatImages.toWritable(MatImages.toMat(image, 1, 8, 8), converter)), converter));
        assertArrayEquals(image, same);
        Random random = new Random(5);
        for (int i = 0; i < 20; i++) {
            byte[] out = MatImages.toChw(MatImages.toMat(crop.transform(
                    MatImages.toWritable(MatImages.toMat(image, 1, 8, 8), converter), random), converter));
            int b = brightest(out);
            if ((out[b] & 0xFF) == 255) {
                assertEquals(0, Math.max(Math.abs(b / 8 - 3), Math.abs(b % 8 - 3)) / 5, "moved at most 4 pixels");
            }
        }
    }

    @Test
    void rgbImagesKeepTheirChannels() {
        byte[] rgb = new byte[3 * 4 * 4];
        rgb[0] = 10;                 // R at (0, 0)
        rgb[16 + 5] = 20;            // G at (1, 1)
        rgb[32 + 15] = 30;           // B at (3, 3)
        assertArrayEquals(rgb, MatImages.toChw(MatImages.toMat(rgb, 3, 4, 4)));
        byte[] flipped = single(new Augmentation.Step("flip", new FlipImageTransform(1), 1, false)).apply(rgb, 3, 4, 4);
        assertEquals(10, flipped[3]);
        assertEquals(20, flipped[16 + 4 + 2]);
        assertEquals(30, flipped[32 + 12]);
    }

    @Test
    void sameSeedSameAugmentationsDifferentSeedDifferent() {
        byte[] digit = new byte[28 * 28];
        for (int y = 6; y < 22; y++) {
            for (int x = 12; x < 16; x++) {
                digit[y * 28 + x] = (byte) 200;
            }
        }
        List<byte[]> a = new ArrayList<>();
        List<byte[]> b = new ArrayList<>();
        List<byte[]> c = new ArrayList<>();
        Augmentation first = Augmentations.kerasMnist(7);
        Augmentation second = Augmentations.kerasMnist(7);
        Augmentation other = Augmentations.kerasMnist(8);
        for (int i = 0; i < 5; i++) {
            a.add(first.apply(digit, 1, 28, 28));
            b.add(second.apply(digit, 1, 28, 28));
            c.add(other.apply(digit, 1, 28, 28));
        }
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(a.get(i), b.get(i));
            assertFalse(Arrays.equals(a.get(i), c.get(i)));
            assertFalse(Arrays.equals(digit, a.get(i)), "an augmentation changes the image");
        }
    }

    @Test
    void everyPipelineKeepsTheShape() {
        byte[] rgb = new byte[3 * 32 * 32];
        new Random(1).nextBytes(rgb);
        assertEquals(rgb.length, Augmentations.cifarCropFlip(1).apply(rgb, 3, 32, 32).length);
        assertEquals(rgb.length, Augmentations.seed001(1).apply(rgb, 3, 32, 32).length);
        assertThrows(IllegalArgumentException.class, () -> new Augmentation.Step("x", new FlipImageTransform(1), 0, false));
    }

    /** 12 grey 28x28 images of a vertical bar, labels 0..3. */
    private static ImageDataset bars() {
        byte[] pixels = new byte[12 * 28 * 28];
        int[] labels = new int[12];
        for (int i = 0; i < 12; i++) {
            for (int y = 4; y < 24; y++) {
                pixels[i * 784 + y * 28 + 10 + i] = (byte) 255;
            }
            labels[i] = i % 4;
        }
        return new ImageDataset("bars", pixels, labels, 1, 28, 28, List.of("a", "b", "c", "d"));
    }

    @Test
    void onlyTheAugmentedIteratorChangesImages() {
        ImageDataset data = bars();
        DataSet plain = data.batches(12, false, 1).next();
        DataSet again = data.batches(12, false, 1).next();
        DataSet augmented = data.batches(12, false, 1, Augmentations.kerasMnist(3)).next();
        assertEquals(plain.getFeatures(), again.getFeatures());
        assertEquals(plain.getLabels(), augmented.getLabels());
        assertFalse(plain.getFeatures().equals(augmented.getFeatures()));
        assertEquals(data.pixel(0, 0, 4, 10) / 255f, plain.getFeatures().getFloat(0, 0, 4, 10), 1e-7);
    }

    @Test
    void prefetchingGivesTheSameBatchesInTheSameOrder() {
        ImageDataset data = bars();
        ImageBatchIterator direct = data.batches(5, true, 9, Augmentations.kerasMnist(4));
        Batches prefetched = data.batches(5, true, 9, Augmentations.kerasMnist(4)).prefetch(2);
        assertEquals(direct.batchesPerEpoch(), prefetched.batchesPerEpoch());
        for (int epoch = 0; epoch < 2; epoch++) {
            while (direct.hasNext()) {
                DataSet a = direct.next();
                DataSet b = prefetched.next();
                assertEquals(a.getFeatures(), b.getFeatures());
                assertEquals(a.getLabels(), b.getLabels());
            }
            assertFalse(prefetched.hasNext());
            direct.reset();
            prefetched.reset();
        }
    }

    @Test
    void channelNormalizationUsesThePublishedStatistics() {
        INDArray x = Nd4j.ones(1, 3, 2, 2).muli(0.5);
        DataSet batch = new DataSet(x, Nd4j.zeros(1, 2));
        Augmentations.CIFAR_NORMALIZATION.preProcess(batch);
        assertEquals((0.5 - 0.4914) / 0.2470, batch.getFeatures().getDouble(0, 0, 1, 1), 1e-6);
        assertEquals((0.5 - 0.4465) / 0.2616, batch.getFeatures().getDouble(0, 2, 0, 0), 1e-6);
        assertThrows(IllegalArgumentException.class,
                () -> Augmentations.CIFAR_NORMALIZATION.preProcess(new DataSet(Nd4j.ones(1, 1, 2, 2), Nd4j.zeros(1, 2))));
    }
}
