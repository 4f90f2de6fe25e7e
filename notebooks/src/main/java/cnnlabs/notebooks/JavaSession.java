package cnnlabs.notebooks;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * One JShell session in this JVM (the JDK's {@code jdk.jshell}, local execution): what a notebook's code cells run in,
 * top to bottom, sharing their declarations. Snippets see the classes this JVM already has (cnnlabs, DL4J, ND4J with
 * its native libraries loaded once), because the classes JShell compiles are defined in a loader whose parent is the
 * caller's. A cell is split into snippets with JShell's own source analysis; each cell's standard output is captured,
 * and the value of its last expression is kept as an object, so that a picture can be shown as a picture.
 */
public final class JavaSession implements AutoCloseable {

    private final JShell shell;
    private final SourceCodeAnalysis analysis;

    /** What one cell did: its printed text, its last value (or null), and its error (or null). */
    public record CellResult(String stdout, Object value, String valueText, String error) {
        public boolean failed() {
            return error != null;
        }
    }

    /** A session whose snippets see {@code parent}'s classes and compile against {@code classPath}. */
    public JavaSession(ClassLoader parent, List<String> classPath) {
        ExecutionControlProvider local = new ExecutionControlProvider() {
            @Override
            public String name() {
                return "cnnlabs-local";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return new LocalExecutionControl(new ChildLoader(parent));
            }
        };
        this.shell = JShell.builder().executionEngine(local, Map.of()).build();
        for (String entry : classPath) {
            shell.addToClasspath(entry);
        }
        this.analysis = shell.sourceCodeAnalysis();
    }

    /** A session over this JVM's own classes: the caller's class loader and class path. */
    public static JavaSession here() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return new JavaSession(loader, classPath(loader));
    }

    /**
     * The class path the compiler needs to see what {@code loader} loads: surefire's test class path, a URL class
     * loader's URLs (Maven's exec:java), or java.class.path.
     */
    static List<String> classPath(ClassLoader loader) {
        Set<String> out = new LinkedHashSet<>();
        String surefire = System.getProperty("surefire.test.class.path");
        if (surefire != null && !surefire.isBlank()) {
            out.addAll(List.of(surefire.split(File.pathSeparator)));
        }
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        out.add(new File(url.getPath()).getPath());
                    }
                }
            }
        }
        out.addAll(List.of(System.getProperty("java.class.path", "").split(File.pathSeparator)));
        out.removeIf(String::isBlank);
        return new ArrayList<>(out);
    }

    /**
     * Runs {@code source} (a cell: imports, declarations, statements, expressions) snippet by snippet; stops at the
     * first snippet that does not compile or throws, and says which and why.
     */
    public CellResult run(String source) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        Object value = null;
        String valueText = null;
        try {
            String remaining = source;
            while (!remaining.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
                if (!info.completeness().isComplete()) {
                    if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                        break;
                    }
                    return new CellResult(text(captured), null, null, "the cell ends inside a snippet: "
                            + firstLine(remaining));
                }
                String snippet = info.source();
                remaining = info.remaining();
                value = null;
                valueText = null;
                for (SnippetEvent event : shell.eval(snippet)) {
                    if (event.causeSnippet() != null) {
                        continue; // a dependent snippet's status update
                    }
                    String error = error(event);
                    if (error != null) {
                        return new CellResult(text(captured), null, null, error);
                    }
                    Snippet s = event.snippet();
                    if (isValue(s)) {
                        valueText = event.value();
                        value = fetch(name(s));
                    }
                }
            }
        } finally {
            capture.flush();
            System.setOut(original);
        }
        return new CellResult(text(captured), value, valueText, null);
    }

    /** Whether {@code s} is an expression whose value a notebook shows (a bare expression, not a declaration). */
    private static boolean isValue(Snippet s) {
        return s instanceof ExpressionSnippet
                || (s instanceof VarSnippet && s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND);
    }

    private static String name(Snippet s) {
        return s instanceof VarSnippet v ? v.name() : ((ExpressionSnippet) s).name();
    }

    /** The object a variable holds, handed over through {@link Values}. */
    private Object fetch(String variable) {
        Values.clear();
        for (SnippetEvent e : shell.eval(Values.class.getCanonicalName() + ".keep(" + variable + ");")) {
            if (e.exception() != null || e.status() == Snippet.Status.REJECTED) {
                return null;
            }
        }
        return Values.take();
    }

    private String error(SnippetEvent event) {
        if (event.status() == Snippet.Status.REJECTED) {
            String diagnostics = shell.diagnostics(event.snippet()).map(d -> d.getMessage(java.util.Locale.ROOT))
                    .collect(Collectors.joining("; "));
            return "does not compile: " + firstLine(event.snippet().source()) + " -> " + diagnostics;
        }
        if (event.exception() instanceof EvalException e) {
            return "threw " + e.getExceptionClassName() + ": " + e.getMessage() + " (in: " + firstLine(event.snippet().source())
                    + ")";
        }
        if (event.exception() instanceof UnresolvedReferenceException u) {
            return "refers to something undefined: " + firstLine(u.getSnippet().source());
        }
        if (event.exception() != null) {
            return "failed: " + event.exception();
        }
        return null;
    }

    private static String firstLine(String source) {
        String line = source.strip().lines().findFirst().orElse("");
        return line.length() > 100 ? line.substring(0, 100) + "..." : line;
    }

    private static String text(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        shell.close();
    }

    /** Where a snippet leaves a value for the runner to pick up (the runner and the snippets share this class). */
    public static final class Values {
        private static Object kept;

        private Values() {
        }

        public static void keep(Object value) {
            kept = value;
        }

        static Object take() {
            Object v = kept;
            kept = null;
            return v;
        }

        static void clear() {
            kept = null;
        }
    }

    /**
     * Defines the classes JShell compiles in a loader whose parent is the caller's, so that snippets use the classes
     * (and native libraries) this JVM has already loaded instead of second copies.
     */
    private static final class ChildLoader implements LoaderDelegate {
        private final Map<String, byte[]> bytecodes = new HashMap<>();
        private final Map<String, Class<?>> defined = new HashMap<>();
        private final Loader loader;

        ChildLoader(ClassLoader parent) {
            this.loader = new Loader(parent);
        }

        private final class Loader extends ClassLoader {
            Loader(ClassLoader parent) {
                super("jshell-snippets", parent);
            }

            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = bytecodes.get(name);
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }
        }

        @Override
        public void load(ExecutionControl.ClassBytecodes[] cbcs) throws ExecutionControl.ClassInstallException {
            boolean[] installed = new boolean[cbcs.length];
            try {
                for (ExecutionControl.ClassBytecodes c : cbcs) {
                    bytecodes.put(c.name(), c.bytecodes());
                }
                for (int i = 0; i < cbcs.length; i++) {
                    defined.put(cbcs[i].name(), loader.loadClass(cbcs[i].name()));
                    installed[i] = true;
                }
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ExecutionControl.ClassInstallException("cannot load " + e.getMessage(), installed);
            }
        }

        @Override
        public void classesRedefined(ExecutionControl.ClassBytecodes[] cbcs) {
            for (ExecutionControl.ClassBytecodes c : cbcs) {
                bytecodes.put(c.name(), c.bytecodes());
            }
        }

        @Override
        public void addToClasspath(String path) {
            // the parent already loads everything on the class path; the compiler gets it from JShell itself
        }

        @Override
        public Class<?> findClass(String name) throws ClassNotFoundException {
            Class<?> c = defined.get(name);
            return c != null ? c : loader.loadClass(name);
        }
    }
}
