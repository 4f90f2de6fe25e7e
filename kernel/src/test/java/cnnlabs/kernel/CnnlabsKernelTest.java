package cnnlabs.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.notebooks.JavaSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's evaluation, magics, completion and errors, in this JVM (no Jupyter: that is JupyterKernelTest). */
class CnnlabsKernelTest {

    static CnnlabsKernel kernel;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        kernel = new CnnlabsKernel(JavaSession.here());
        kernel.onStartup(); // the magics reach the kernel through BaseKernel's notebook kernel
    }

    @AfterAll
    static void stop() {
        kernel.onShutdown(false);
    }

    @Test
    void valuesShowAsTextOrPicturesAndStatementsShowNothing() {
        assertNull(kernel.eval("int x = 20;"));
        assertEquals("42", kernel.eval("x * 2 + 2").getData(MIMEType.TEXT_PLAIN));
        assertEquals("a plain string", kernel.eval("\"a plain \" + \"string\"").getData(MIMEType.TEXT_PLAIN));
        assertNull(kernel.eval("String nothing = null;\nnothing"), "a null value shows nothing");
        DisplayData picture = kernel.eval("new java.awt.image.BufferedImage(4, 3, java.awt.image.BufferedImage"
                + ".TYPE_INT_RGB)");
        String png = (String) picture.getData(MIMEType.IMAGE_PNG);
        assertTrue(png != null && png.startsWith("iVBORw0KGgo"), "a picture is a base64 PNG: " + png);
    }

    @Test
    void markdownTablesAndRunsShowAsHtmlBesideTheirText() {
        assertNull(kernel.eval("\"a plain string\"").getData(MIMEType.TEXT_HTML), "plain text stays plain");
        DisplayData table = kernel.eval("\"# Models\\n\\n| Model | Params |\\n| --- | --- |\\n| LeNet | 44,426 |\"");
        String html = (String) table.getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains("<h1>Models</h1>") && html.contains("<table>") && html.contains("<td>44,426</td>"),
                html);
        assertTrue(String.valueOf(table.getData(MIMEType.TEXT_MARKDOWN)).contains("| LeNet | 44,426 |"));
        assertTrue(String.valueOf(table.getData(MIMEType.TEXT_PLAIN)).contains("| LeNet | 44,426 |"));
        DisplayData built = kernel.eval("new cnnlabs.run.tables.MarkdownTable(\"a\", \"b\").row(1, \"<x>\")");
        String builtHtml = (String) built.getData(MIMEType.TEXT_HTML);
        assertTrue(builtHtml.contains("<td>1</td>") && builtHtml.contains("&lt;x&gt;"), "escaped: " + builtHtml);
        assertTrue(RichDisplays.isMarkdown("| a |\n|---|\n| 1 |"));
        assertTrue(!RichDisplays.isMarkdown("x | y | z"), "a pipe alone is not a table");
    }

    @Test
    void aFailingCellIsOneParagraphNamingTheSnippet() {
        CnnlabsKernel.CellError compile = assertThrows(CnnlabsKernel.CellError.class,
                () -> kernel.eval("int y = 1;\nString s = y;"));
        assertTrue(compile.getMessage().startsWith("does not compile: String s = y;"), compile.getMessage());
        CnnlabsKernel.CellError thrown = assertThrows(CnnlabsKernel.CellError.class,
                () -> kernel.eval("Integer.parseInt(\"seven\")"));
        assertTrue(thrown.getMessage().contains("NumberFormatException") && thrown.getMessage().contains("seven"),
                thrown.getMessage());
        List<String> lines = kernel.formatError(thrown);
        assertTrue(lines.stream().noneMatch(l -> l.contains("\tat ")), "no stack trace: " + lines);
    }

    @Test
    void classpathAndJarsMagicsAddClassesToTheSession() throws Exception {
        Path classes = Fixtures.greeterClasses(tmp.resolve("greeter"));
        assertThrows(CnnlabsKernel.CellError.class, () -> kernel.eval("new extra.Greeter().hi()"));
        assertNull(kernel.eval("%classpath " + classes));
        assertEquals("hi from a jar", kernel.eval("new extra.Greeter().hi()").getData(MIMEType.TEXT_PLAIN));
        Exception none = assertThrows(Exception.class, () -> kernel.eval("%jars " + tmp.resolve("no-such-*.jar")));
        assertTrue(String.valueOf(none.getMessage()).contains("nothing matches"), none.getMessage());
    }

    @Test
    void globsResolveToTheFilesTheyMatch() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("jars"));
        Files.writeString(dir.resolve("a.jar"), "");
        Files.writeString(dir.resolve("b.jar"), "");
        Files.writeString(dir.resolve("c.txt"), "");
        assertEquals(List.of(dir.resolve("a.jar"), dir.resolve("b.jar")), CnnlabsKernel.resolve(dir + "/*.jar"));
        assertEquals(List.of(dir.resolve("c.txt")), CnnlabsKernel.resolve(dir + "/c.txt"));
        assertEquals(List.of(), CnnlabsKernel.resolve(dir + "/d.txt"));
    }

    @Test
    void completenessCompletionAndDocumentation() {
        assertEquals(BaseKernel.IS_COMPLETE_YES, kernel.isComplete("int z = 3;"));
        assertEquals("    ", kernel.isComplete("for (int i = 0; i < 3; i++) {"));
        assertNotEquals(BaseKernel.IS_COMPLETE_YES, kernel.isComplete("int w = ;)"));
        ReplacementOptions options = kernel.complete("Math.sqr", 8);
        assertTrue(options.getReplacements().contains("sqrt("), "completions: " + options.getReplacements());
        assertEquals(5, options.getSourceStart());
        DisplayData doc = kernel.inspect("Math.sqrt(", 10, false);
        assertTrue(String.valueOf(doc.getData(MIMEType.TEXT_PLAIN)).contains("sqrt(double"), "documentation");
    }
}
