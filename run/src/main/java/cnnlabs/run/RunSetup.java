package cnnlabs.run;

import cnnlabs.training.Callback;
import cnnlabs.training.Console;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * How and where a run happens, besides its settings: its roots, the engine (the oneDNN runtime, or plain DL4J), the
 * console, the command line it is recorded under, the run folder it continues (or null), and callbacks the caller adds
 * to every fit of the run (a sweep's pruner, a UI), each made fresh per fit.
 */
public record RunSetup(RunRoots roots, boolean fast, Console console, String command, Path resume,
                       List<Supplier<Callback>> callbacks) {

    public RunSetup {
        callbacks = List.copyOf(callbacks);
    }

    /** A new run through the oneDNN runtime, recorded under {@code command}, with no callbacks of the caller's. */
    public static RunSetup of(RunRoots roots, Console console, String command) {
        return new RunSetup(roots, true, console, command, null, List.of());
    }

    /** This setup through the oneDNN runtime ({@code true}) or plain DL4J. */
    public RunSetup fast(boolean onednn) {
        return new RunSetup(roots, onednn, console, command, resume, callbacks);
    }

    /** This setup continuing the interrupted run in {@code folder} (null: a new run). */
    public RunSetup resuming(Path folder) {
        return new RunSetup(roots, fast, console, command, folder, callbacks);
    }

    /** This setup with {@code callback} added to every fit of the run. */
    public RunSetup withCallback(Supplier<Callback> callback) {
        List<Supplier<Callback>> more = new ArrayList<>(callbacks);
        more.add(callback);
        return new RunSetup(roots, fast, console, command, resume, more);
    }
}
