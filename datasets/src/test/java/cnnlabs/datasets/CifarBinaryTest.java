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

class CifarBinaryTest {

    @TempDir
    Path dir;

    private List<CifarBinary.BatchFile> twoBatches(Checksum first) {
        return List.of(new CifarBinary.BatchFile("b1.bin", 4, first), new CifarBinary.BatchFile("b2.bin", 3, null));
    }

    private void writeBatches() throws Exception {
        TestFiles.write(dir.resolve("b1.bin"), TestFiles.cifarBatch(4, 0));
        TestFiles.write(dir.resolve("b2.bin"), TestFiles.cifarBatch(3, 5));
    }

    @Test
    void readsRecordsChannelsFirstInFileOrder() throws Exception {
        writeBatches();

        ImageDataset data = CifarBinary.read("Test", dir, twoBatches(TestFiles.md5(TestFiles.cifarBatch(4, 0))),
                Cifar10.CLASSES);

        assertEquals(7, data.size());
        assertEquals(3, data.channels());
        assertEquals(32, data.height());
        assertEquals(List.of(0, 1, 2, 3, 5, 6, 7), java.util.stream.IntStream.range(0, 7).map(data::label).boxed().toList());
        // record 2 of the first file: pixel p = (2*31 + p) % 256; green plane starts at p = 1024
        assertEquals((2 * 31 + 1024 + 32 * 4 + 9) % 256, data.pixel(2, 1, 4, 9));
        // record 0 of the second file (index 4 overall)
        assertEquals((2048 + 31) % 256, data.pixel(4, 2, 0, 31));
    }

    @Test
    void truncatedFileIsReportedWithSizes() throws Exception {
        writeBatches();
        byte[] b2 = TestFiles.cifarBatch(3, 5);
        Files.write(dir.resolve("b2.bin"), Arrays.copyOf(b2, b2.length - 100));

        DataException e = assertThrows(DataException.class,
                () -> CifarBinary.read("Test", dir, twoBatches(null), Cifar10.CLASSES));

        assertTrue(e.getMessage().contains("b2.bin is truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("3 records of 3073 bytes"), e.getMessage());
    }

    @Test
    void labelOutOfRangeIsReported() throws Exception {
        writeBatches();
        byte[] b1 = TestFiles.cifarBatch(4, 0);
        b1[CifarBinary.RECORD_BYTES * 3] = 10;
        Files.write(dir.resolve("b1.bin"), b1);

        DataException e = assertThrows(DataException.class,
                () -> CifarBinary.read("Test", dir, twoBatches(null), Cifar10.CLASSES));

        assertTrue(e.getMessage().contains("label 10 in record 3"), e.getMessage());
    }

    @Test
    void extraRecordsAreReported() throws Exception {
        writeBatches();
        Files.write(dir.resolve("b2.bin"), TestFiles.cifarBatch(4, 5));

        DataException e = assertThrows(DataException.class,
                () -> CifarBinary.read("Test", dir, twoBatches(null), Cifar10.CLASSES));

        assertTrue(e.getMessage().contains("unexpected data after its last record"), e.getMessage());
    }

    @Test
    void checksumMismatchIsReported() throws Exception {
        writeBatches();
        byte[] b1 = TestFiles.cifarBatch(4, 0);
        Checksum official = TestFiles.md5(b1);
        b1[500] ^= 0x10;
        Files.write(dir.resolve("b1.bin"), b1);

        DataException e = assertThrows(DataException.class,
                () -> CifarBinary.read("Test", dir, twoBatches(official), Cifar10.CLASSES));

        assertTrue(e.getMessage().contains("b1.bin does not match the official file"), e.getMessage());
    }

    @Test
    void userDirectoryLackingBatchesNamesThem() throws Exception {
        TestFiles.write(dir.resolve("cifar-10-batches-bin/data_batch_1.bin"), new byte[0]);

        DataException e = assertThrows(DataException.class, () -> Cifar10.fromUserDirectory(dir));

        assertTrue(e.getMessage().contains(dir.resolve("cifar-10-batches-bin").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("test_batch.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("-Ddata.cifar10"), e.getMessage());
    }

    @Test
    void userDirectoryThatDoesNotExistIsReported() {
        DataException e = assertThrows(DataException.class, () -> Cifar10.fromUserDirectory(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
    }

    @Test
    void findLocalNeverDownloadsAndNeedsEveryFile() throws Exception {
        DataLocations data = new DataLocations(dir, null);
        assertTrue(Cifar10.findLocal(data).isEmpty());
        Path cache = dir.resolve("cifar-10").resolve(Cifar10.ARCHIVE_DIR);
        for (CifarBinary.BatchFile f : Cifar10.TRAIN_FILES) {
            TestFiles.write(cache.resolve(f.name()), new byte[0]);
        }
        assertTrue(Cifar10.findLocal(data).isEmpty(), "the test batch is still missing");
        TestFiles.write(cache.resolve(Cifar10.TEST_FILES.get(0).name()), new byte[0]);
        assertEquals(cache, Cifar10.findLocal(data).orElseThrow().directory());
        Path own = dir.resolve("own");
        CifarFixture.write(own, 3, 4, 7);
        assertEquals(own, Cifar10.findLocal(data.withCifar10(own)).orElseThrow().directory(), "the user's folder first");
    }

    @Test
    void aFixtureFolderIsReadWithItsOwnCountsAndSaysItIsSynthetic() {
        CifarFixture.write(dir, 3, 4, 7);

        Cifar10 fixture = Cifar10.fromUserDirectory(dir);
        ImageDataset train = fixture.loadTrain();
        ImageDataset test = fixture.loadTest();

        assertTrue(fixture.synthetic());
        assertEquals(15, train.size());
        assertEquals(4, test.size());
        assertTrue(train.name().startsWith("SYNTHETIC FIXTURE"), train.name());
        assertTrue(test.name().contains("not CIFAR-10"), test.name());
    }

    @Test
    void theRealLayoutIsNotSynthetic() throws Exception {
        for (CifarBinary.BatchFile f : Cifar10.TRAIN_FILES) {
            TestFiles.write(dir.resolve(f.name()), new byte[0]);
        }
        TestFiles.write(dir.resolve(Cifar10.TEST_FILES.get(0).name()), new byte[0]);

        Cifar10 real = Cifar10.fromUserDirectory(dir);

        assertTrue(!real.synthetic());
        assertEquals("CIFAR-10", real.name());
    }
}
