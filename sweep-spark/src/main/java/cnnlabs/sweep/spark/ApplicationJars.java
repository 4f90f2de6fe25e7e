package cnnlabs.sweep.spark;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * What a cluster's executors need from the driver: the application's class path (this JVM's) without Spark's own jars,
 * which the cluster has. The driver ships them as {@code spark.jars}; a folder of classes (a module's
 * {@code target/classes} when run from the build) goes as a jar made from it. Spark's own jars are the ones the build
 * resolved with the provided scope, listed in {@value #SPARK_PROVIDED}.
 */
final class ApplicationJars {

    static final String SPARK_PROVIDED = "/cnnlabs/sweep/spark/spark-provided.classpath";

    private ApplicationJars() {
    }

    /** The jars to ship, in class-path order; folders packed into jars under {@code scratch}. */
    static List<String> toShip(Path scratch) {
        Set<String> spark = sparkJarNames();
        List<String> out = new ArrayList<>();
        int packed = 0;
        for (String entry : classPath()) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                out.add(pack(p, scratch.resolve(String.format("classes-%02d-%s.jar", ++packed, name(p)))).toString());
            } else if (Files.isRegularFile(p) && entry.endsWith(".jar") && !spark.contains(p.getFileName().toString())) {
                out.add(p.toAbsolutePath().toString());
            }
        }
        return out;
    }

    /** This JVM's class path: {@code java.class.path} and the URLs of the context class loader (Maven's exec:java). */
    static List<String> classPath() {
        Set<String> out = new LinkedHashSet<>(List.of(System.getProperty("java.class.path", "").split(File.pathSeparator)));
        for (ClassLoader l = Thread.currentThread().getContextClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        out.add(new File(url.getPath()).getPath());
                    }
                }
            }
        }
        out.removeIf(String::isBlank);
        return new ArrayList<>(out);
    }

    /** The file names of the jars only Spark needs, as the build resolved them. */
    static Set<String> sparkJarNames() {
        try (InputStream in = ApplicationJars.class.getResourceAsStream(SPARK_PROVIDED)) {
            if (in == null) {
                throw new IllegalStateException(SPARK_PROVIDED + " is missing: build sweep-spark with Maven (mvn install)");
            }
            Set<String> names = new LinkedHashSet<>();
            for (String jar : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().split(File.pathSeparator)) {
                if (!jar.isBlank()) {
                    names.add(Path.of(jar).getFileName().toString());
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String name(Path folder) {
        // .../<module>/target/classes -> <module>
        Path module = folder.getParent() != null && folder.getParent().getParent() != null
                ? folder.getParent().getParent() : folder;
        return module.getFileName() == null ? "classes" : module.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** A jar of every file under {@code folder}. */
    static Path pack(Path folder, Path jar) {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(folder.relativize(f).toString().replace(File.separatorChar, '/')));
                try (InputStream in = Files.newInputStream(f)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack " + folder + " into " + jar, e);
        }
        return jar;
    }
}
