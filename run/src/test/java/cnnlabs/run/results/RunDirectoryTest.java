package cnnlabs.run.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {

    @TempDir
    Path root;

    @Test
    void eachRunGetsItsOwnTimestampedFolder() {
        RunDirectory a = RunDirectory.create(root, "Exp");
        RunDirectory b = RunDirectory.create(root, "Exp");
        assertNotEquals(a.path(), b.path());
        assertTrue(a.path().getFileName().toString().matches("\\d{8}-\\d{6}-[0-9a-f]{6}"));
        assertEquals(root.resolve("Exp"), a.path().getParent());
    }

    @Test
    void jsonUsesSnakeCaseAndEndsWithANewline() throws IOException {
        RunDirectory run = RunDirectory.create(root, "Exp");
        record Sample(int batchSize, String someName) {
        }
        run.writeJson("a.json", new Sample(128, "x"));
        String text = Files.readString(run.path().resolve("a.json"));
        assertTrue(text.contains("\"batch_size\" : 128"), text);
        assertTrue(text.endsWith("}\n"));
    }

    @Test
    void aFailedWriteLeavesTheEarlierFileAndNoTemporaryFile() throws IOException {
        RunDirectory run = RunDirectory.create(root, "Exp");
        run.writeText("table.md", "first");
        assertThrows(UncheckedIOException.class, () -> run.writeWith("table.md", tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("disk full");
        }));
        assertEquals("first", Files.readString(run.path().resolve("table.md")));
        try (Stream<Path> files = Files.list(run.path())) {
            assertEquals(List.of("table.md"), files.map(p -> p.getFileName().toString()).toList());
        }
        run.writeJson("m.json", Map.of("k", 1));
        assertTrue(Files.exists(run.path().resolve("m.json")));
    }
}
