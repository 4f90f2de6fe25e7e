package cnnlabs.datasets;

import java.nio.file.Path;

/** The cache directory that datasets are fetched into: {@code -Ddata.dir}, else {@code ~/.cnnlabs/data}. */
public final class DataDirectory {

    public static final String PROPERTY = "data.dir";

    private DataDirectory() {
    }

    /** From the system properties. */
    public static Path resolve() {
        return resolve(System.getProperties());
    }

    public static Path resolve(java.util.Properties props) {
        String configured = props.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        return Path.of(System.getProperty("user.home"), ".cnnlabs", "data");
    }
}
