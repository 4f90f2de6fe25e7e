package cnnlabs.datasets;

import java.nio.file.Path;

/**
 * A dataset file or source that cannot be used: missing, truncated, corrupt, or unreachable.
 *
 * <p>The message is meant for the user as is: one paragraph that names the file (or source), says
 * what is wrong with it, and says how to fix it. Callers print it without a stack trace.
 */
public class DataException extends RuntimeException {

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A problem with one file on disk; the fix is to delete it so that the next run fetches it again. */
    public static DataException badFile(String dataset, Path file, String problem) {
        return new DataException(dataset + " file " + file + " " + problem + ". Delete it (rm '" + file
                + "') and run again: a fresh copy is fetched on first use. If you placed the file there "
                + "yourself, replace it with the official file.");
    }
}
