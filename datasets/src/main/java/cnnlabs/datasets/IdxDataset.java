package cnnlabs.datasets;

import java.nio.file.Path;
import java.util.List;

/**
 * A dataset published as four IDX files (MNIST, Fashion-MNIST): where it lives in the cache directory,
 * what its files must hold, and where to fetch them from, in order of preference.
 */
public record IdxDataset(String name, String dirName, IdxFormat.Pair train, IdxFormat.Pair test,
                         List<String> classNames, List<FileSource> sources) {

    public IdxDataset {
        classNames = List.copyOf(classNames);
        sources = List.copyOf(sources);
    }

    /** The official training split, fetched into {@code dataDir} on first use. */
    public ImageDataset loadTrain(Path dataDir) {
        return IdxFormat.read(name + " train", ensure(dataDir), train, classNames);
    }

    /** The official test split, fetched into {@code dataDir} on first use. */
    public ImageDataset loadTest(Path dataDir) {
        return IdxFormat.read(name + " test", ensure(dataDir), test, classNames);
    }

    /** Fetches whatever files are missing; returns the dataset's directory. */
    public Path ensure(Path dataDir) {
        Path dir = dataDir.resolve(dirName);
        Fetching.ensure(name, dir, List.of(train.imagesFile(), train.labelsFile(), test.imagesFile(), test.labelsFile()),
                sources);
        return dir;
    }
}
