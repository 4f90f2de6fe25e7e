package cnnlabs.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notebook runner on small notebooks: outputs as Jupyter writes them, and failing cells named. */
class NotebookRunnerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A notebook of a markdown cell followed by code cells with these sources. */
    private Path notebook(String name, String... code) throws Exception {
        Path file = tmp.resolve(name);
        Notebook.withCode("# A test notebook", List.of(code)).write(file);
        return file;
    }

    @Test
    void cellsShareDeclarationsAndTheirPrintsValuesAndPicturesBecomeOutputs() throws Exception {
        Path file = notebook("ok.ipynb",
                "import java.awt.image.BufferedImage;\nint x = 2;\nSystem.out.println(\"x is \" + x);",
                "%classpath ignored/by/the/runner\nx * 21",
                "var img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);\nimg",
                "void twice(int n) { System.out.println(n * 2); }\ntwice(x);");
        Notebook nb = NotebookRunner.run(file);
        nb.write(file);
        JsonNode cells = JSON.readTree(file.toFile()).get("cells");

        assertEquals("x is 2\n", cells.get(1).get("outputs").get(0).get("text").get(0).asText());
        assertEquals(1, cells.get(1).get("execution_count").asInt());
        JsonNode value = cells.get(2).get("outputs").get(0);
        assertEquals("execute_result", value.get("output_type").asText());
        assertEquals("42", value.get("data").get("text/plain").get(0).asText());
        JsonNode picture = cells.get(3).get("outputs").get(0).get("data");
        byte[] png = Base64.getDecoder().decode(picture.get("image/png").asText());
        assertEquals(List.of((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G'), List.of(png[0], png[1], png[2], png[3]));
        assertEquals("<3x2 image>", picture.get("text/plain").get(0).asText());
        assertEquals("4\n", cells.get(4).get("outputs").get(0).get("text").get(0).asText());
        assertTrue(Files.readString(file).startsWith("{\n \"nbformat\": 4"), "written as Jupyter writes");
    }

    @Test
    void aCellThatDoesNotCompileFailsWithTheNotebookTheCellAndTheCompilerMessage() throws Exception {
        Path file = notebook("broken.ipynb", "int a = 1;", "int b = a +;");
        NotebookRunner.CellFailed e = assertThrows(NotebookRunner.CellFailed.class, () -> NotebookRunner.run(file));
        assertTrue(e.getMessage().startsWith("broken.ipynb, cell 3: does not compile: int b = a +;"), e.getMessage());
    }

    @Test
    void aCellThatThrowsFailsWithTheException() throws Exception {
        Path file = notebook("throws.ipynb", "String s = \"fine\";",
                "if (s.length() > 0) {\n    throw new IllegalStateException(\"boom\");\n}");
        NotebookRunner.CellFailed e = assertThrows(NotebookRunner.CellFailed.class, () -> NotebookRunner.run(file));
        assertTrue(e.getMessage().contains("cell 3: threw java.lang.IllegalStateException: boom"), e.getMessage());
    }

    @Test
    void aCellEndingInsideAStatementIsReported() throws Exception {
        Path file = notebook("open.ipynb", "for (int i = 0; i < 2; i++) {");
        NotebookRunner.CellFailed e = assertThrows(NotebookRunner.CellFailed.class, () -> NotebookRunner.run(file));
        assertTrue(e.getMessage().contains("cell 2: the cell ends inside a snippet"), e.getMessage());
    }

    @Test
    void cellsSeeTheProjectsClasses() throws Exception {
        Path file = notebook("project.ipynb", "import cnnlabs.architectures.Architectures;",
                "Architectures.get(\"lenet5\").summary(cnnlabs.architectures.BuildOptions.defaults()).totalParams()");
        JsonNode out = JSON.readTree(JSON.writeValueAsString(NotebookRunner.run(file).cells().get(2)));
        assertEquals("44426", out.get("outputs").get(0).get("data").get("text/plain").get(0).asText());
    }
}
