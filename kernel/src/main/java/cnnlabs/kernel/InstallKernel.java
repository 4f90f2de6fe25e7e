package cnnlabs.kernel;

import cnnlabs.notebooks.JavaSession;
import cnnlabs.notebooks.Lab;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Installs the cnnlabs kernel for Jupyter: writes {@code kernels/cnnlabs-java/kernel.json} into the user's Jupyter
 * data folder ({@code $JUPYTER_DATA_DIR}, else {@code ~/.local/share/jupyter}), or into {@code -Dkernel.dir=DIR}
 * (a folder of Jupyter's path, e.g. {@code $(jupyter --data-dir)} or a virtual environment's
 * {@code share/jupyter}). Its command starts this JVM's {@code java} with the project's runtime class path (the
 * installed jars in the local Maven repository), so re-run it after {@code mvn install} when the dependencies change.
 *
 * <pre>
 * mvn install -DskipTests
 * mvn -q -pl kernel exec:java -Dkernel.exec.skip=false
 * jupyter kernelspec list      # lists cnnlabs-java
 * </pre>
 */
public final class InstallKernel {

    /** Setting: the Jupyter data folder to install into (its {@code kernels/} gets the kernel). */
    public static final String DIR = "kernel.dir";

    /** The installer's one setting, read by the settings parser. */
    record Settings(@Setting(key = DIR, help = "the Jupyter data folder to install into (default $JUPYTER_DATA_DIR, "
            + "else ~/.local/share/jupyter)", example = "/opt/venv/share/jupyter") String dir) {
    }

    private InstallKernel() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = dataDir(SettingsParser.parse(new Settings(""), System.getProperties()).dir());
        List<String> classPath = JavaSession.classPath(Thread.currentThread().getContextClassLoader());
        Path spec = write(dir, classPath, Map.of("cnnlabs.root", Lab.root().toString()));
        System.out.println("Installed the cnnlabs Java kernel: " + spec);
        System.out.println("Open the notebooks with: jupyter notebook " + Lab.root().resolve("notebooks-ported")
                + "   (or jupyter lab); their kernel is \"Java (cnnlabs)\".");
    }

    /** Where to install: {@code given} ({@value #DIR}), {@code $JUPYTER_DATA_DIR}, or {@code ~/.local/share/jupyter}. */
    static Path dataDir(String given) {
        String dir = given;
        if (dir == null || dir.isBlank()) {
            dir = System.getenv("JUPYTER_DATA_DIR");
        }
        if (dir == null || dir.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".local", "share", "jupyter");
        }
        return Path.of(dir);
    }

    /**
     * Writes {@code <dataDir>/kernels/cnnlabs-java/kernel.json}: a command that runs {@link KernelMain} on
     * {@code classPath} with the system properties {@code properties}, under this JVM's {@code java}. Returns the file.
     */
    public static Path write(Path dataDir, List<String> classPath, Map<String, String> properties)
            throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode spec = json.createObjectNode();
        ArrayNode argv = spec.putArray("argv");
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        properties.forEach((k, v) -> argv.add("-D" + k + "=" + v));
        argv.add("-cp").add(String.join(File.pathSeparator, classPath));
        argv.add(KernelMain.class.getName());
        argv.add("{connection_file}");
        spec.put("display_name", "Java (cnnlabs)");
        spec.put("language", "java");
        spec.put("interrupt_mode", "message"); // an interrupt stops the cell; a signal would end the JVM
        Path folder = dataDir.resolve("kernels").resolve(CnnlabsKernel.NAME);
        Files.createDirectories(folder);
        Path file = folder.resolve("kernel.json");
        Files.writeString(file, json.writeValueAsString(spec) + "\n");
        return file;
    }
}
