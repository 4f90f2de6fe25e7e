package cnnlabs.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.datasets.Cifar10;
import cnnlabs.datasets.CifarFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

    /**
     * Every exercise of the seeds, by notebook: a triple deleted or never written fails here, not only a triple that
     * is malformed (the runner's check).
     */
    @Test
    void everyExerciseOfTheSeedsIsThere() throws Exception {
        Map<String, List<String>> expected = Map.of(
                "lab3-convolutional-neural-networks.ipynb",
                List.of("cifar-architecture", "filters", "grad-cam", "new-head", "iou", "gram", "own-images"),
                "seed000-computer-vision-cnns.ipynb", List.of("freeze-backbone", "build-cnn"),
                "seed001-foundations-cnns.ipynb", List.of("cnn-switch", "lr-schedule"),
                "seed002-cnns-from-scratch.ipynb", List.of("mbconv", "receptive-field", "dense-block"),
                "seed004-cnn-basics-alexnet.ipynb", List.of());
        Map<String, List<String>> found = new java.util.TreeMap<>();
        for (Path file : notebooks().toList()) {
            List<String> stubs = new java.util.ArrayList<>();
            for (var cell : Notebook.read(file).cells()) {
                Exercises.Mark mark = Exercises.mark(cell);
                if (mark != null && mark.role() == Exercises.Role.STUB) {
                    stubs.add(mark.exercise());
                }
            }
            found.put(file.getFileName().toString(), stubs);
        }
        assertEquals(new java.util.TreeMap<>(expected), found);
    }
}
