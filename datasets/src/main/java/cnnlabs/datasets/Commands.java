package cnnlabs.datasets;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the external tools that some sources use ({@code npm}, {@code apt-get}, {@code dpkg-deb}). */
final class Commands {

    private static final long TIMEOUT_MINUTES = 15;

    private Commands() {
    }

    /** True when an executable called {@code name} is on the PATH. */
    static boolean onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .anyMatch(p -> Files.isRegularFile(p) && Files.isExecutable(p));
    }

    /** Runs {@code command} in {@code workDir}; throws with the tail of its output when it fails. */
    static void run(Path workDir, List<String> command) throws IOException {
        Path log = Files.createTempFile(workDir, "command-", ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            boolean finished;
            try {
                finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + String.join(" ", command), e);
            }
            if (!finished) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + TIMEOUT_MINUTES + " minutes");
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed with exit code " + process.exitValue()
                        + ": " + tail(Files.readString(log, StandardCharsets.UTF_8)));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String tail(String output) {
        String trimmed = output.strip();
        return trimmed.length() <= 400 ? trimmed : "..." + trimmed.substring(trimmed.length() - 400);
    }
}
