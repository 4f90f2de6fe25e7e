package cnnlabs.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import cnnlabs.notebooks.JavaSession;
import cnnlabs.notebooks.Lab;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel under real Jupyter: Debian's jupyter-nbconvert (nbclient, jupyter-client) starts it from the
 * {@code kernel.json} that {@link InstallKernel} writes and executes notebooks through it, headless. {@code run-tests}
 * installs those packages; without them this test fails and says so.
 */
class JupyterKernelTest {

    @TempDir
    static Path tmp;

    static Path jupyterPath;

    @BeforeAll
    static void install() throws Exception {
        jupyterPath = tmp.resolve("jupyter");
        List<String> classPath = JavaSession.classPath(Thread.currentThread().getContextClassLoader());
        Path spec = InstallKernel.write(jupyterPath, classPath, Map.of(
                "cnnlabs.root", Lab.root().toString(),
                Lab.SMOKE, "true",
                Lab.RESULTS, tmp.resolve("results").toString()));
        JsonNode json = Fixtures.JSON.readTree(spec.toFile());
        assertEquals("{connection_file}", json.get("argv").get(json.get("argv").size() - 1).asText());
        assertEquals("message", json.get("interrupt_mode").asText());
    }

    /** What {@code jupyter nbconvert --execute} did: its exit status and output, and the executed notebook. */
    record Executed(int exit, String log, JsonNode notebook) {
        List<JsonNode> codeCells() {
            List<JsonNode> out = new ArrayList<>();
            notebook.get("cells").forEach(c -> {
                if ("code".equals(c.get("cell_type").asText())) {
                    out.add(c);
                }
            });
            return out;
        }

        List<JsonNode> outputs(String type) {
            List<JsonNode> out = new ArrayList<>();
            codeCells().forEach(c -> c.get("outputs").forEach(o -> {
                if (type.equals(o.get("output_type").asText())) {
                    out.add(o);
                }
            }));
            return out;
        }
    }

    /** nbformat's multi-line text: a string, or a list of lines. */
    private static String text(JsonNode node) {
        if (!node.isArray()) {
            return node.asText();
        }
        StringBuilder out = new StringBuilder();
        node.forEach(line -> out.append(line.asText()));
        return out.toString();
    }

    private static String jupyter() {
        for (String dir : (System.getenv("PATH") + File.pathSeparator + "/usr/bin").split(File.pathSeparator)) {
            Path exe = Path.of(dir, "jupyter-nbconvert");
            if (Files.isExecutable(exe)) {
                return exe.toString();
            }
        }
        fail("jupyter-nbconvert is not installed: ./run-tests installs Debian's jupyter-nbconvert, jupyter-client "
                + "and python3-nbclient (apt-get install jupyter-nbconvert jupyter-client python3-nbclient)");
        return null;
    }

    private static Executed execute(Path notebook) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("executed"));
        ProcessBuilder pb = new ProcessBuilder(jupyter(), "--to", "notebook", "--execute",
                "--ExecutePreprocessor.kernel_name=" + CnnlabsKernel.NAME, "--ExecutePreprocessor.timeout=900",
                "--output-dir", out.toString(), notebook.toString());
        pb.environment().put("JUPYTER_PATH", jupyterPath.toString());
        pb.environment().put("JUPYTER_RUNTIME_DIR", tmp.resolve("runtime").toString());
        pb.environment().put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
        pb.redirectErrorStream(true);
        Path log = tmp.resolve(notebook.getFileName() + ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("nbconvert did not finish " + notebook + " in 20 minutes");
        }
        Path written = out.resolve(notebook.getFileName());
        JsonNode nb = Files.isRegularFile(written) ? Fixtures.JSON.readTree(written.toFile()) : null;
        return new Executed(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8), nb);
    }

    @Test
    void aPortedNotebookRunsCleanThroughJupyter() throws Exception {
        Path notebook = Lab.root().resolve("notebooks-ported/seed000-computer-vision-cnns.ipynb");
        Executed run = execute(notebook);
        assertEquals(0, run.exit(), run.log());
        List<JsonNode> cells = run.codeCells();
        for (int i = 0; i < cells.size(); i++) {
            assertEquals(i + 1, cells.get(i).get("execution_count").asInt(), "code cell " + (i + 1) + " ran in order");
        }
        assertEquals(List.of(), run.outputs("error"), "no cell failed");
        assertTrue(run.outputs("execute_result").stream().anyMatch(o -> o.get("data").has("image/png")),
                "a picture came back as image/png");
        assertTrue(run.outputs("stream").stream().anyMatch(o -> o.get("text").toString().contains("Results: ")),
                "Lab.run printed where its smoke run went");
    }

    @Test
    void magicsPicturesAndPrintsThroughJupyter() throws Exception {
        Path classes = Fixtures.greeterClasses(tmp.resolve("greeter"));
        Path notebook = Fixtures.notebook(tmp.resolve("magics.ipynb"), List.of(
                "%classpath " + classes,
                "new extra.Greeter().hi()",
                "var img = new java.awt.image.BufferedImage(5, 4, java.awt.image.BufferedImage.TYPE_INT_RGB);\nimg",
                "for (int i = 0; i < 3; i++) System.out.println(\"line \" + i);",
                "display(new cnnlabs.run.tables.MarkdownTable(\"Model\", \"Params\").row(\"LeNet\", \"44,426\"));\n"
                        + "System.out.println(\"after the table\");"));
        Executed run = execute(notebook);
        assertEquals(0, run.exit(), run.log());
        List<JsonNode> cells = run.codeCells();
        assertTrue(cells.get(0).get("outputs").isEmpty(), "a magic shows nothing");
        assertEquals("hi from a jar", text(cells.get(1).get("outputs").get(0).get("data").get("text/plain")));
        assertTrue(cells.get(2).get("outputs").get(0).get("data").has("image/png"));
        assertEquals("line 0\nline 1\nline 2\n", text(cells.get(3).get("outputs").get(0).get("text")));
        JsonNode shown = cells.get(4).get("outputs").get(0);
        assertEquals("display_data", shown.get("output_type").asText(), shown.toString());
        assertTrue(text(shown.get("data").get("text/html")).contains("<td>44,426</td>"), shown.toString());
        assertEquals("after the table\n", text(cells.get(4).get("outputs").get(1).get("text")));
    }

    @Test
    void aFailingCellStopsTheExecutionWithItsError() throws Exception {
        Path notebook = Fixtures.notebook(tmp.resolve("broken.ipynb"), List.of(
                "int n = 1;",
                "String s = n;",
                "System.out.println(\"never reached\");"));
        Executed run = execute(notebook);
        assertNotEquals(0, run.exit(), "a failing cell fails the execution");
        assertTrue(run.log().contains("CellError: does not compile: String s = n;"), run.log());
        assertTrue(!run.log().contains("never reached"), run.log());
    }

    @Test
    void anInterruptStopsTheRunningCellAndTheSessionGoesOn() throws Exception {
        Path script = tmp.resolve("interrupt_check.py");
        try (var in = JupyterKernelTest.class.getResourceAsStream("/interrupt_check.py")) {
            Files.copy(in, script);
        }
        jupyter(); // fails the test, saying what to install, where Jupyter is missing
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString());
        pb.environment().put("JUPYTER_PATH", jupyterPath.toString());
        pb.environment().put("JUPYTER_RUNTIME_DIR", tmp.resolve("runtime").toString());
        pb.environment().put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
        pb.redirectError(tmp.resolve("interrupt.err").toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the interrupt check finished");
        String err = Files.readString(tmp.resolve("interrupt.err"));
        assertEquals(0, p.exitValue(), out + err);
        JsonNode result = Fixtures.JSON.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
        assertEquals("error", result.path("status").asText(), "the interrupted cell failed: " + out);
        assertEquals("CellError", result.path("ename").asText(), out);
        assertTrue(result.path("seconds").asDouble() < 60, "it stopped on the interrupt: " + out);
        assertEquals("ok", result.path("after").asText(), out);
        assertEquals("42", result.path("value").asText(), "the next cell ran in the same session: " + out);
    }
}
