package cnnlabs.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.notebooks.JavaSession;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code %maven} through Maven's resolver: a local repository (named by a settings.xml, offline, as a user's
 * {@code ~/.m2/settings.xml} would) holding two artifacts this test writes, one depending on the other; the magic adds
 * both jars, and the session can use their classes.
 */
class MavenMagicTest {

    @TempDir
    static Path tmp;

    static CnnlabsKernel kernel;
    static Path settings;

    @BeforeAll
    static void start() throws Exception {
        Path repository = tmp.resolve("repository");
        install(repository, "salutation", "package extra.salutation; public class Salutation { public static String "
                + "word() { return \"hello\"; } }", "extra/salutation/Salutation", null);
        install(repository, "greeter", "package extra.greeter; public class Greeter { public String hi() { return "
                + "extra.salutation.Salutation.word() + \" from Maven\"; } }", "extra/greeter/Greeter", "salutation");
        settings = tmp.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <localRepository>%s</localRepository>
                  <offline>true</offline>
                </settings>
                """.formatted(repository));
        kernel = new CnnlabsKernel(JavaSession.here(), () -> MavenArtifacts.fromSettings(settings, null));
        kernel.onStartup();
    }

    @AfterAll
    static void stop() {
        kernel.onShutdown(false);
    }

    @Test
    void anArtifactAndItsDependencyComeFromTheLocalRepository() throws Exception {
        assertThrows(CnnlabsKernel.CellError.class, () -> kernel.eval("new extra.greeter.Greeter().hi()"));
        assertNull(kernel.eval("%maven cnnlabs.fixture:greeter:1.0"));
        assertEquals("hello from Maven", kernel.eval("new extra.greeter.Greeter().hi()").getData(MIMEType.TEXT_PLAIN));
        List<Path> jars = MavenArtifacts.fromSettings(settings, null).resolve(List.of("cnnlabs.fixture:greeter:1.0"));
        assertEquals(List.of("greeter-1.0.jar", "salutation-1.0.jar"),
                jars.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(tmp.resolve("repository"), MavenArtifacts.fromSettings(settings, null).localRepository());
    }

    @Test
    void aBadOrMissingArtifactSaysWhatAndWhere() {
        Exception bad = assertThrows(Exception.class, () -> kernel.eval("%maven greeter"));
        assertTrue(String.valueOf(bad.getMessage()).contains("is not an artifact"), bad.getMessage());
        Exception missing = assertThrows(Exception.class, () -> kernel.eval("%maven cnnlabs.fixture:absent:2.0"));
        assertTrue(String.valueOf(missing.getMessage()).contains("cannot resolve cnnlabs.fixture:absent:2.0")
                && missing.getMessage().contains("offline"), missing.getMessage());
    }

    /** Compiles {@code source} into a jar and writes it with its POM as cnnlabs.fixture:{@code id}:1.0. */
    private static void install(Path repository, String id, String source, String className, String dependsOn)
            throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src-" + id).resolve(className).getParent())
                .resolve(className.substring(className.lastIndexOf('/') + 1) + ".java");
        Files.writeString(src, source);
        Path classes = Files.createDirectories(tmp.resolve("classes-" + id));
        String classPath = dependsOn == null ? "" : tmp.resolve("classes-" + dependsOn).toString();
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", classPath, "-d",
                classes.toString(), src.toString());
        assertEquals(0, rc, "javac " + src);
        Path dir = Files.createDirectories(repository.resolve("cnnlabs/fixture").resolve(id).resolve("1.0"));
        try (OutputStream out = Files.newOutputStream(dir.resolve(id + "-1.0.jar"));
             JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry(className + ".class"));
            jar.write(Files.readAllBytes(classes.resolve(className + ".class")));
            jar.closeEntry();
        }
        String dependency = dependsOn == null ? "" : """
                  <dependencies>
                    <dependency><groupId>cnnlabs.fixture</groupId><artifactId>%s</artifactId><version>1.0</version></dependency>
                  </dependencies>
                """.formatted(dependsOn);
        Files.writeString(dir.resolve(id + "-1.0.pom"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>cnnlabs.fixture</groupId>
                  <artifactId>%s</artifactId>
                  <version>1.0</version>
                %s</project>
                """.formatted(id, dependency));
    }
}
