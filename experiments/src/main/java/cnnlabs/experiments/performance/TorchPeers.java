package cnnlabs.experiments.performance;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch installations {@link Throughput} measures against, and how it runs {@code experiments/reference/
 * throughput.py} on them: Debian's {@code python3-torch} ({@value #DEBIAN_PYTHON}), the Python given with
 * {@code -Dpeer.python} (e.g. a venv with PyTorch 2.x) and the {@code python3} on the PATH, each used where it has
 * torch. Each runs as a {@link TorchServer} and measures every model in each memory format; the table credits PyTorch
 * with its fastest.
 */
final class TorchPeers {

    /** Debian's Python, whose {@code python3-torch} is PyTorch 1.13. */
    static final String DEBIAN_PYTHON = "/usr/bin/python3";

    private TorchPeers() {
    }

    /** A Python that has torch, and torch's version there. */
    record Peer(String python, String torch) {
        String label() {
            return "torch " + torch;
        }
    }

    /** The Pythons with torch, and for each other candidate why it is not one. */
    record Found(List<Peer> peers, List<String> skipped) {
    }

    /** The candidate Pythons ({@code given} first when set), each probed for torch. */
    static Found find(String given) {
        Set<String> candidates = new LinkedHashSet<>();
        if (given != null && !given.isBlank()) {
            candidates.add(given);
        }
        candidates.add(DEBIAN_PYTHON);
        onPath("python3").ifPresent(candidates::add);
        List<Peer> peers = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (String python : candidates) {
            Path path = Path.of(python);
            if (!Files.isExecutable(path)) {
                skipped.add(python + " not installed");
                continue;
            }
            Path real;
            try {
                real = path.toRealPath();
            } catch (IOException e) {
                real = path.toAbsolutePath();
            }
            if (!seen.add(real)) {
                continue; // the same interpreter under another name
            }
            String[] version = probe(python);
            if (version[0] != null) {
                peers.add(new Peer(python, version[0]));
            } else {
                skipped.add(python + ": " + version[1]);
            }
        }
        return new Found(peers, skipped);
    }

    /** {@code name} as the shell would find it on the PATH. */
    static java.util.Optional<String> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return java.util.Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return java.util.Optional.of(Path.of(dir, name).toString());
            }
        }
        return java.util.Optional.empty();
    }

    /** {torch version, null} where {@code python} imports torch, else {null, why not}. */
    private static String[] probe(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch; print(torch.__version__)").redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new String[] {null, "importing torch took over 2 minutes"};
            }
            String last = out.lines().reduce((a, b) -> b).orElse("");
            if (p.exitValue() == 0 && !last.isEmpty()) {
                return new String[] {last, null};
            }
            return new String[] {null, last.contains("No module named 'torch'") ? "no torch" : "torch fails: " + last};
        } catch (IOException e) {
            return new String[] {null, "cannot run (" + e.getMessage() + ")"};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new String[] {null, "interrupted"};
        }
    }
}
