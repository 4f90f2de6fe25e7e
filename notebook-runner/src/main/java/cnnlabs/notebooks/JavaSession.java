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
    private volatile boolean stopped;

    /** What one cell did: its printed text, its last value (or null), and its error (or null). */
    public record CellResult(String stdout, Object value, String valueText, String error) {
        public boolean failed() {
            return error != null;
        }
    }

    /** A session whose snippets see {@code parent}'s classes and compile against {@code classPath}. */
    public JavaSession(ClassLoader parent, List<String> classPath) {
        ChildLoader loader = new ChildLoader(parent);
        ExecutionControlProvider local = new ExecutionControlProvider() {
            @Override
            public String name() {
                return "cnnlabs-local";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return new LocalExecutionControl(loader);
            }
        };
        this.shell = JShell.builder().executionEngine(local, Map.of()).build();
        for (String entry : classPath) {
            shell.addToClasspath(entry); // the compiler's; the parent loader already loads them
        }
        loader.loadAdditions = true;
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
    public static List<String> classPath(ClassLoader loader) {
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
        try {
            CellResult r = execute(source);
            capture.flush();
            return new CellResult(text(captured), r.value(), r.valueText(), r.error());
        } finally {
            System.setOut(original);
        }
    }

    /**
     * As {@link #run}, but what the cell prints goes where {@code System.out} goes while it runs (a kernel streams it
     * to the notebook as it comes); the result's {@code stdout} is empty.
     */
    public CellResult execute(String source) {
        stopped = false;
        Object value = null;
        String valueText = null;
        String remaining = source;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (!info.completeness().isComplete()) {
                if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                    break;
                }
                return new CellResult("", null, null, "the cell ends inside a snippet: "
                        + firstLine(remaining));
            }
            String snippet = info.source();
            remaining = info.remaining();
            value = null;
            valueText = null;
            List<SnippetEvent> events = shell.eval(snippet);
            if (stopped) {
                return new CellResult("", null, null, "interrupted (in: " + firstLine(snippet) + ")");
            }
            for (SnippetEvent event : events) {
                if (event.causeSnippet() != null) {
                    continue; // a dependent snippet's status update
                }
                String error = error(event);
                if (error != null) {
                    return new CellResult("", null, null, error);
                }
                Snippet s = event.snippet();
                if (isValue(s)) {
                    valueText = event.value();
                    value = fetch(name(s));
                }
            }
        }
        return new CellResult("", value, valueText, null);
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

    /**
     * Adds jars or class folders ({@code File.pathSeparator}-separated) to what later snippets compile against and
     * load: what JJava's {@code %classpath} and {@code %jars} magics do.
     */
    public void addToClasspath(String path) {
        shell.addToClasspath(path);
    }

    /** JShell's analysis of source: completeness, completions, documentation (what a kernel's editor asks for). */
    public SourceCodeAnalysis analysis() {
        return analysis;
    }

    /** Stops the snippet that is running (a kernel's interrupt); the cell then fails as interrupted. */
    public void stop() {
        stopped = true;
        shell.stop();
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
        /** Whether classpath additions reach the loader: not the session's own class path, only later ones. */
        private boolean loadAdditions;

        ChildLoader(ClassLoader parent) {
            this.loader = new Loader(parent);
        }

        /** The snippets' classes, then the jars a cell added ({@code %jars}), then the parent's classes. */
        private final class Loader extends URLClassLoader {
            Loader(ClassLoader parent) {
                super("jshell-snippets", new URL[0], parent);
            }

            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = bytecodes.get(name);
                if (b == null) {
                    return super.findClass(name);
                }
                return defineClass(name, b, 0, b.length);
            }

            void add(URL url) {
                addURL(url);
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
        public void addToClasspath(String path) throws ExecutionControl.InternalException {
            if (!loadAdditions) {
                return;
            }
            for (String entry : path.split(File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                try {
                    loader.add(new File(entry).toURI().toURL());
                } catch (java.net.MalformedURLException e) {
                    throw new ExecutionControl.InternalException("not a path: " + entry);
                }
            }
        }

        @Override
        public Class<?> findClass(String name) throws ClassNotFoundException {
            Class<?> c = defined.get(name);
            return c != null ? c : loader.loadClass(name);
        }
    }
}
