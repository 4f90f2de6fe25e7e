package cnnlabs.kernel;

import cnnlabs.run.Runner;
import cnnlabs.run.results.HtmlReport;
import cnnlabs.run.tables.MarkdownTable;
import java.util.regex.Pattern;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

/**
 * How the kernel shows the labs' tables: Markdown (a table, a heading), a {@link MarkdownTable} and a run
 * ({@link Runner.Finished}: its {@code table.md}) as HTML, with the Markdown and the plain text beside it for frontends
 * that take those; any other text as text. The same for a cell's last value and for {@code display(...)} in a cell.
 */
final class RichDisplays {

    /** A Markdown table's header separator row, e.g. {@code | --- | :---: |}. */
    private static final Pattern TABLE_RULE = Pattern.compile("(?m)^\\s*\\|?(\\s*:?-{3,}:?\\s*\\|)+\\s*:?-*:?\\s*$");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} \\S");

    private RichDisplays() {
    }

    /** Registers the renderings on {@code renderer}. */
    static void register(Renderer renderer) {
        renderer.createRegistration(String.class).preferring(MIMEType.TEXT_PLAIN)
                .supporting(MIMEType.TEXT_MARKDOWN, MIMEType.TEXT_HTML)
                .register((s, ctx) -> put(ctx.getOutputContainer(), s));
        renderer.createRegistration(MarkdownTable.class).preferring(MIMEType.TEXT_HTML)
                .supporting(MIMEType.TEXT_PLAIN, MIMEType.TEXT_MARKDOWN)
                .register((t, ctx) -> putMarkdown(ctx.getOutputContainer(), t.toString()));
        renderer.createRegistration(Runner.Finished.class).preferring(MIMEType.TEXT_HTML)
                .supporting(MIMEType.TEXT_PLAIN, MIMEType.TEXT_MARKDOWN)
                .register((run, ctx) -> putMarkdown(ctx.getOutputContainer(), run.result().table()));
    }

    /** Whether {@code text} reads as Markdown worth rendering: it has a table or a heading. */
    static boolean isMarkdown(String text) {
        return TABLE_RULE.matcher(text).find() || HEADING.matcher(text).find();
    }

    private static void put(DisplayData out, String text) {
        if (isMarkdown(text)) {
            putMarkdown(out, text);
        } else {
            out.putText(text);
        }
    }

    private static void putMarkdown(DisplayData out, String markdown) {
        out.putText(markdown);
        out.putMarkdown(markdown);
        out.putHTML(HtmlReport.markdown(markdown));
    }
}
