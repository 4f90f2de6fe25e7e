package cnnlabs.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CIFAR-10 from its binary version: five training batches and one test batch of 10,000 32x32 colour
 * images each. Fetched on first use from the dataset authors' archive into the cache directory, or read
 * from a directory the user names with {@code -Ddata.cifar10=DIR} (holding the {@code .bin} files, or
 * the archive's {@code cifar-10-batches-bin} folder).
 */
public final class Cifar10 {

    public static final String PROPERTY = "data.cifar10";
    public static final String URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
    public static final Checksum ARCHIVE_CHECKSUM = Checksum.md5("c32a1d4ab5d03f1284b67883e8d87530");
    public static final String ARCHIVE_DIR = "cifar-10-batches-bin";
    public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    /** The official batch files with their MD5 checksums. */
    public static final List<CifarBinary.BatchFile> TRAIN_FILES = List.of(
            new CifarBinary.BatchFile("data_batch_1.bin", 10_000, Checksum.md5("5dd7e06a14cb22eb9f671a540d1b7c25")),
            new CifarBinary.BatchFile("data_batch_2.bin", 10_000, Checksum.md5("5ea93a67294ea407fff1d09f752e9692")),
            new CifarBinary.BatchFile("data_batch_3.bin", 10_000, Checksum.md5("942cd6a4bcdd0dd3c604fbe906cb4421")),
            new CifarBinary.BatchFile("data_batch_4.bin", 10_000, Checksum.md5("ae636b3ba5c66a11e91e8cb52e771fcb")),
            new CifarBinary.BatchFile("data_batch_5.bin", 10_000, Checksum.md5("53f37980c15c3d472c316c40844f3f0d")));
    public static final List<CifarBinary.BatchFile> TEST_FILES = List.of(
            new CifarBinary.BatchFile("test_batch.bin", 10_000, Checksum.md5("803d5f7f4d78ea53de84dbe85f74fb6d")));

    private final Path dir;
    private final List<CifarBinary.BatchFile> trainFiles;
    private final List<CifarBinary.BatchFile> testFiles;
    private final boolean synthetic;

    /** CIFAR-10 laid out as {@code trainFiles} and {@code testFiles} in {@code dir}. */
    public Cifar10(Path dir, List<CifarBinary.BatchFile> trainFiles, List<CifarBinary.BatchFile> testFiles) {
        this(dir, trainFiles, testFiles, false);
    }

    private Cifar10(Path dir, List<CifarBinary.BatchFile> trainFiles, List<CifarBinary.BatchFile> testFiles,
                    boolean synthetic) {
        this.dir = dir;
        this.trainFiles = List.copyOf(trainFiles);
        this.testFiles = List.copyOf(testFiles);
        this.synthetic = synthetic;
    }

    /**
     * The official CIFAR-10: from the user's folder ({@code -Ddata.cifar10}) when {@code data} has one (never written
     * to), else from {@code cache/cifar-10/cifar-10-batches-bin}, downloading the archive on first use.
     */
    public static Cifar10 locate(DataLocations data) {
        if (data.cifar10() != null) {
            return fromUserDirectory(data.cifar10());
        }
        Path dir = data.cache().resolve("cifar-10").resolve(ARCHIVE_DIR);
        Fetching.ensure("CIFAR-10", dir, fileNames(), List.of(new TarGzArchiveSource(URL, ARCHIVE_CHECKSUM, ARCHIVE_DIR)));
        return new Cifar10(dir, TRAIN_FILES, TEST_FILES);
    }

    /**
     * CIFAR-10 if it is already on this machine (the user's folder, or every file in the cache), without
     * downloading: for uses that have an honest fallback when it is absent.
     */
    public static java.util.Optional<Cifar10> findLocal(DataLocations data) {
        if (data.cifar10() != null) {
            return java.util.Optional.of(fromUserDirectory(data.cifar10()));
        }
        Path dir = data.cache().resolve("cifar-10").resolve(ARCHIVE_DIR);
        boolean complete = fileNames().stream().allMatch(name -> Files.isRegularFile(dir.resolve(name)));
        return complete ? java.util.Optional.of(new Cifar10(dir, TRAIN_FILES, TEST_FILES)) : java.util.Optional.empty();
    }

    /** The user's own CIFAR-10 folder, checked: a missing or incomplete one is a {@link DataException} naming it. */
    public static Cifar10 fromUserDirectory(Path userDir) {
        Path dir = Files.isDirectory(userDir.resolve(ARCHIVE_DIR)) ? userDir.resolve(ARCHIVE_DIR) : userDir;
        if (!Files.isDirectory(dir)) {
            throw new DataException("-D" + PROPERTY + "=" + userDir + " is not a directory. Point it at the folder "
                    + "holding CIFAR-10's binary batches (data_batch_1.bin ... test_batch.bin), or leave it unset to "
                    + "download them from " + URL + ".");
        }
        List<String> missing = new ArrayList<>();
        for (String name : fileNames()) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new DataException("The CIFAR-10 directory " + dir + " (from -D" + PROPERTY + ") lacks " + missing
                    + ". Extract the binary version (" + URL + ") there, or leave -D" + PROPERTY
                    + " unset to download it into the data directory.");
        }
        int[] fixture = CifarFixture.recordCounts(dir);
        if (fixture != null) {
            return new Cifar10(dir, TRAIN_FILES.stream().map(f -> new CifarBinary.BatchFile(f.name(), fixture[0], null)).toList(),
                    List.of(new CifarBinary.BatchFile(TEST_FILES.get(0).name(), fixture[1], null)), true);
        }
        return new Cifar10(dir, TRAIN_FILES, TEST_FILES);
    }

    private static List<String> fileNames() {
        return Stream.concat(TRAIN_FILES.stream(), TEST_FILES.stream()).map(CifarBinary.BatchFile::name).toList();
    }

    public Path directory() {
        return dir;
    }

    /**
     * Whether this is a declared synthetic fixture ({@link CifarFixture}) rather than CIFAR-10: results made from it must
     * say so.
     */
    public boolean synthetic() {
        return synthetic;
    }

    /** "CIFAR-10", or the fixture's name. */
    public String name() {
        return synthetic ? CifarFixture.NAME : "CIFAR-10";
    }

    public ImageDataset loadTrain() {
        return CifarBinary.read(name() + " train", dir, trainFiles, CLASSES);
    }

    public ImageDataset loadTest() {
        return CifarBinary.read(name() + " test", dir, testFiles, CLASSES);
    }
}
