package cnnlabs.experiments.performance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.experiments.performance.Turns.Contender;
import cnnlabs.experiments.performance.Turns.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How Throughput decides: DL4J and each PyTorch take turns round by round, each contender's rounds give a median and a
 * range, and the table gives the ratio of the medians and whether the ranges overlap. The PyTorch side is a stand-in
 * server speaking throughput.py's --serve protocol with synthetic timings (no torch needed).
 */
class TurnsTest {

    @TempDir
    Path tmp;

    @Test
    void aSpreadIsTheMedianAndRangeOfItsRounds() {
        Spread odd = Spread.of(new double[] {5, 1, 9, 3, 7});
        assertEquals(5, odd.median());
        assertEquals(1, odd.min());
        assertEquals(9, odd.max());
        assertEquals(5, odd.rounds());
        assertEquals(4.5, Spread.of(new double[] {6, 1, 3, 9}).median());
        assertTrue(odd.overlaps(Spread.of(new double[] {9, 12})));
        assertFalse(odd.overlaps(Spread.of(new double[] {9.5, 12})));
        assertEquals(2.0, Spread.of(new double[] {10}).ratio(Spread.of(new double[] {5})));
        assertEquals("1,000 (900-1,100)", Spread.of(new double[] {1100, 900, 1000}).format());
        assertThrows(IllegalArgumentException.class, () -> Spread.of(new double[0]));
    }

    /** A contender whose k-th round takes the k-th of its seconds; it logs each call. */
    record Fake(String label, double[] seconds, List<String> log, boolean optional, int failAtRound)
            implements Contender {

        @Override
        public void prepare(Mode mode) {
            log.add("prepare " + label);
        }

        @Override
        public double seconds(Mode mode) throws IOException {
            int round = (int) log.stream().filter(l -> l.equals("time " + label)).count();
            log.add("time " + label);
            if (round == failAtRound) {
                throw new IOException(label + " stopped");
            }
            return seconds[round];
        }

        @Override
        public int images(Mode mode) {
            return 100;
        }
    }

    @Test
    void contendersTakeTurnsWithTheFirstTurnRotating() throws IOException {
        List<String> log = new ArrayList<>();
        Fake a = new Fake("a", new double[] {1, 2, 4}, log, false, -1);
        Fake b = new Fake("b", new double[] {0.5, 0.5, 0.25}, log, true, -1);
        Fake c = new Fake("c", new double[] {1, 1, 1}, log, true, -1);
        List<String> problems = new ArrayList<>();
        Map<Contender, Spread> spreads = Turns.take(List.of(a, b, c), Mode.TRAIN, 3, problems);
        assertEquals(List.of("prepare a", "prepare b", "prepare c", "time a", "time b", "time c", "time b", "time c",
                "time a", "time c", "time a", "time b"), log);
        assertEquals(new Spread(50, 25, 100, 3), spreads.get(a)); // 100 images in 1, 2, 4 seconds
        assertEquals(new Spread(200, 200, 400, 3), spreads.get(b));
        assertTrue(problems.isEmpty());
    }

    @Test
    void aPyTorchThatFailsIsLeftOutAndDl4jFailingFailsTheRun() throws IOException {
        List<String> log = new ArrayList<>();
        Fake dl4j = new Fake("dl4j", new double[] {1, 1, 1}, log, false, -1);
        Fake torch = new Fake("torch", new double[] {1, 1, 1}, log, true, 1);
        List<String> problems = new ArrayList<>();
        Map<Contender, Spread> spreads = Turns.take(List.of(dl4j, torch), Mode.INFERENCE, 3, problems);
        assertEquals(3, spreads.get(dl4j).rounds());
        assertNull(spreads.get(torch));
        assertEquals(List.of("torch left out: torch stopped"), problems);

        Fake failing = new Fake("dl4j", new double[] {1, 1}, new ArrayList<>(), false, 0);
        assertThrows(IOException.class, () -> Turns.take(List.of(failing), Mode.TRAIN, 2, new ArrayList<>()));
    }

    /** Answers as throughput.py --serve does (one JSON line per request), with synthetic timings, and a warning. */
    static final String STAND_IN = """
            import json, sys
            print("a warning PyTorch printed", flush=True)
            for line in sys.stdin:
                r = json.loads(line)
                if r["op"] == "versions":
                    out = {"torch": "0.0-synthetic", "onednn": "9.9.9", "threads": 2}
                elif r["op"] == "env":
                    import os
                    out = {"GLIBC_TUNABLES": os.environ.get("GLIBC_TUNABLES", "")}
                elif r["op"] == "time":
                    if r["model"] == "crash":
                        sys.stderr.write("RuntimeError: synthetic crash\\n")
                        sys.exit(1)
                    out = {"seconds": 0.01 * r["iters"] * (2 if r["format"] == "contiguous" else 1)}
                else:
                    out = {"ok": True}
                print(json.dumps(out), flush=True)
            """;

    @Test
    void aPyTorchServerIsTimedThroughItsProtocolAndItsCrashIsExplained() throws Exception {
        Path script = tmp.resolve("stand_in.py");
        Files.writeString(script, STAND_IN);
        TorchPeers.Peer peer = new TorchPeers.Peer("python3", "0.0-synthetic");
        try (TorchServer server = TorchServer.start(peer, script, 2, 42)) {
            assertEquals("0.0-synthetic", server.torch());
            assertEquals("9.9.9", server.oneDnn());
            String tunables = System.getenv().getOrDefault("GLIBC_TUNABLES", TorchServer.PEER_MALLOC);
            assertEquals(tunables, server.request(Map.of("op", "env")).path("GLIBC_TUNABLES").asText(),
                    "PyTorch's process runs with malloc keeping freed memory, unless the caller set its own");
            assertTrue(server.describe().startsWith("torch 0.0-synthetic (oneDNN 9.9.9, python3, "), server.describe());
            Contenders.Timing timing = new Contenders.Timing(128, 256, 1, 0, 0, 20);
            Contenders.Torch last = new Contenders.Torch(server, "lenet5", "channels_last", timing);
            Contenders.Torch contiguous = new Contenders.Torch(server, "lenet5", "contiguous", timing);
            assertEquals("torch 0.0-synthetic channels_last", last.label());
            Map<Contender, Spread> spreads = Turns.take(List.of(contiguous, last), Mode.TRAIN, 5, new ArrayList<>());
            assertEquals(128 * 20 / 0.2, spreads.get(last).median(), 1e-6);
            assertEquals(128 * 20 / 0.4, spreads.get(contiguous).median(), 1e-6);
            server.release();

            Contenders.Torch crash = new Contenders.Torch(server, "crash", "contiguous", timing);
            List<String> problems = new ArrayList<>();
            assertTrue(Turns.take(List.of(crash), Mode.TRAIN, 2, problems).isEmpty());
            assertEquals(1, problems.size());
            assertTrue(problems.get(0).contains("stopped") && problems.get(0).contains("RuntimeError: synthetic crash"),
                    problems.get(0));
        }
    }

    @Test
    void theTableGivesTheRatioOfMediansAndWhetherTheRangesOverlap() {
        Spread fast = new Spread(1200, 1100, 1300, 5);
        Spread slow = new Spread(1000, 950, 1050, 5);
        Spread close = new Spread(1150, 1050, 1250, 5);
        Throughput.Measurement torch = new Throughput.Measurement("lenet5", "2.13.0+cpu", "3.12.0", "/v/bin/python",
                "channels_last", slow, close);
        Throughput.Row row = new Throughput.Row("lenet5", 44_426, 400_000, 20, fast, new Spread(1000, 900, 1100, 5),
                1.4, 0.4, 0.01, torch, torch, 31.4, 4.2);
        ThroughputTable.Header header = new ThroughputTable.Header("AMD EPYC (synthetic)", "abc123",
                "through the oneDNN runtime (oneDNN 2.5.2)", "linux-x86_64", 1,
                List.of("torch 2.13.0+cpu (oneDNN 3.12.0, /v/bin/python)"), 128, 256, 3, 60, 5, 2, 100);
        String table = ThroughputTable.render(header, List.of(row), List.of(torch), List.of());
        assertTrue(table.contains("CPU: AMD EPYC (synthetic). Commit: abc123. DL4J: through the oneDNN runtime "
                + "(oneDNN 2.5.2)"), table);
        assertTrue(table.contains("torch 2.13.0+cpu (oneDNN 3.12.0, /v/bin/python)"), table);
        assertTrue(table.contains("| lenet5 | 44,426 | 1,200 (1,100-1,300) | 1,000 (950-1,050) | torch 2.13.0+cpu "
                + "channels_last | 1.20x | no |"), table);
        assertTrue(table.contains("| lenet5 | 44,426 | 1,000 (900-1,100) | 1,150 (1,050-1,250) | torch 2.13.0+cpu "
                + "channels_last | 0.87x | yes |"), table);
        assertTrue(table.contains("warmed up (at least 3 seconds of steps; DL4J's side then until the JVM's JIT "
                + "compilers have spent at most 2% of 5 seconds compiling, at most 60 seconds in all), then"), table);
        assertTrue(table.contains("DL4J's warm-ups, training and inference: lenet5 31 s and 4 s."), table);
    }
}
