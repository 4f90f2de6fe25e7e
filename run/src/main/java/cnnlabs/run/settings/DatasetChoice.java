package cnnlabs.run.settings;

import cnnlabs.settings.ConfigException;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;

/**
 * Which images an experiment that trains on MNIST trains on: MNIST (the lab's), Fashion-MNIST, CIFAR-10, or a folder of
 * images with one sub-folder per class. Each is fitted to the model's input ({@code cnnlabs.run.TrainingData}).
 *
 * @param kind   the dataset
 * @param images {@link Kind#FOLDER}'s folder; empty otherwise
 */
public record DatasetChoice(
        @Setting(key = "dataset", help = "the images to train on: mnist (the lab's), fashion-mnist, cifar10 (converted "
                + "to the model's input: grey 28x28 for Lab 3's models) or folder (-Ddata.images)", example = "fashion-mnist")
        Kind kind,
        @Setting(key = "data.images", help = "with -Ddataset=folder: a folder holding one sub-folder of images per class "
                + "(any size, colour or grey; fitted to the model's input)", example = "/data/flowers") String images) {

    /** The datasets. */
    public enum Kind {
        MNIST, FASHION_MNIST, CIFAR10, FOLDER
    }

    /** The lab's MNIST. */
    public static final DatasetChoice MNIST = new DatasetChoice(Kind.MNIST, "");

    public DatasetChoice {
        SettingsParser.require(kind != null, "dataset", kind, "one of mnist, fashion-mnist, cifar10, folder",
                "fashion-mnist");
        images = images == null ? "" : images.strip();
        if (kind == Kind.FOLDER && images.isEmpty()) {
            throw new ConfigException("-Ddataset=folder needs the folder: add -Ddata.images=DIR, where DIR holds one "
                    + "sub-folder of images per class (DIR/cat/1.png, DIR/dog/2.jpg).");
        }
        if (kind != Kind.FOLDER && !images.isEmpty()) {
            throw new ConfigException("-Ddata.images=" + images + " is read only with -Ddataset=folder, and the dataset "
                    + "is " + SettingsParser.shortest(kind) + ": add -Ddataset=folder to train on that folder, or leave "
                    + "-Ddata.images out.");
        }
    }

    /** {@code -Ddataset=folder -Ddata.images=folder}. */
    public static DatasetChoice folder(String folder) {
        return new DatasetChoice(Kind.FOLDER, folder);
    }
}
