package cnnlabs.datasets;

import java.nio.file.Path;

/** The cache directory that datasets are fetched into: {@code -Ddata.dir}, else {@code ~/.cnnlabs/data}. */
public final class DataDirectory {

    /** The setting that moves it. */
    public static final String PROPERTY = "data.dir";

    private DataDirectory() {
    }

    /** {@code ~/.cnnlabs/data}. */
    public static Path defaultCache() {
        return Path.of(System.getProperty("user.home"), ".cnnlabs", "data");
    }
}
