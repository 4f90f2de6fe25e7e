package cnnlabs.experiments.performance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How Throughput reads each PyTorch's output, finds the installations, and sizes its timings. */
class TorchPeersTest {

    @TempDir
    Path tmp;

    /**
     * What throughput.py printed (--iters 2) under Debian's python3-torch, which calls itself 1.13.0a0, with a warning
     * line put in front (PyTorch prints some on the same stream).
     */
    static final String TORCH_113 = """
            UserWarning: TypedStorage is deprecated
            {"model": "lenet5", "train_images_per_sec": 6862.120774340883, "inference_images_per_sec": 16520.369438068592, "train_memory_format": "channels_last", "inference_memory_format": "contiguous", "threads": 2, "torch": "1.13.0a0"}
            """;
    /** What it printed under PyTorch 2.13 from the pip mirror, two models (one format changed to test both fields). */
    static final String TORCH_2 = """
            {"model": "mobilenetv2", "train_images_per_sec": 583.66, "inference_images_per_sec": 3135.96, "train_memory_format": "channels_last", "inference_memory_format": "channels_last", "threads": 2, "torch": "2.13.0+cpu"}
            {"model": "small_cnn", "train_images_per_sec": 1172.06, "inference_images_per_sec": 1720.17, "train_memory_format": "channels_last", "inference_memory_format": "contiguous", "threads": 2, "torch": "2.13.0+cpu"}
            """;

    @Test
    void parsesBothPyTorchVariantsSkippingTheirWarnings() throws Exception {
        Map<String, TorchPeers.Measurement> old = TorchPeers.parse(new TorchPeers.Peer("/usr/bin/python3", "1.13.0a0"),
                TORCH_113);
        assertEquals(List.of("lenet5"), List.copyOf(old.keySet()));
        TorchPeers.Measurement lenet = old.get("lenet5");
        assertEquals(6862.120774340883, lenet.train(), 1e-9);
        assertEquals(16520.369438068592, lenet.inference(), 1e-9);
        assertEquals("channels_last", lenet.trainFormat());
        assertEquals("contiguous", lenet.inferenceFormat());
        assertEquals("1.13.0a0", lenet.torch());

        Map<String, TorchPeers.Measurement> recent = TorchPeers.parse(new TorchPeers.Peer("/v/bin/python", "2.13.0+cpu"),
                TORCH_2);
        assertEquals(List.of("mobilenetv2", "small_cnn"), List.copyOf(recent.keySet()));
        assertEquals("channels_last", recent.get("small_cnn").trainFormat());
        assertEquals("contiguous", recent.get("small_cnn").inferenceFormat());
        assertEquals("2.13.0+cpu", recent.get("mobilenetv2").torch());
        assertEquals("/v/bin/python", recent.get("mobilenetv2").python());
    }

    @Test
    void eachSideOfTwoPassesKeepsItsBest() {
        TorchPeers.Measurement a = new TorchPeers.Measurement("m", "2.13", "p", 100, 500, "contiguous", "channels_last");
        TorchPeers.Measurement b = new TorchPeers.Measurement("m", "2.13", "p", 120, 400, "channels_last", "contiguous");
        TorchPeers.Measurement best = Throughput.better(a, b);
        assertEquals(120, best.train());
        assertEquals("channels_last", best.trainFormat());
        assertEquals(500, best.inference());
        assertEquals("channels_last", best.inferenceFormat());
    }

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
