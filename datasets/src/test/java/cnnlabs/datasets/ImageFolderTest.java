package cnnlabs.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders of small SYNTHETIC PNGs the tests write: flat colours of known value, several sizes, grey and RGB. */
class ImageFolderTest {

    @TempDir
    Path tmp;

    /** A flat image of {@code colour}, {@code width} x {@code height}, grey or RGB. */
    private static Path png(Path file, int width, int height, Color colour, boolean grey) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(width, height, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, width, height);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** Classes "bright" (grey 220, 3 images), "dark" (grey 30, 2) and "red" (RGB 255,0,0, 2), of assorted sizes. */
    private Path flatColours() throws IOException {
        Path root = tmp.resolve("flat");
        png(root.resolve("dark/a.png"), 10, 12, new Color(30, 30, 30), true);
        png(root.resolve("dark/b.PNG"), 40, 31, new Color(30, 30, 30), false);
        png(root.resolve("bright/a.png"), 28, 28, new Color(220, 220, 220), true);
        png(root.resolve("bright/b.png"), 5, 64, new Color(220, 220, 220), false);
        png(root.resolve("bright/c.png"), 33, 17, new Color(220, 220, 220), true);
        png(root.resolve("red/a.png"), 32, 32, Color.RED, false);
        png(root.resolve("red/b.png"), 9, 50, Color.RED, false);
        Files.writeString(root.resolve("red/notes.txt"), "not an image");
        Files.writeString(root.resolve("README"), "not an image either");
        Files.createDirectories(root.resolve(".cache"));
        Files.writeString(root.resolve("dark/.DS_Store"), "hidden");
        return root;
    }

    private static int[] labelCounts(ImageDataset d) {
        return d.classCounts();
    }

    @Test
    void loadsEveryImageAsGreyAtTheAskedSizeLabelledByItsFolder() throws IOException {
        ImageFolder folder = ImageFolder.open(flatColours()).verify();
        assertEquals(List.of("bright", "dark", "red"), folder.classes());
        assertEquals(7, folder.size());

        ImageDataset grey = folder.load(1, 28, 28, 42);
        assertEquals(7, grey.size());
        assertEquals(1, grey.channels());
        assertEquals(28, grey.height());
        assertEquals(28, grey.width());
        assertArrayEquals(new int[] {3, 2, 2}, labelCounts(grey));
        int redAsGrey = (int) Math.round(0.299 * 255); // OpenCV's luma of pure red: 76
        for (int i = 0; i < grey.size(); i++) {
            int expected = switch (grey.classNames().get(grey.label(i))) {
                case "bright" -> 220;
                case "dark" -> 30;
                default -> redAsGrey;
            };
            for (int y : new int[] {0, 13, 27}) {
                assertEquals(expected, grey.pixel(i, 0, y, y), 1.0, "image " + i + " of " + grey.classNames().get(grey.label(i)));
            }
        }
    }

    @Test
    void colourComesOutInRgbOrderAndGreyInThreeEqualChannels() throws IOException {
        ImageDataset rgb = ImageFolder.open(flatColours()).load(3, 32, 32, 1);
        assertEquals(3, rgb.channels());
        for (int i = 0; i < rgb.size(); i++) {
            String label = rgb.classNames().get(rgb.label(i));
            int image = i;
            int[] channels = IntStream.range(0, 3).map(c -> rgb.pixel(image, c, 5, 7)).toArray();
            int[] expected = switch (label) {
                case "red" -> new int[] {255, 0, 0};
                case "dark" -> new int[] {30, 30, 30};
                default -> new int[] {220, 220, 220};
            };
            assertArrayEquals(expected, channels, label);
        }
    }

    @Test
    void theOrderIsShuffledBySeedAlikeOnEveryLoad() throws IOException {
        ImageFolder folder = ImageFolder.open(SyntheticImageFolder.write(tmp.resolve("synthetic"), 12, 3));
        int[] first = labels(folder.load(1, 28, 28, 42));
        assertArrayEquals(first, labels(folder.load(1, 28, 28, 42)));
        assertNotEquals(Arrays.toString(first), Arrays.toString(labels(folder.load(1, 28, 28, 43))));
        int[] sorted = first.clone();
        Arrays.sort(sorted);
        assertNotEquals(Arrays.toString(sorted), Arrays.toString(first), "shuffled, not in folder order");
        ImageDataset.Split split = folder.load(1, 28, 28, 42).splitValidation(0.25);
        assertEquals(27, split.train().size());
        assertEquals(9, split.validation().size());
    }

    private static int[] labels(ImageDataset d) {
        return IntStream.range(0, d.size()).map(d::label).toArray();
    }

    @Test
    void syntheticFolderSaysSoAndHasItsThreeClasses() {
        Path dir = SyntheticImageFolder.write(tmp.resolve("synthetic"), 2, 1);
        assertTrue(Files.isRegularFile(dir.resolve(SyntheticImageFolder.MARKER)));
        ImageFolder folder = ImageFolder.open(dir).verify();
        assertEquals(SyntheticImageFolder.CLASSES, folder.classes());
        assertEquals(6, folder.size());
    }

    private static String error(Path root) {
        return assertThrows(DataException.class, () -> ImageFolder.open(root).verify()).getMessage();
    }

    @Test
    void aMissingFolderOrAFileIsNamedWithTheLayoutExpected() throws IOException {
        Path missing = tmp.resolve("no-such-folder");
        String m = error(missing);
        assertTrue(m.contains(missing + " does not exist") && m.contains("one sub-folder per class")
                && m.contains("-Ddata.images"), m);
        Path file = Files.writeString(tmp.resolve("file.png"), "x");
        m = error(file);
        assertTrue(m.contains(file + " is a file, not a folder"), m);
    }

    @Test
    void imagesWithoutClassFoldersOrOneClassAreRefused() throws IOException {
        Path loose = tmp.resolve("loose");
        png(loose.resolve("a.png"), 8, 8, Color.WHITE, true);
        png(loose.resolve("b.png"), 8, 8, Color.WHITE, true);
        String m = error(loose);
        assertTrue(m.contains(loose + " has no class sub-folders (its 2 images lie in it directly)")
                && m.contains("Move each image into the folder of its class"), m);

        Path one = tmp.resolve("one");
        png(one.resolve("cat/a.png"), 8, 8, Color.WHITE, true);
        m = error(one);
        assertTrue(m.contains(one + " has one class sub-folder (cat)") && m.contains("at least two classes")
                && m.contains("Add a sub-folder for every other class"), m);
    }

    @Test
    void anEmptyClassFolderIsNamed() throws IOException {
        Path root = tmp.resolve("empty-class");
        png(root.resolve("cat/a.png"), 8, 8, Color.WHITE, true);
        Files.createDirectories(root.resolve("dog"));
        Files.writeString(root.resolve("dog/list.txt"), "no images here");
        String m = error(root);
        assertTrue(m.contains("The class folder " + root.resolve("dog") + " holds no images") && m.contains("png")
                && m.contains("Put that class's images there, or remove the folder"), m);
    }

    @Test
    void aFolderInsideAClassFolderIsRefusedRatherThanMislabelled() throws IOException {
        Path root = tmp.resolve("nested");
        png(root.resolve("cat/a.png"), 8, 8, Color.WHITE, true);
        png(root.resolve("dog/puppies/b.png"), 8, 8, Color.WHITE, true);
        String m = error(root);
        assertTrue(m.contains(root.resolve("dog") + " holds a folder, puppies"), m);
    }

    @Test
    void everyUnreadableImageIsNamed() throws IOException {
        Path root = tmp.resolve("broken");
        png(root.resolve("cat/good.png"), 8, 8, Color.WHITE, true);
        Path good = png(root.resolve("dog/good.png"), 20, 20, Color.WHITE, false);
        Files.writeString(root.resolve("dog/garbage.png"), "this is not a PNG");
        byte[] whole = Files.readAllBytes(good);
        Files.write(root.resolve("dog/truncated.jpg"), Arrays.copyOf(whole, 12));
        ImageFolder folder = ImageFolder.open(root); // the layout is fine
        String m = assertThrows(DataException.class, folder::verify).getMessage();
        assertTrue(m.startsWith("2 files in the image folder " + root + " cannot be read as images"), m);
        assertTrue(m.contains(root.resolve("dog/garbage.png").toString()) && m.contains(root.resolve("dog/truncated.jpg")
                .toString()) && m.contains("Replace each with a valid image, or delete it"), m);
    }

    @Test
    void aSixteenBitImageIsRefusedRatherThanReadAsWhite() throws IOException {
        Path root = tmp.resolve("deep");
        png(root.resolve("cat/good.png"), 8, 8, Color.WHITE, true);
        png(root.resolve("dog/good.png"), 8, 8, Color.BLACK, true);
        BufferedImage deep = new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setSample(0, 0, 0, 30_000);
        Path file = root.resolve("dog/deep.png");
        ImageIO.write(deep, "png", file.toFile());
        String m = assertThrows(DataException.class, () -> ImageFolder.open(root).verify()).getMessage();
        assertTrue(m.startsWith("1 file in the image folder " + root + " cannot be read as images"), m);
        assertTrue(m.contains(file + " (a 16-bit image; images are read as 8 bits per channel"), m);
    }

    @Test
    void convertedToGreyUsesLumaAndResizes() {
        byte[] red = new byte[2 * 3 * 4 * 4];
        Arrays.fill(red, 0, 16, (byte) 255); // image 0: R plane 255
        Arrays.fill(red, 48, 96, (byte) 100); // image 1: every channel 100
        ImageDataset rgb = new ImageDataset("two", red, new int[] {0, 1}, 3, 4, 4, List.of("a", "b"));
        ImageDataset grey = rgb.convertedTo(1, 7, 7);
        assertEquals("two (as grey 7x7)", grey.name());
        assertEquals(76, grey.pixel(0, 0, 3, 3));
        assertEquals(100, grey.pixel(1, 0, 6, 6));
        assertArrayEquals(new int[] {0, 1}, labels(grey));
        ImageDataset back = grey.convertedTo(3, 4, 4);
        assertEquals(100, back.pixel(1, 2, 0, 0));
        assertSame(rgb, rgb.convertedTo(3, 4, 4));
    }
}
