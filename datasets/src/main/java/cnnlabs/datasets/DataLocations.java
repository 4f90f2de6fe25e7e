package cnnlabs.datasets;

import java.nio.file.Path;

/**
 * Where the datasets are: the cache they are fetched into ({@code -Ddata.dir}, default {@code ~/.cnnlabs/data}), and a
 * CIFAR-10 folder of the user's own ({@code -Ddata.cifar10}, read and never written to), or null.
 */
public record DataLocations(Path cache, Path cifar10) {

    public DataLocations {
        if (cache == null) {
            throw new IllegalArgumentException("a data cache folder is needed");
        }
        cache = cache.toAbsolutePath().normalize();
        cifar10 = cifar10 == null ? null : cifar10.toAbsolutePath().normalize();
    }

    /** The default cache, {@code ~/.cnnlabs/data}, and no CIFAR-10 folder of the user's. */
    public static DataLocations defaults() {
        return new DataLocations(DataDirectory.defaultCache(), null);
    }

    /** These locations with the user's CIFAR-10 folder {@code dir}. */
    public DataLocations withCifar10(Path dir) {
        return new DataLocations(cache, dir);
    }
}
