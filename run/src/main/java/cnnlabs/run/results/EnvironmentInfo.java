package cnnlabs.run.results;

import cnnlabs.onednn.OneDnnRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;

/** What {@code env.json} records: versions, backend, hardware, threads, seed and the command line. */
public final class EnvironmentInfo {

    private EnvironmentInfo() {
    }

    /** @param repository the checkout the code runs from, for its git commit */
    public static Map<String, Object> collect(long seed, String command, Path repository) {
        Properties build = buildProperties();
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("started_at", OffsetDateTime.now().toString());
        env.put("command", command);
        env.put("java_command", System.getProperty("sun.java.command", ""));
        env.put("seed", seed);
        env.put("cnnlabs_version", build.getProperty("cnnlabs.version", "unknown"));
        env.put("git_commit", gitCommit(repository));
        env.put("dl4j_version", build.getProperty("dl4j.version", "unknown"));
        env.put("nd4j_backend", Nd4j.getBackend().getClass().getName());
        env.put("nd4j_data_type", Nd4j.dataType().toString());
        Map<String, String> nd4j = new TreeMap<>();
        Nd4j.getExecutioner().getEnvironmentInformation().forEach((k, v) -> nd4j.put(String.valueOf(k), String.valueOf(v)));
        env.put("threads", nd4j.getOrDefault("omp.threads", "unknown"));
        env.put("blas_vendor", nd4j.getOrDefault("blas.vendor", "unknown"));
        env.put("nd4j_environment", nd4j);
        env.put("nd4j_native_variant", nativeVariant());
        env.put("onednn_compiled", OneDnnRuntime.oneDnnCompiled());
        env.put("java_version", System.getProperty("java.version"));
        env.put("java_vendor", System.getProperty("java.vendor"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        env.put("cpu_model", cpuModel());
        env.put("onednn_max_cpu_isa", oneDnnIsaLimit());
        env.put("available_processors", Runtime.getRuntime().availableProcessors());
        env.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        return env;
    }

    /**
     * The native ND4J build in use, from the folder javacpp loaded it from: {@code linux-x86_64-onednn} for the
     * portable oneDNN build, {@code linux-x86_64} for ND4J's plain one, and so on.
     */
    public static String nativeVariant() {
        for (String path : Loader.getLoadedLibraries().values()) {
            if (path != null && path.replace('\\', '/').matches(".*/(lib)?nd4j(cpu|cuda)[^/]*$")) {
                Path dir = Path.of(path).getParent();
                return dir == null ? path : dir.getFileName().toString();
            }
        }
        return "unknown";
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

    /** oneDNN's instruction-set limit from the environment ({@code ONEDNN_MAX_CPU_ISA}, or older builds' name), or "none". */
    public static String oneDnnIsaLimit() {
        for (String name : new String[] {"ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"}) {
            String value = System.getenv(name);
            if (value != null && !value.isBlank()) {
                return name + "=" + value;
            }
        }
        return "none";
    }

    /**
     * The CPU as speed depends on it: its model name from {@code /proc/cpuinfo}, then vendor, family and model
     * numbers (virtual machines often name only "AMD EPYC" or "Intel Xeon Processor") and its widest vector
     * instructions, e.g. "AMD EPYC (AuthenticAMD family 26 model 2, AVX-512)"; else the architecture.
     */
    public static String cpuModel() {
        Map<String, String> cpu = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (line.isBlank()) {
                    break; // the first processor is enough
                }
                if (colon > 0) {
                    cpu.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable
        }
        if (!cpu.containsKey("model name")) {
            return System.getProperty("os.arch");
        }
        String flags = " " + cpu.getOrDefault("flags", "") + " ";
        String isa = flags.contains(" avx512f ") ? "AVX-512" : flags.contains(" avx2 ") ? "AVX2" : "no AVX2";
        return cpu.get("model name") + " (" + cpu.getOrDefault("vendor_id", "?") + " family "
                + cpu.getOrDefault("cpu family", "?") + " model " + cpu.getOrDefault("model", "?") + ", " + isa + ")";
    }

    /** HEAD of the checkout the code runs from, when git and a checkout are there; else "unknown". */
    public static String gitCommit(Path repository) {
        if (repository == null || !Files.exists(repository.resolve(".git"))) {
            return "unknown";
        }
        try {
            Process p = new ProcessBuilder("git", "-C", repository.toString(), "rev-parse", "HEAD").redirectErrorStream(true).start();
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
