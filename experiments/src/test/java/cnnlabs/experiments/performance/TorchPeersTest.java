package cnnlabs.experiments.performance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How Throughput finds the PyTorch installations and sizes its timings. */
class TorchPeersTest {

    @TempDir
    Path tmp;

    @Test
    void findsAPythonWithTorchAndSaysWhyOthersAreNotUsed() throws Exception {
        Path withTorch = script("with-torch", "echo 2.13.0+cpu");
        Path without = script("without", "echo \"ModuleNotFoundError: No module named 'torch'\"; exit 1");

        TorchPeers.Found found = TorchPeers.find(withTorch.toString());
        assertEquals(withTorch.toString(), found.peers().get(0).python());
        assertEquals("2.13.0+cpu", found.peers().get(0).torch());

        TorchPeers.Found none = TorchPeers.find(without.toString());
        assertFalse(none.peers().stream().anyMatch(p -> p.python().equals(without.toString())));
        assertTrue(none.skipped().contains(without + ": no torch"), none.skipped().toString());
    }

    @Test
    void largerModelsGetFewerStepsPerTiming() {
        assertEquals(20, Throughput.steps(400_000)); // LeNet-5-sized
        assertEquals(20, Throughput.steps(25_000_000));
        assertEquals(10, Throughput.steps(50_000_000));
        assertEquals(3, Throughput.steps(556_000_000)); // ResNet-18 at 32x32
    }

    private Path script(String name, String body) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
