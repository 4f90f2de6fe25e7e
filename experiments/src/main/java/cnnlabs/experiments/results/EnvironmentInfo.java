package cnnlabs.experiments.results;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.nd4j.linalg.factory.Nd4j;

/** What {@code env.json} records: versions, backend, hardware, threads, seed and the command line. */
public final class EnvironmentInfo {

    private EnvironmentInfo() {
    }

    public static Map<String, Object> collect(long seed, String command) {
        Properties build = buildProperties();
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("started_at", OffsetDateTime.now().toString());
        env.put("command", command);
        env.put("java_command", System.getProperty("sun.java.command", ""));
        env.put("seed", seed);
        env.put("cnnlabs_version", build.getProperty("cnnlabs.version", "unknown"));
        env.put("git_commit", gitCommit());
        env.put("dl4j_version", build.getProperty("dl4j.version", "unknown"));
        env.put("nd4j_backend", Nd4j.getBackend().getClass().getName());
        env.put("nd4j_data_type", Nd4j.dataType().toString());
        Map<String, String> nd4j = new TreeMap<>();
        Nd4j.getExecutioner().getEnvironmentInformation().forEach((k, v) -> nd4j.put(String.valueOf(k), String.valueOf(v)));
        env.put("threads", nd4j.getOrDefault("omp.threads", "unknown"));
        env.put("blas_vendor", nd4j.getOrDefault("blas.vendor", "unknown"));
        env.put("nd4j_environment", nd4j);
        env.put("java_version", System.getProperty("java.version"));
        env.put("java_vendor", System.getProperty("java.vendor"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        env.put("cpu_model", cpuModel());
        env.put("available_processors", Runtime.getRuntime().availableProcessors());
        env.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        return env;
    }

    static Properties buildProperties() {
        Properties p = new Properties();
        try (InputStream in = EnvironmentInfo.class.getResourceAsStream("/cnnlabs-build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // left empty: the versions show as "unknown"
        }
        return p;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable
        }
        return System.getProperty("os.arch");
    }

    /** HEAD of the checkout the code runs from, when git and a checkout are there; else "unknown". */
    private static String gitCommit() {
        String root = System.getProperty("cnnlabs.root");
        if (root == null || !Files.isDirectory(Path.of(root, ".git"))) {
            return "unknown";
        }
        try {
            Process p = new ProcessBuilder("git", "-C", root, "rev-parse", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 && out.matches("[0-9a-f]{40}") ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
