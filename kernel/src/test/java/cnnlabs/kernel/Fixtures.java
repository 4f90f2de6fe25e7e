package cnnlabs.kernel;

import cnnlabs.notebooks.Notebook;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** What the kernel tests write: a class folder compiled here, and small notebooks. */
final class Fixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** Compiles {@code extra.Greeter} (not on the test class path) into {@code dir}; returns {@code dir}. */
    static Path greeterClasses(Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/extra")).resolve("Greeter.java");
        Files.writeString(src, "package extra; public class Greeter { public String hi() { return \"hi from a jar\"; } }");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), src.toString());
        if (rc != 0) {
            throw new IllegalStateException("javac failed on " + src);
        }
        return classes;
    }

    /** A notebook whose code cells have these sources, for the cnnlabs kernel. */
    static Path notebook(Path file, List<String> code) throws Exception {
        Notebook.withCode("# A kernel test", code).write(file);
        return file;
    }
}
