package cnnlabs.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxFormatTest {

    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    private static final int COUNT = 25;
    private static final int ROWS = 6;
    private static final int COLS = 5;

    @TempDir
    Path dir;

    private IdxFormat.Pair pair(Checksum images, Checksum labels) {
        return new IdxFormat.Pair("imgs", "lbls", COUNT, ROWS, COLS, images, labels);
    }

    private void writeValid(boolean gzip) throws Exception {
        byte[] images = TestFiles.idxImages(COUNT, ROWS, COLS);
        byte[] labels = TestFiles.idxLabels(TestFiles.cyclicLabels(COUNT));
        TestFiles.write(dir.resolve(gzip ? "imgs.gz" : "imgs"), gzip ? TestFiles.gzip(images) : images);
        TestFiles.write(dir.resolve(gzip ? "lbls.gz" : "lbls"), gzip ? TestFiles.gzip(labels) : labels);
    }

    private DataException readFails(IdxFormat.Pair pair) {
        return assertThrows(DataException.class, () -> IdxFormat.read("Test", dir, pair, DIGITS));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsPlainAndGzippedFilesWithTheirChecksums(boolean gzip) throws Exception {
        writeValid(gzip);
        IdxFormat.Pair pair = pair(TestFiles.sha256(TestFiles.idxImages(COUNT, ROWS, COLS)),
                TestFiles.sha256(TestFiles.idxLabels(TestFiles.cyclicLabels(COUNT))));

        ImageDataset data = IdxFormat.read("Test", dir, pair, DIGITS);

        assertEquals(COUNT, data.size());
        assertEquals(1, data.channels());
        assertEquals(ROWS, data.height());
        assertEquals(COLS, data.width());
        for (int i = 0; i < COUNT; i++) {
            assertEquals(i % 10, data.label(i));
            for (int y = 0; y < ROWS; y++) {
                for (int x = 0; x < COLS; x++) {
                    assertEquals(TestFiles.pixel(i, y, x), data.pixel(i, 0, y, x));
                }
            }
        }
    }

    @Test
    void missingFileIsNamed() {
        DataException e = readFails(pair(null, null));
        assertTrue(e.getMessage().contains(dir.resolve("imgs").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void truncatedImagesFileSaysHowMuchIsThere() throws Exception {
        writeValid(false);
        byte[] images = TestFiles.idxImages(COUNT, ROWS, COLS);
        Files.write(dir.resolve("imgs"), Arrays.copyOf(images, images.length - 7));

        DataException e = readFails(pair(null, null));

        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("ends after " + (images.length - 16 - 7)), e.getMessage());
        assertTrue(e.getMessage().contains("Delete it"), e.getMessage());
    }

    @Test
    void truncatedGzipIsDetected() throws Exception {
        writeValid(true);
        byte[] gz = Files.readAllBytes(dir.resolve("imgs.gz"));
        Files.write(dir.resolve("imgs.gz"), Arrays.copyOf(gz, gz.length / 2));

        DataException e = readFails(pair(null, null));

        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("imgs.gz"), e.getMessage());
    }

    @Test
    void corruptGzipIsDetected() throws Exception {
        writeValid(true);
        byte[] gz = Files.readAllBytes(dir.resolve("lbls.gz"));
        for (int i = 12; i < gz.length - 8; i++) {
            gz[i] = (byte) 0xFF;
        }
        Files.write(dir.resolve("lbls.gz"), gz);

        DataException e = readFails(pair(null, null));

        assertTrue(e.getMessage().contains("lbls.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("not a valid gzip file") || e.getMessage().contains("truncated"),
                e.getMessage());
    }

    @Test
    void labelsFileInPlaceOfImagesIsRecognised() throws Exception {
        writeValid(false);
        Files.copy(dir.resolve("lbls"), dir.resolve("imgs"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        DataException e = readFails(pair(null, null));

        assertTrue(e.getMessage().contains("magic number is 0x00000801"), e.getMessage());
        assertTrue(e.getMessage().contains("that is an IDX label file"), e.getMessage());
    }

    @Test
    void wrongDimensionsAreReported() throws Exception {
        writeValid(false);
        Files.write(dir.resolve("imgs"), TestFiles.idxImages(COUNT, ROWS + 1, COLS));

        DataException e = readFails(pair(null, null));

        assertTrue(e.getMessage().contains("holds 7x5 images, expected 6x5"), e.getMessage());
    }

    @Test
    void wrongRecordCountIsReported() throws Exception {
        writeValid(false);
        Files.write(dir.resolve("lbls"), TestFiles.idxLabels(TestFiles.cyclicLabels(COUNT - 1)));

        DataException e = readFails(pair(null, null));

        assertTrue(e.getMessage().contains("holds 24 labels, expected 25"), e.getMessage());
    }

    @Test
    void trailingBytesAreReported() throws Exception {
        writeValid(false);
        byte[] labels = TestFiles.idxLabels(TestFiles.cyclicLabels(COUNT));
        Files.write(dir.resolve("lbls"), Arrays.copyOf(labels, labels.length + 3));

        DataException e = readFails(pair(null, null));

        assertTrue(e.getMessage().contains("unexpected data after its last record"), e.getMessage());
    }

    @Test
    void labelOutOfRangeIsReported() throws Exception {
        writeValid(false);
        int[] labels = TestFiles.cyclicLabels(COUNT);
        labels[13] = 12;
        Files.write(dir.resolve("lbls"), TestFiles.idxLabels(labels));

        DataException e = readFails(pair(null, null));

        assertTrue(e.getMessage().contains("label 12 at index 13"), e.getMessage());
    }

    @Test
    void checksumMismatchOfAStructurallyValidFileIsReported() throws Exception {
        byte[] official = TestFiles.idxImages(COUNT, ROWS, COLS);
        writeValid(false);
        byte[] altered = official.clone();
        altered[100] ^= 1;
        Files.write(dir.resolve("imgs"), altered);

        DataException e = readFails(pair(TestFiles.sha256(official), null));

        assertTrue(e.getMessage().contains("does not match the official file"), e.getMessage());
        assertTrue(e.getMessage().contains(TestFiles.sha256(official).hex()), e.getMessage());
    }
}
