package cnnlabs.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Headless Chromium for tests that look at a page as a browser renders it (Debian's chromium; ./run-tests installs it). */
public final class Chromium {

    private Chromium() {
    }

    /**
     * The DOM of {@code url} after its scripts ran for up to {@code virtualMillis} of Chromium's virtual time (timers
     * and network included), as {@code --dump-dom} prints it.
     */
    public static String dumpDom(String url, int virtualMillis) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        try {
            Process chromium = new ProcessBuilder(path(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + profile, "--allow-file-access-from-files",
                    "--virtual-time-budget=" + virtualMillis, "--dump-dom", url)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(chromium.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
            return dom;
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Debian's chromium on the PATH (or -Dchromium=PATH); fails with what to install when there is none. */
    public static String path() {
        String configured = System.getProperty("chromium");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        throw new AssertionError("No Chromium found on the PATH: this test renders a page in a real browser. "
                + "Install Debian's chromium (apt-get install chromium; ./run-tests does it) or point -Dchromium=PATH at one.");
    }
}
