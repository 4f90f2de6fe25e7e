package cnnlabs.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetchingTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final Map<String, byte[]> served = new HashMap<>();
    private final List<String> requests = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(path);
            byte[] body = served.get(path);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** A source that records calls and writes each file with fixed contents. */
    private static final class FakeSource implements FileSource {
        final String unavailable;
        final boolean fails;
        final List<List<String>> calls = new ArrayList<>();

        FakeSource(String unavailable, boolean fails) {
            this.unavailable = unavailable;
            this.fails = fails;
        }

        @Override
        public String description() {
            return "fake(" + unavailable + "," + fails + ")";
        }

        @Override
        public String unavailableReason() {
            return unavailable;
        }

        @Override
        public void fetch(List<String> names, Path targetDir) throws IOException {
            calls.add(names);
            if (fails) {
                throw new IOException("boom");
            }
            for (String n : names) {
                Files.writeString(targetDir.resolve(n), "data");
            }
        }
    }

    @Test
    void presentFilesAreNotFetchedAgainAndGzCounts() throws Exception {
        Files.writeString(dir.resolve("a"), "x");
        Files.writeString(dir.resolve("b.gz"), "x");
        FakeSource source = new FakeSource(null, false);

        Fetching.ensure("Test", dir, List.of("a", "b", "c"), List.of(source));

        assertEquals(List.of(List.of("c")), source.calls);
        assertTrue(Files.exists(dir.resolve("c")));
    }

    @Test
    void fallsBackPastUnavailableAndFailingSources() {
        FakeSource unavailable = new FakeSource("tool is not on the PATH", false);
        FakeSource failing = new FakeSource(null, true);
        FakeSource working = new FakeSource(null, false);

        Fetching.ensure("Test", dir.resolve("sub"), List.of("a"), List.of(unavailable, failing, working));

        assertTrue(unavailable.calls.isEmpty());
        assertEquals(1, failing.calls.size());
        assertEquals(1, working.calls.size());
        assertTrue(Files.exists(dir.resolve("sub/a")));
    }

    @Test
    void whenEverySourceFailsTheErrorListsWhatWasTried() {
        DataException e = assertThrows(DataException.class, () -> Fetching.ensure("Test", dir, List.of("a"),
                List.of(new FakeSource("npm is not on the PATH", false), new FakeSource(null, true))));

        assertTrue(e.getMessage().contains("npm is not on the PATH"), e.getMessage());
        assertTrue(e.getMessage().contains("boom"), e.getMessage());
        assertTrue(e.getMessage().contains("[a]"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void httpSourceFallsBackToTheNextMirror() throws Exception {
        byte[] body = TestFiles.gzip(TestFiles.idxLabels(TestFiles.cyclicLabels(5)));
        served.put("/mirror2/lbls.gz", body);
        HttpSource source = new HttpSource(List.of(url("/mirror1/"), url("/mirror2/")), ".gz");

        Fetching.ensure("Test", dir, List.of("lbls"), List.of(source));

        assertArrayEquals(body, Files.readAllBytes(dir.resolve("lbls.gz")));
        assertEquals(List.of("/mirror1/lbls.gz", "/mirror2/lbls.gz"), requests);
        assertFalse(Files.exists(dir.resolve("lbls.gz.part")));
    }

    @Test
    void archiveSourceChecksTheArchiveAndExtractsOnlyTheWantedEntries() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("batches/b1.bin", TestFiles.cifarBatch(2, 0));
        entries.put("batches/readme.html", "not wanted".getBytes());
        entries.put("batches/b2.bin", TestFiles.cifarBatch(3, 1));
        byte[] archive = TestFiles.tarGz(entries);
        served.put("/data.tar.gz", archive);
        TarGzArchiveSource source = new TarGzArchiveSource(url("/data.tar.gz"), TestFiles.md5(archive), "batches");

        Fetching.ensure("Test", dir, List.of("b1.bin", "b2.bin"), List.of(source));

        assertArrayEquals(TestFiles.cifarBatch(2, 0), Files.readAllBytes(dir.resolve("b1.bin")));
        assertArrayEquals(TestFiles.cifarBatch(3, 1), Files.readAllBytes(dir.resolve("b2.bin")));
        assertFalse(Files.exists(dir.resolve("readme.html")));
        try (var listing = Files.list(dir)) {
            assertEquals(2, listing.count(), "the scratch download is cleaned up");
        }
        ImageDataset data = new Cifar10(dir, List.of(new CifarBinary.BatchFile("b1.bin", 2, null)),
                List.of(new CifarBinary.BatchFile("b2.bin", 3, null))).loadTest();
        assertEquals(3, data.size());
    }

    @Test
    void archiveWithTheWrongChecksumIsRejected() throws Exception {
        byte[] archive = TestFiles.tarGz(Map.of("batches/b1.bin", TestFiles.cifarBatch(2, 0)));
        served.put("/data.tar.gz", archive);
        TarGzArchiveSource source = new TarGzArchiveSource(url("/data.tar.gz"),
                Checksum.md5("00000000000000000000000000000000"), "batches");

        DataException e = assertThrows(DataException.class,
                () -> Fetching.ensure("Test", dir, List.of("b1.bin"), List.of(source)));

        assertTrue(e.getMessage().contains("does not have the official MD5"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("b1.bin")));
    }

    @Test
    void archiveLackingAnEntryIsRejected() throws Exception {
        byte[] archive = TestFiles.tarGz(Map.of("batches/b1.bin", TestFiles.cifarBatch(2, 0)));
        served.put("/data.tar.gz", archive);
        TarGzArchiveSource source = new TarGzArchiveSource(url("/data.tar.gz"), TestFiles.md5(archive), "batches");

        DataException e = assertThrows(DataException.class,
                () -> Fetching.ensure("Test", dir, List.of("b1.bin", "b9.bin"), List.of(source)));

        assertTrue(e.getMessage().contains("b9.bin"), e.getMessage());
    }
}
