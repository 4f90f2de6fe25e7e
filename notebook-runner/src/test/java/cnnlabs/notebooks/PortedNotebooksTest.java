package cnnlabs.notebooks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.datasets.Cifar10;
import cnnlabs.datasets.CifarFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every notebook of notebooks-ported/ runs clean, top to bottom, in smoke mode: each experiment it calls cuts its
 * passes to one batch; CIFAR-10 is a declared synthetic fixture; results go to a temporary folder. Running clean
 * includes its checks ({@link NotebookRunner}): every model written in a cell matches the registry's, and every
 * exercise's check says "not yet" against the stub and right against the hidden solution.
 */
class PortedNotebooksTest {

    @TempDir
    static Path tmp;

    static Stream<Path> notebooks() throws Exception {
        List<Path> files;
        try (Stream<Path> list = Files.list(Lab.root().resolve("notebooks-ported"))) {
            files = list.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no notebooks in notebooks-ported/");
        return files.stream();
    }

    @BeforeAll
    static void smokeMode() {
        System.setProperty(Lab.SMOKE, "true");
        System.setProperty(Lab.RESULTS, tmp.resolve("results").toString());
        System.setProperty(Cifar10.PROPERTY, CifarFixture.write(tmp.resolve("cifar"), 40, 30, 3).toString());
    }

    @AfterAll
    static void done() {
        System.clearProperty(Lab.SMOKE);
        System.clearProperty(Lab.RESULTS);
        System.clearProperty(Cifar10.PROPERTY);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notebooks")
    void runsCleanInSmokeMode(Path notebook) throws Exception {
        Notebook ran = NotebookRunner.run(notebook); // a failing cell throws, naming the notebook and the cell
        assertTrue(ran.cells().stream().anyMatch(Notebook::isCode), notebook + " has no code");
    }
}
