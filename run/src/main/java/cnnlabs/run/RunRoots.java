package cnnlabs.run;

import cnnlabs.datasets.DataLocations;
import java.nio.file.Path;

/**
 * Where a run reads and writes: the repository (the reference scripts, a sweep file named relative to it), the results
 * folder its run folder goes into, and where the datasets are.
 */
public record RunRoots(Path repository, Path results, DataLocations data) {

    public RunRoots {
        if (repository == null || results == null || data == null) {
            throw new IllegalArgumentException("a repository, a results folder and data locations are needed");
        }
        repository = repository.toAbsolutePath().normalize();
        results = results.toAbsolutePath().normalize();
    }

    /** The working directory as the repository, {@code results} for run folders, the default data cache. */
    public static RunRoots of(Path results) {
        return new RunRoots(Path.of(""), results, DataLocations.defaults());
    }

    /** These roots with run folders going into {@code folder}. */
    public RunRoots withResults(Path folder) {
        return new RunRoots(repository, folder, data);
    }

    /** These roots reading datasets from {@code locations}. */
    public RunRoots withData(DataLocations locations) {
        return new RunRoots(repository, results, locations);
    }

    /** {@code file} as given, or, when it is relative and not found from the working directory, in the repository. */
    public Path find(String file) {
        Path given = Path.of(file);
        if (!given.isAbsolute() && !java.nio.file.Files.exists(given)
                && java.nio.file.Files.exists(repository.resolve(file))) {
            return repository.resolve(file);
        }
        return given;
    }
}
