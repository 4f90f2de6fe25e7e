package cnnlabs.kernel;

import cnnlabs.notebooks.JavaSession;
import java.awt.image.RenderedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.PathMatcher;
import java.util.stream.Stream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import cnnlabs.run.Runner;
import cnnlabs.run.tables.MarkdownTable;
import jdk.jshell.SourceCodeAnalysis;
import org.dflib.jjava.jupyter.kernel.BaseNotebookStatics;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicTranspiler;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.kernel.util.TextColor;

/**
 * The cnnlabs Java kernel: Jupyter's messaging from JJava's protocol library ({@code org.dflib.jjava:jjava-jupyter}),
 * and behind it one {@link JavaSession}, the same JShell session the test suite runs the notebooks in. A cell is
 * plain Java (imports, declarations, statements, expressions), split into snippets by JShell's own source analysis;
 * what it prints streams to the notebook as it comes; its last expression's value is shown under it (a picture as
 * {@code image/png}, text as text, null as nothing); a cell that does not compile or throws shows one error paragraph
 * naming the snippet and why. Markdown tables, {@code MarkdownTable}s and runs show as HTML ({@link RichDisplays}), as
 * a last value or through {@code display(...)} anywhere in a cell (JJava's notebook functions are imported). JJava's
 * {@code %classpath} and {@code %jars} magics add jars or folders (globs allowed) to the session, and {@code %maven}
 * artifacts with their dependencies, resolved by Maven's resolver with the user's settings ({@link MavenArtifacts}).
 * Tab completes, Shift-Tab shows documentation, and an interrupt stops the running cell.
 */
public final class CnnlabsKernel extends BaseKernel {

    /** The kernel's name: its folder under Jupyter's {@code kernels/}, and the notebooks' {@code kernelspec}. */
    public static final String NAME = "cnnlabs-java";

    private final JavaSession session;
    private final MavenSource maven;
    private MavenArtifacts artifacts;

    /** Where {@code %maven} reads Maven's settings, on its first use. */
    @FunctionalInterface
    public interface MavenSource {
        MavenArtifacts open() throws IOException;
    }

    /** What a cell that failed shows: the session's one-paragraph error. */
    public static final class CellError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CellError(String message) {
            super(message, null, false, false);
        }
    }

    /** A kernel over {@code session}, with JJava's magic syntax, its class path magics and {@code %maven}. */
    public CnnlabsKernel(JavaSession session) {
        this(session, MavenArtifacts::userSettings);
    }

    /** As above, {@code %maven} reading Maven's settings from {@code maven}. */
    CnnlabsKernel(JavaSession session, MavenSource maven) {
        this(session, maven, new MagicsRegistry());
    }

    private CnnlabsKernel(JavaSession session, MavenSource maven, MagicsRegistry magics) {
        super(NAME, version(), new LanguageInfo.Builder("java").version(Runtime.version().toString())
                        .mimetype("text/x-java-source").fileExtension(".jshell").pygments("java").codemirror("java")
                        .build(),
                List.<HelpLink>of(), null,
                new JupyterIO(StandardCharsets.UTF_8), new CommManager(), new Renderer(),
                // JJava's syntax: a line magic starts its line (or follows '='), a cell magic starts its cell
                new MagicParser("(?<=(?:^|=))\\s*%", "%%", new MagicTranspiler()), magics, false,
                new StringStyler.Builder().addPrimaryStyle(TextColor.BOLD_RESET_FG)
                        .addSecondaryStyle(TextColor.BOLD_RED_FG).addHighlightStyle(TextColor.BOLD_RESET_FG)
                        .build());
        this.session = session;
        this.maven = maven;
        RichDisplays.register(renderer);
        magics.registerLineMagic("maven", (kernel, args) -> {
            List<Path> jars = artifacts().resolve(args);
            session.addToClasspath(String.join(File.pathSeparator, jars.stream().map(Path::toString).toList()));
            System.out.println("%maven: added " + jars.size() + " jar" + (jars.size() == 1 ? "" : "s") + " ("
                    + String.join(", ", jars.stream().map(p -> p.getFileName().toString()).toList()) + ")");
            return null;
        });
        magics.registerLineMagic("classpath", (kernel, args) -> {
            addToClasspath(args);
            return null;
        });
        magics.registerLineMagic("jars", (kernel, args) -> {
            addToClasspath(args);
            return null;
        });
    }

    private synchronized MavenArtifacts artifacts() throws IOException {
        if (artifacts == null) {
            artifacts = maven.open();
        }
        return artifacts;
    }

    private static String version() {
        String v = CnnlabsKernel.class.getPackage().getImplementationVersion();
        return v != null ? v : "development";
    }

    /** Adds every path or glob in {@code args} (each may hold several, split by the path separator). */
    private void addToClasspath(List<String> args) throws IOException {
        Set<String> entries = new LinkedHashSet<>();
        for (String arg : args) {
            for (String glob : arg.split(File.pathSeparator)) {
                if (glob.isBlank()) {
                    continue;
                }
                List<Path> found = resolve(glob.strip());
                if (found.isEmpty()) {
                    throw new IOException("%classpath: nothing matches '" + glob.strip() + "' (relative paths start at "
                            + Path.of("").toAbsolutePath() + ")");
                }
                found.forEach(p -> entries.add(p.toAbsolutePath().toString()));
            }
        }
        session.addToClasspath(String.join(File.pathSeparator, entries));
    }

    /** The files and folders {@code glob} names: a plain path as is (if it exists), else every match of the glob. */
    static List<Path> resolve(String glob) throws IOException {
        Path absolute = Path.of("").toAbsolutePath();
        int wild = indexOfWildcard(glob);
        if (wild < 0) {
            Path p = absolute.resolve(glob);
            return Files.exists(p) ? List.of(p) : List.of();
        }
        int cut = glob.lastIndexOf('/', wild);
        Path base = absolute.resolve(cut < 0 ? "" : glob.substring(0, Math.max(cut, 1))).normalize();
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        String pattern = base.resolve(glob.substring(cut + 1)).toString();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        int depth = pattern.contains("**") ? Integer.MAX_VALUE : (int) glob.substring(cut + 1).chars()
                .filter(c -> c == '/').count() + 1;
        try (Stream<Path> walk = Files.walk(base, depth)) {
            return walk.filter(matcher::matches).sorted().toList();
        }
    }

    private static int indexOfWildcard(String glob) {
        for (int i = 0; i < glob.length(); i++) {
            if ("*?[{".indexOf(glob.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Object evalRaw(String source) {
        JavaSession.CellResult r = session.execute(magicParser.resolveMagics(source));
        if (r.failed()) {
            throw new CellError(r.error());
        }
        Object value = r.value();
        if (value instanceof DisplayData || value instanceof RenderedImage || value instanceof String
                || value instanceof MarkdownTable || value instanceof Runner.Finished) {
            return value; // the renderer shows these (RichDisplays)
        }
        if (r.valueText() == null || (value == null && "null".equals(r.valueText()))) {
            return null; // a statement, a declaration, or a null value: nothing to show
        }
        return new DisplayData(r.valueText());
    }

    @Override
    public List<String> formatError(Throwable e) {
        if (e instanceof CellError) {
            return errorStyler.secondaryLines(e.getMessage());
        }
        return super.formatError(e);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        List<SourceCodeAnalysis.Documentation> docs = session.analysis().documentation(code, at, true);
        if (docs.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            text.append(d.signature()).append('\n');
            if (d.javadoc() != null && !d.javadoc().isBlank()) {
                text.append(d.javadoc().strip()).append("\n\n");
            }
        }
        return new DisplayData(text.toString().strip());
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        int[] anchor = {at};
        List<String> options = new ArrayList<>(new LinkedHashSet<>(session.analysis()
                .completionSuggestions(code, at, anchor).stream()
                .sorted((a, b) -> Boolean.compare(b.matchesType(), a.matchesType()))
                .map(SourceCodeAnalysis.Suggestion::continuation).toList()));
        return new ReplacementOptions(options, anchor[0], at);
    }

    @Override
    public String isComplete(String code) {
        String remaining = magicParser.resolveMagics(code);
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = session.analysis().analyzeCompletion(remaining);
            switch (info.completeness()) {
                case EMPTY:
                    return IS_COMPLETE_YES;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return "    "; // go on typing: the next line, indented
                case UNKNOWN:
                    return IS_COMPLETE_BAD;
                default:
                    remaining = info.remaining();
            }
        }
        return IS_COMPLETE_YES;
    }

    @Override
    public void interrupt() {
        session.stop();
    }

    /** Imports JJava's notebook functions ({@code display(...)}, {@code render(...)}) into the session. */
    @Override
    public void onStartup() {
        super.onStartup();
        JavaSession.CellResult r = session.execute("import static " + BaseNotebookStatics.class.getName() + ".*;");
        if (r.failed()) {
            throw new IllegalStateException("cannot import JJava's notebook functions: " + r.error());
        }
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        super.onShutdown(isRestarting);
        session.close();
    }
}
