package cnnlabs.run.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * A run's {@code report.html}, and the results index {@code results/index.html}: plain, self-contained pages
 * that open offline in any browser. The report shows the run's status, its table as HTML, its pictures (linked
 * relatively, so the folder can be moved or zipped as a whole), its config and environment, and links to every
 * file the run wrote. {@link ExperimentRun} publishes it from memory after each event.
 */
public final class HtmlReport {

    public static final String REPORT = "report.html";
    public static final String INDEX = "index.html";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
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
            .completed { color: #1a7f37; } .failed, .diverged { color: #c62828; } .running { color: #9a6700; }
            """;

    private HtmlReport() {
    }

    /**
     * What a report shows of one run, as the run holds it in memory.
     *
     * @param table    the table's Markdown, or null before there is one
     * @param pictures PNG files in the order they were made
     * @param files    every file the run wrote
     */
    public record RunView(String experiment, String run, RunSummary summary, String table, List<String> pictures,
                          Map<String, Object> config, Map<String, Object> environment, List<String> files) {
    }

    /** {@code markdown} (GitHub tables included) as HTML, raw HTML in it escaped: what reports and the kernel show. */
    public static String markdown(String markdown) {
        return RENDERER.render(PARSER.parse(markdown));
    }

    /** The run's {@code report.html}. */
    public static String report(RunView view) {
        String status = view.summary().status().label();
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>").append(escape(view.experiment())).append(" · ").append(escape(view.run()))
                .append("</title><style>").append(STYLE).append("</style></head><body>\n")
                .append("<p><a href=\"../../").append(INDEX).append("\">All experiments</a></p>\n")
                .append("<h1>").append(escape(view.experiment())).append("</h1>\n")
                .append("<p>Run <code>").append(escape(view.run())).append("</code> · status: <span class=\"status ")
                .append(escape(status)).append("\">").append(escape(status)).append("</span>");
        if (view.summary().error() != null) {
            html.append(" · ").append(escape(view.summary().error()));
        }
        html.append("</p>\n");
        if (view.table() != null) {
            html.append("<h2>Results</h2>\n").append(markdown(view.table()));
        }
        if (!view.pictures().isEmpty()) {
            html.append("<h2>Plots</h2>\n");
            for (String name : view.pictures()) {
                html.append("<figure><img src=\"").append(escape(name)).append("\" alt=\"").append(escape(name))
                        .append("\"><figcaption>").append(escape(name)).append("</figcaption></figure>\n");
            }
        }
        appendTable(html, "Configuration", view.config());
        appendTable(html, "Environment", view.environment());
        html.append("<h2>Files</h2>\n<ul>\n");
        for (String name : view.files().stream().sorted().toList()) {
            html.append("<li><a href=\"").append(escape(name)).append("\">").append(escape(name)).append("</a></li>\n");
        }
        html.append("</ul>\n</body></html>\n");
        return html.toString();
    }

    /**
     * Writes {@code index.html} under {@code resultsRoot}: the latest run of each experiment, with its status. The
     * publishing run's status comes from memory; other runs' from their {@code summary.json}.
     */
    public static Path writeIndex(Path resultsRoot, Path publishingRun, RunSummary.Status publishingStatus) {
        StringBuilder rows = new StringBuilder();
        for (Path experiment : directories(resultsRoot)) {
            List<Path> runs = directories(experiment);
            if (runs.isEmpty()) {
                continue;
            }
            Path latest = runs.get(runs.size() - 1);
            String status = latest.equals(publishingRun) ? publishingStatus.label() : RunHistory.status(latest);
            String name = experiment.getFileName().toString();
            String run = latest.getFileName().toString();
            String link = "<a href=\"" + escape(name + "/" + run + "/" + REPORT) + "\">" + escape(run) + "</a>";
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

    private static void appendTable(StringBuilder html, String title, Map<String, Object> values) {
        html.append("<h2>").append(title).append("</h2>\n<table><tbody>\n");
        for (Map.Entry<String, Object> e : values.entrySet()) {
            JsonNode node = JSON.valueToTree(e.getValue());
            String value = node.isValueNode() ? node.asText() : node.toString();
            html.append("<tr><th>").append(escape(e.getKey())).append("</th><td>").append(escape(value)).append("</td></tr>\n");
        }
        html.append("</tbody></table>\n");
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



    private static Path write(Path target, String html) {
        return RunDirectory.writeAtomically(target, tmp -> Files.writeString(tmp, html, StandardCharsets.UTF_8));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
