package cnnlabs.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exercise cells: the runner checks each exercise's check against its stub and against its solution. */
class ExercisesTest {

    @TempDir
    Path tmp;

    private static final String STUB = "int twice(int n) {\n    return Check.todo();\n}";
    private static final String SOLUTION = "int twiceSolution(int n) {\n    return 2 * n;\n}";
    private static final String CHECK = "Check.equal(\"Twice\", () -> twice(21), 42)";

    /** A notebook: an import, then the exercise's three cells, marked (the solution hidden unless told not). */
    private Path notebook(String stub, String solution, String check, boolean hidden) throws Exception {
        Path file = tmp.resolve("exercise.ipynb");
        Notebook nb = Notebook.withCode("# Exercise", List.of("import cnnlabs.notebooks.Check;", stub, solution, check));
        List<ObjectNode> cells = nb.cells();
        String[] roles = {"stub", "solution", "check"};
        for (int i = 0; i < 3; i++) {
            ObjectNode meta = (ObjectNode) cells.get(i + 2).get("metadata");
            ObjectNode mark = meta.putObject("cnnlabs").put("exercise", "twice").put("role", roles[i]);
            if (i == 1 && hidden) {
                meta.putObject("jupyter").put("source_hidden", true);
            }
            if (i == 2) {
                mark.putObject("solution").put("twice", "twiceSolution");
            }
        }
        nb.write(file);
        return file;
    }

    @Test
    void theCheckSaysNotYetUnderTheStubAndTheSolutionPassesIt() throws Exception {
        Notebook ran = NotebookRunner.run(notebook(STUB, SOLUTION, CHECK, true));
        String shown = ran.cells().get(4).get("outputs").get(0).get("data").get("text/plain").get(0).asText();
        assertTrue(shown.startsWith("… Not yet - Twice: still the stub"), shown);
    }

    @Test
    void aWrongSolutionFailsTheNotebook() throws Exception {
        Path file = notebook(STUB, "int twiceSolution(int n) {\n    return n + 2;\n}", CHECK, true);
        NotebookRunner.CellFailed e = assertThrows(NotebookRunner.CellFailed.class, () -> NotebookRunner.run(file));
        assertTrue(e.getMessage().contains("cell 5: exercise twice's check, run on the solution [twiceSolution], is not "
                + "right: ✘ Wrong - Twice: yours is 23, it should be 42"), e.getMessage());
    }

    @Test
    void aCheckThatPassesTheStubFailsTheNotebook() throws Exception {
        Path file = notebook("int twice(int n) {\n    return 42;\n}", SOLUTION, CHECK, true);
        NotebookRunner.CellFailed e = assertThrows(NotebookRunner.CellFailed.class, () -> NotebookRunner.run(file));
        assertTrue(e.getMessage().contains("cell 5: exercise twice's check says right before the exercise is answered"),
                e.getMessage());
    }

    @Test
    void aVisibleSolutionOrAMissingCheckIsMalformed() throws Exception {
        Path file = notebook(STUB, SOLUTION, CHECK, false);
        NotebookRunner.CellFailed e = assertThrows(NotebookRunner.CellFailed.class, () -> NotebookRunner.run(file));
        assertTrue(e.getMessage().contains("cell 4: exercise twice: its solution cell must be hidden"), e.getMessage());

        Notebook nb = Notebook.read(notebook(STUB, SOLUTION, CHECK, true));
        ((ObjectNode) nb.cells().get(4).get("metadata")).remove("cnnlabs");
        assertEquals("exercise twice has no check after its solution", Exercises.validate(nb.cells()));
    }

    @Test
    void aModelCheckThatIsNotRightFailsTheCell() throws Exception {
        Path file = tmp.resolve("model.ipynb");
        Notebook.withCode("# Model", List.of("import cnnlabs.notebooks.Check;",
                "Check.equal(\"Parameters\", () -> 93_000, 93_322)")).write(file);
        NotebookRunner.CellFailed e = assertThrows(NotebookRunner.CellFailed.class, () -> NotebookRunner.run(file));
        assertTrue(e.getMessage().contains("cell 3: the check is not right: ✘ Wrong - Parameters"), e.getMessage());
    }

    @Test
    void renamingLeavesLiteralsCommentsAndMembersAlone() {
        Map<String, String> names = Map.of("mbConv", "mbConvSolution");
        assertEquals("mbConvSolution(g, \"mbConv\", 'm') // mbConv\n+ x.mbConv() /* mbConv */ + mbConvSolution",
                Exercises.rename("mbConv(g, \"mbConv\", 'm') // mbConv\n+ x.mbConv() /* mbConv */ + mbConv", names));
        assertEquals("a(\"\\\"mbConv\") + \"\"\"\nmbConv\"\"\" + mbConvSolution2 + mbConvSolution",
                Exercises.rename("a(\"\\\"mbConv\") + \"\"\"\nmbConv\"\"\" + mbConv2 + mbConv",
                        Map.of("mbConv", "mbConvSolution", "mbConv2", "mbConvSolution2")));
    }
}
