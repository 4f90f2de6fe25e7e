package cnnlabs.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.experiments.lab3.ConvolutionFilters;
import cnnlabs.run.results.HtmlReport;
import cnnlabs.run.settings.CommonSettings;
import cnnlabs.training.Console;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import cnnlabs.run.Engine;
import cnnlabs.run.Experiments;
import cnnlabs.training.Chromium;
import cnnlabs.run.Runner;

/**
 * A real browser renders a run's report.html: headless Chromium (Debian's {@code chromium}, which ./run-tests
 * installs) loads a copy of the page with a small script that, once the page has loaded, lists every image that
 * did not load; the test reads the result from the DOM Chromium dumps.
 */
class ReportInBrowserTest {

    private static final String CHECK = """
            <script>window.addEventListener('load', () => {
              const images = Array.from(document.images);
              const broken = images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
              const out = document.createElement('pre');
              out.id = 'image-check';
              out.textContent = 'images=' + images.length + ' broken=' + JSON.stringify(broken);
              document.body.appendChild(out);
            });</script>
            """;
    private static final Pattern RESULT = Pattern.compile("images=(\\d+) broken=(\\[[^<]*\\])");

    @TempDir
    Path results;

    @Test
    void everyImageOnAReportLoadsInChromium() throws Exception {
        Console quiet = new Console(new PrintStream(new ByteArrayOutputStream()), false);
        Runner.Finished run = Runs.run(new ConvolutionFilters(), CommonSettings.DEFAULTS, Runs.roots(results));
        Path dir = run.run().path();
        long pngs;
        try (Stream<Path> files = Files.list(dir)) {
            pngs = files.filter(p -> p.toString().endsWith(".png")).count();
        }

        Matcher check = render(dir.resolve(HtmlReport.REPORT));

        assertEquals(pngs, Long.parseLong(check.group(1)), "images on the page");
        assertEquals("[]", check.group(2), "images that did not load");
    }

    @Test
    void theCheckSeesAnImageThatDoesNotLoad() throws Exception {
        Path page = results.resolve("page.html");
        Files.writeString(page, "<!DOCTYPE html><html><body><img src=\"missing.png\"></body></html>");

        Matcher check = render(page);

        assertEquals("1", check.group(1));
        assertEquals("[\"missing.png\"]", check.group(2).replace("&quot;", "\""));
    }

    /** Loads a copy of {@code page} (same folder, so relative links resolve) with the check script in headless Chromium. */
    private static Matcher render(Path page) throws IOException, InterruptedException {
        String html = Files.readString(page, StandardCharsets.UTF_8);
        Path checked = page.resolveSibling(".browser-check.html");
        Files.writeString(checked, html.replace("</body>", CHECK + "</body>"), StandardCharsets.UTF_8);
        try {
            String dom = Chromium.dumpDom(checked.toUri().toString(), 10_000);
            Matcher m = RESULT.matcher(dom);
            assertTrue(m.find(), "the page's image check did not run; chromium printed:\n" + dom);
            return m;
        } finally {
            Files.deleteIfExists(checked);
        }
    }
}
