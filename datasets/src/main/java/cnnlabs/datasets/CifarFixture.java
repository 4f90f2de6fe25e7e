package cnnlabs.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Random;

/**
 * A small, generated folder in CIFAR-10's binary format, for smoke runs and tests on machines without CIFAR-10. It
 * holds the six official file names with a few records each, and a marker file, {@value #MARKER}, that declares it
 * synthetic: {@link Cifar10} reads such a folder (given as {@code -Ddata.cifar10=DIR}) with its own record counts,
 * names the dataset {@value #NAME}, and {@link Cifar10#synthetic()} is true, so that every result made from it says
 * so. Never CIFAR-10: each image is a class-coloured stripe pattern at a class-dependent angle, plus noise.
 */
public final class CifarFixture {

    /** The marker file that makes a CIFAR-format folder a declared synthetic fixture. */
    public static final String MARKER = "cnnlabs-synthetic-fixture.properties";
    /** The name datasets read from a fixture carry. */
    public static final String NAME = "SYNTHETIC FIXTURE in CIFAR-10 format (not CIFAR-10)";

    private CifarFixture() {
    }

    /**
     * Writes a fixture with {@code trainPerFile} records in each of the five training files and {@code test} in the test
     * file into {@code dir}, labels cycling through the ten classes.
     */
    public static Path write(Path dir, int trainPerFile, int test, long seed) {
        if (trainPerFile < 1 || test < 1) {
            throw new IllegalArgumentException("a fixture needs at least one record per file");
        }
        Random random = new Random(seed);
        try {
            Files.createDirectories(dir);
            for (CifarBinary.BatchFile f : Cifar10.TRAIN_FILES) {
                writeFile(dir.resolve(f.name()), trainPerFile, random);
            }
            writeFile(dir.resolve(Cifar10.TEST_FILES.get(0).name()), test, random);
            Properties p = new Properties();
            p.setProperty("records.per.train.file", String.valueOf(trainPerFile));
            p.setProperty("records.test", String.valueOf(test));
            try (OutputStream out = Files.newOutputStream(dir.resolve(MARKER))) {
                p.store(out, "cnnlabs synthetic fixture in CIFAR-10's binary format: generated images, NOT CIFAR-10");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static void writeFile(Path file, int records, Random random) throws IOException {
        byte[] bytes = new byte[records * CifarBinary.RECORD_BYTES];
        for (int r = 0; r < records; r++) {
            int label = random.nextInt(10);
            int at = r * CifarBinary.RECORD_BYTES;
            bytes[at] = (byte) label;
            double angle = Math.PI * label / 10;
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            for (int c = 0; c < CifarBinary.CHANNELS; c++) {
                double base = 60 + 140 * ((label * (c + 3)) % 7) / 6.0;
                for (int y = 0; y < CifarBinary.SIDE; y++) {
                    for (int x = 0; x < CifarBinary.SIDE; x++) {
                        double stripe = Math.sin((x * cos + y * sin) * 0.8) * 50;
                        double v = base + stripe + random.nextGaussian() * 20;
                        bytes[at + 1 + c * 1024 + y * 32 + x] = (byte) Math.max(0, Math.min(255, (int) v));
                    }
                }
            }
        }
        Files.write(file, bytes);
    }

    /** The fixture's record counts when {@code dir} holds the marker: {train per file, test}; else null. */
    static int[] recordCounts(Path dir) {
        Path marker = dir.resolve(MARKER);
        if (!Files.isRegularFile(marker)) {
            return null;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(marker)) {
            p.load(in);
            return new int[] {Integer.parseInt(p.getProperty("records.per.train.file", "").strip()),
                    Integer.parseInt(p.getProperty("records.test", "").strip())};
        } catch (IOException | NumberFormatException e) {
            throw new DataException(marker + " is not a readable cnnlabs fixture marker (" + e.getMessage()
                    + "). Delete the folder and let the test write it again, or point -D" + Cifar10.PROPERTY
                    + " at the real CIFAR-10.");
        }
    }
}
