package cnnlabs.experiments.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * A run's {@code report.html}, and the results index {@code results/index.html}: plain, self-contained pages
 * that open offline in any browser. The report shows the run's status, its table ({@code table.md} as HTML),
 * every PNG in the folder (linked relatively, so the folder can be moved or zipped as a whole), its config and
 * environment, and links to its other files. Built only from what is in the folder, so it never links a file
 * that is not there.
 */
public final class HtmlReport {

    public static final String REPORT = "report.html";
    public static final String INDEX = "index.html";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<org.commonmark.Extension> MARKDOWN = List.of(TablesExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(MARKDOWN).build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(MARKDOWN).escapeHtml(true).build();

    private static final String STYLE = """
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto; max-width: 1200px;
                   padding: 0 1em; color: #222; line-height: 1.45; }
            h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
            th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
            th { background: #f3f3f3; } code { background: #f3f3f3; padding: 0 0.2em; }
            figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
            figcaption { color: #555; font-size: 0.9em; } .status { font-weight: bold; }
            .completed { color: #1a7f37; } .failed { color: #c62828; } .running { color: #9a6700; }
            """;

    private HtmlReport() {
    }

    /** Writes {@code report.html} into the run folder {@code dir} from the files it holds now. */
    public static Path writeReport(Path dir) {
        String experiment = dir.getParent().getFileName().toString();
        JsonNode summary = readJson(dir.resolve("summary.json"));
        String status = summary == null ? "unknown" : summary.path("status").asText("unknown");
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>").append(escape(experiment)).append(" · ").append(escape(dir.getFileName().toString()))
                .append("</title><style>").append(STYLE).append("</style></head><body>\n")
                .append("<p><a href=\"../../").append(INDEX).append("\">All experiments</a></p>\n")
                .append("<h1>").append(escape(experiment)).append("</h1>\n")
                .append("<p>Run <code>").append(escape(dir.getFileName().toString())).append("</code> · status: <span class=\"status ")
                .append(escape(status)).append("\">").append(escape(status)).append("</span>");
        if (summary != null && summary.hasNonNull("error")) {
            html.append(" · ").append(escape(summary.get("error").asText()));
        }
        html.append("</p>\n");

        Path table = dir.resolve("table.md");
        if (Files.isRegularFile(table)) {
            html.append("<h2>Results</h2>\n").append(RENDERER.render(PARSER.parse(read(table))));
        }
        List<Path> images = files(dir, ".png");
        if (!images.isEmpty()) {
            html.append("<h2>Plots</h2>\n");
            for (Path image : images) {
                String name = image.getFileName().toString();
                html.append("<figure><img src=\"").append(escape(name)).append("\" alt=\"").append(escape(name))
                        .append("\"><figcaption>").append(escape(name)).append("</figcaption></figure>\n");
            }
        }
        appendJsonTable(html, "Configuration", readJson(dir.resolve("config.json")));
        appendJsonTable(html, "Environment", readJson(dir.resolve("env.json")));
        html.append("<h2>Files</h2>\n<ul>\n");
        for (Path file : files(dir, "")) {
            String name = file.getFileName().toString();
            if (!name.equals(REPORT)) {
                html.append("<li><a href=\"").append(escape(name)).append("\">").append(escape(name)).append("</a></li>\n");
            }
        }
        html.append("</ul>\n</body></html>\n");
        return write(dir.resolve(REPORT), html.toString());
    }

    /** Writes {@code index.html} under {@code resultsRoot}: the latest run of each experiment, with its status. */
    public static Path writeIndex(Path resultsRoot) {
        StringBuilder rows = new StringBuilder();
        for (Path experiment : directories(resultsRoot)) {
            List<Path> runs = directories(experiment);
            if (runs.isEmpty()) {
                continue;
            }
            Path latest = runs.get(runs.size() - 1);
            JsonNode summary = readJson(latest.resolve("summary.json"));
            String status = summary == null ? "unknown" : summary.path("status").asText("unknown");
            String name = experiment.getFileName().toString();
            String run = latest.getFileName().toString();
            String link = Files.isRegularFile(latest.resolve(REPORT))
                    ? "<a href=\"" + escape(name + "/" + run + "/" + REPORT) + "\">" + escape(run) + "</a>" : escape(run);
            rows.append("<tr><td>").append(escape(name)).append("</td><td>").append(link).append("</td><td class=\"status ")
                    .append(escape(status)).append("\">").append(escape(status)).append("</td><td>").append(runs.size())
                    .append("</td></tr>\n");
        }
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>cnnlabs results</title><style>"
                + STYLE + "</style></head><body>\n<h1>cnnlabs results</h1>\n"
                + "<p>The latest run of each experiment. Every run folder has its own <code>report.html</code>.</p>\n"
                + "<table><thead><tr><th>Experiment</th><th>Latest run</th><th>Status</th><th>Runs</th></tr></thead><tbody>\n"
                + rows + "</tbody></table>\n</body></html>\n";
        return write(resultsRoot.resolve(INDEX), html);
    }

    private static void appendJsonTable(StringBuilder html, String title, JsonNode node) {
        if (node == null || !node.isObject()) {
            return;
        }
        html.append("<h2>").append(title).append("</h2>\n<table><tbody>\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String value = e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString();
            html.append("<tr><th>").append(escape(e.getKey())).append("</th><td>").append(escape(value)).append("</td></tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> directories(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            return null;  // a half-written or foreign file: the report shows no table for it rather than failing the run
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path target, String html) {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
