package cnnlabs.notebooks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Regenerates the outputs of the notebooks in {@code notebooks-ported/} (or those named as arguments) by running
 * them: every code cell, top to bottom, with the lab's full settings, into {@code results/}. Outputs in a committed
 * notebook come from here, never from hand.
 *
 * <pre>
 * mvn install -DskipTests
 * mvn -q -pl notebook-runner exec:java -Dnotebooks.exec.skip=false [-Dexec.args="notebooks-ported/lab3-cnns.ipynb"]
 * </pre>
 */
public final class Regenerate {

    private Regenerate() {
    }

    public static void main(String[] args) throws IOException {
        List<Path> files;
        if (args.length > 0) {
            files = Stream.of(args).map(a -> Lab.root().resolve(a)).toList();
        } else {
            try (Stream<Path> list = Files.list(Lab.root().resolve("notebooks-ported"))) {
                files = list.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList();
            }
        }
        int failed = 0;
        for (Path file : files) {
            System.out.println("Running " + Lab.root().relativize(file) + (Lab.smoke() ? " (smoke)" : ""));
            try {
                NotebookRunner.run(file).write(file);
                System.out.println("Wrote its outputs.");
            } catch (NotebookRunner.CellFailed e) {
                failed++;
                System.err.println("ERROR: " + e.getMessage() + ". Its outputs are not written.");
            }
        }
        if (failed > 0) {
            System.exit(1); // the command's exit status: main only, nowhere deeper
        }
    }
}
