package cnnlabs.experiments.performance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One PyTorch installation running {@code experiments/reference/throughput.py --serve}: a process that keeps its
 * models between requests, so that {@link Throughput} can take turns with it one timing at a time. Requests and answers
 * are single lines of JSON (the script's docstring lists them); lines that are not JSON (warnings) are skipped, and
 * the last lines PyTorch wrote to its error stream go into the message when it stops.
 */
final class TorchServer implements AutoCloseable {

    /** How long one request may take: a timing of ResNet-18 takes seconds, its warm-up under a minute. */
    static final long REQUEST_MINUTES = 30;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String END = "\u0000end";

    private final TorchPeers.Peer peer;
    private final Process process;
    private final Writer requests;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Deque<String> errors = new ArrayDeque<>();
    private final String torch;
    private final String oneDnn;
    private final String malloc;

    private TorchServer(TorchPeers.Peer peer, Process process, String malloc) throws IOException {
        this.peer = peer;
        this.process = process;
        this.malloc = malloc;
        this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        drain(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true);
        drain(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false);
        JsonNode versions = request(Map.of("op", "versions"));
        this.torch = versions.path("torch").asText(peer.torch());
        this.oneDnn = versions.path("onednn").asText("");
    }

    /**
     * glibc's malloc settings PyTorch runs with, unless the caller's environment sets its own: freed blocks stay in the
     * process instead of going back to the operating system. PyTorch's CPU operators allocate a fresh output tensor at
     * every call; by default glibc maps each large one anew and unmaps it when freed, and on a virtual machine every
     * first touch of that memory is a page fault. Measured on the AMD EPYC (Zen 5) VM, PyTorch 2.13's simple-CNN
     * training step: 1,600-1,900 images/s by default, 4,150-4,250 with these (two runs each). PyTorch's own CPU
     * performance guides reach the same end with jemalloc or tcmalloc; this needs no extra library. DL4J reuses its
     * workspaces and is not affected.
     */
    static final String PEER_MALLOC = "glibc.malloc.mmap_threshold=2147483647:glibc.malloc.trim_threshold=4294967295";

    /** Starts the script on {@code peer} with {@code threads} threads and the run's seed. */
    static TorchServer start(TorchPeers.Peer peer, Path script, int threads, long seed) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(peer, script, threads, seed));
        String malloc = builder.environment().computeIfAbsent("GLIBC_TUNABLES", k -> PEER_MALLOC);
        Process p = builder.start();
        try {
            return new TorchServer(peer, p, malloc);
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    static List<String> command(TorchPeers.Peer peer, Path script, int threads, long seed) {
        return List.of(peer.python(), script.toString(), "--serve", "--threads", String.valueOf(threads), "--seed",
                String.valueOf(seed));
    }

    TorchPeers.Peer peer() {
        return peer;
    }

    /** torch's version as it reports it. */
    String torch() {
        return torch;
    }

    /**
     * This installation for the console and the table: torch's and oneDNN's versions, the Python, and how its malloc
     * ran ({@link #PEER_MALLOC} in words, or the caller's own tunables).
     */
    String describe() {
        return "torch " + torch + " (oneDNN " + (oneDnn.isEmpty() ? "unknown" : oneDnn) + ", " + peer.python() + ", "
                + (malloc.equals(PEER_MALLOC) ? "malloc keeping freed memory" : "GLIBC_TUNABLES=" + malloc) + ")";
    }

    /** The oneDNN version torch was built with ("" where its build configuration names none). */
    String oneDnn() {
        return oneDnn;
    }

    /** Builds {@code model} in {@code format} for {@code mode} ("train" or "inference") and runs its warm-up steps. */
    void prepare(String model, String format, String mode, int batch, int warmup, double warmupSeconds)
            throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("op", "prepare");
        r.put("model", model);
        r.put("format", format);
        r.put("mode", mode);
        r.put("batch", batch);
        r.put("warmup", warmup);
        r.put("warmup_seconds", warmupSeconds);
        request(r);
    }

    /** Seconds for {@code iters} steps of a prepared model: one round. */
    double time(String model, String format, String mode, int iters) throws IOException {
        JsonNode answer = request(Map.of("op", "time", "model", model, "format", format, "mode", mode, "iters", iters));
        double seconds = answer.path("seconds").asDouble(Double.NaN);
        if (!(seconds > 0)) {
            throw new IOException(peer.label() + " answered " + answer + " to a timing request");
        }
        return seconds;
    }

    /** Forgets every prepared model (their memory goes back before the next model). */
    void release() throws IOException {
        request(Map.of("op", "release"));
    }

    JsonNode request(Map<String, Object> r) throws IOException {
        requests.write(JSON.writeValueAsString(r));
        requests.write('\n');
        requests.flush();
        String line;
        try {
            line = answers.poll(REQUEST_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + peer.label());
        }
        if (line == null || line.equals(END)) {
            try {
                process.waitFor(2, TimeUnit.SECONDS); // lets the error stream's last lines arrive
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException(peer.label() + " (" + peer.python() + ") " + (line == null ? "gave no answer in "
                    + REQUEST_MINUTES + " minutes" : "stopped") + " on " + r + lastError());
        }
        JsonNode answer = JSON.readTree(line);
        if (answer.has("error")) {
            throw new IOException(peer.label() + ": " + answer.get("error").asText());
        }
        return answer;
    }

    private String lastError() {
        synchronized (errors) {
            return errors.isEmpty() ? "" : ": " + errors.peekLast();
        }
    }

    /** Reads a stream of the process on a daemon thread: JSON answers into the queue, or the last error lines. */
    private void drain(BufferedReader reader, boolean isAnswers) {
        Thread t = new Thread(() -> {
            try (reader) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (isAnswers && line.startsWith("{")) {
                        answers.add(line);
                    } else if (!isAnswers && !line.isBlank()) {
                        synchronized (errors) {
                            errors.addLast(line.strip());
                            if (errors.size() > 20) {
                                errors.removeFirst();
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // the process is gone; the END below tells the waiting request
            } finally {
                if (isAnswers) {
                    answers.add(END);
                }
            }
        }, "pytorch-" + (isAnswers ? "answers" : "errors"));
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        try {
            requests.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
