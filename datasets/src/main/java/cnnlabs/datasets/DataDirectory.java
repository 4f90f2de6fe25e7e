package cnnlabs.datasets;

import java.nio.file.Path;

/** The cache directory that datasets are fetched into: {@code -Ddata.dir}, else {@code ~/.cnnlabs/data}. */
public final class DataDirectory {

    public static final String PROPERTY = "data.dir";

    private DataDirectory() {
    }

    public static Path resolve() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        return Path.of(System.getProperty("user.home"), ".cnnlabs", "data");
    }
}
