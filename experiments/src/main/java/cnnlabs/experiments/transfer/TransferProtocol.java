package cnnlabs.experiments.transfer;

import cnnlabs.datasets.Cifar10;
import cnnlabs.datasets.Datasets;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.run.ExperimentContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * A transfer-learning protocol of {@link TransferCurves}: where the source model learns, and the target task it is
 * moved to. The offline ones use only data this project can fetch; {@link #IMAGENET} is the lab's own (Keras'
 * ImageNet weights, CIFAR-10 where it is on the machine).
 */
enum TransferProtocol {

    /** MNIST digits 0-4 as the source, digits 5-9 as the target: the same kind of images, new classes. */
    DIGITS("digits", "MNIST digits 0-4", "MNIST digits 5-9", 29_404),
    /** Fashion-MNIST as the source, MNIST digits as the target: other images, other classes. */
    FASHION("fashion", "Fashion-MNIST", "MNIST digits", 60_000),
    /** Keras' ImageNet weights as the source, CIFAR-10 (or, without it, MNIST digits) as the target: the lab's. */
    IMAGENET("imagenet", "ImageNet (Keras' weights)", "CIFAR-10", 50_000);

    final String key;
    final String source;
    final String target;
    /** The target's training images (CIFAR-10's for ImageNet, the fewer of it and MNIST). */
    final int targetImages;

    TransferProtocol(String key, String source, String target, int targetImages) {
        this.key = key;
        this.source = source;
        this.target = target;
        this.targetImages = targetImages;
    }

    /** The protocol {@code key} names; null for none. */
    static TransferProtocol of(String key) {
        return Arrays.stream(values()).filter(p -> p.key.equals(key.strip())).findFirst().orElse(null);
    }

    /** The keys, for messages. */
    static String keys() {
        return String.join(", ", Arrays.stream(values()).map(p -> p.key).toList());
    }

    /** The source task's training images (32x32 RGB), for the offline protocols. */
    ImageDataset sourceTrain(ExperimentContext<?> ctx) {
        return switch (this) {
            case DIGITS -> classes(Datasets.MNIST.loadTrain(ctx.dataDir()), 0, 5).asRgb(32);
            case FASHION -> Datasets.FASHION_MNIST.loadTrain(ctx.dataDir()).asRgb(32);
            case IMAGENET -> throw new IllegalStateException("the ImageNet source is Keras' weights file");
        };
    }

    /** The source task's test images. */
    ImageDataset sourceTest(ExperimentContext<?> ctx) {
        return switch (this) {
            case DIGITS -> classes(Datasets.MNIST.loadTest(ctx.dataDir()), 0, 5).asRgb(32);
            case FASHION -> Datasets.FASHION_MNIST.loadTest(ctx.dataDir()).asRgb(32);
            case IMAGENET -> throw new IllegalStateException("the ImageNet source is Keras' weights file");
        };
    }

    /** The target task's training images, from which each target set is the first N. */
    ImageDataset targetPool(ExperimentContext<?> ctx) {
        Optional<Cifar10> cifar = this == IMAGENET ? Cifar10.findLocal(ctx.data()) : Optional.empty();
        if (cifar.isPresent()) {
            return cifar.get().loadTrain();
        }
        ImageDataset mnist = Datasets.MNIST.loadTrain(ctx.dataDir());
        return (this == DIGITS ? classes(mnist, 5, 10) : mnist).asRgb(32);
    }

    /** The target task's test images: the official test split (of its classes). */
    ImageDataset targetTest(ExperimentContext<?> ctx) {
        Optional<Cifar10> cifar = this == IMAGENET ? Cifar10.findLocal(ctx.data()) : Optional.empty();
        if (cifar.isPresent()) {
            return cifar.get().loadTest();
        }
        ImageDataset mnist = Datasets.MNIST.loadTest(ctx.dataDir());
        return (this == DIGITS ? classes(mnist, 5, 10) : mnist).asRgb(32);
    }

    /** The target as the table names it (the ImageNet protocol's is MNIST where CIFAR-10 is not here). */
    String target(ExperimentContext<?> ctx) {
        return this == IMAGENET && Cifar10.findLocal(ctx.data()).isEmpty()
                ? "MNIST digits (CIFAR-10 is not on this machine)" : target;
    }

    /**
     * The images of classes {@code from} to {@code to - 1}, in their order, relabelled 0 to {@code to - from - 1}
     * with their class names.
     */
    static ImageDataset classes(ImageDataset d, int from, int to) {
        int[] keep = IntStream.range(0, d.size()).filter(i -> d.label(i) >= from && d.label(i) < to).toArray();
        int n = d.imageSize();
        byte[] pixels = new byte[keep.length * n];
        int[] labels = new int[keep.length];
        for (int k = 0; k < keep.length; k++) {
            System.arraycopy(d.imageBytes(keep[k]), 0, pixels, k * n, n);
            labels[k] = d.label(keep[k]) - from;
        }
        List<String> names = new ArrayList<>(d.classNames().subList(from, to));
        return new ImageDataset(d.name() + " classes " + from + "-" + (to - 1), pixels, labels, d.channels(),
                d.height(), d.width(), names);
    }
}
