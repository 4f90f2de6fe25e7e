package cnnlabs.notebooks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * Runs a notebook's code cells top to bottom in one {@link JavaSession} and puts what each printed and returned under
 * it, as Jupyter would: printed text as a {@code stream} output, the last expression's value as an
 * {@code execute_result} (a picture as {@code image/png}; null shows nothing), a failure as an {@code error} output. Lines starting with
 * {@code %} are JJava's magics ({@code %classpath}, {@code %jars}); the session already has the project's class path,
 * so the runner skips them.
 *
 * <p>It also holds the notebooks to their checks: a cell whose value is a {@link Check.Verdict} (a model checked
 * against the registry) must say right; an exercise's check cell ({@link Exercises}) must not say right against the
 * unanswered stub, and, run again with the stub's methods renamed to the solution's, must say right. Otherwise the
 * cell fails as a cell that throws does.
 */
public final class NotebookRunner {

    private NotebookRunner() {
    }

    /** A cell that failed: which notebook, which cell (1-based, counting every cell), and why. */
    public static final class CellFailed extends Exception {
        private static final long serialVersionUID = 1L;

        CellFailed(Path notebook, int cell, String error) {
            super(notebook.getFileName() + ", cell " + cell + ": " + error);
        }

        CellFailed(Path notebook, String error) {
            super(notebook.getFileName() + ", " + error);
        }
    }

    /**
     * What is wrong with a cell's checks, or null: a verdict that should be right and is not; an exercise check that
     * is right before the exercise is answered, or not right about the solution; an exercise check without a verdict.
     */
    private static String checkProblem(JavaSession session, Exercises.Mark mark, String source, Object value) {
        boolean exerciseCheck = mark != null && mark.role() == Exercises.Role.CHECK;
        if (!(value instanceof Check.Verdict verdict)) {
            return exerciseCheck ? "exercise " + mark.exercise() + "'s check cell must end in a Check verdict" : null;
        }
        if (!exerciseCheck) {
            return verdict.right() ? null : "the check is not right: " + verdict;
        }
        if (verdict.right()) {
            return "exercise " + mark.exercise() + "'s check says right before the exercise is answered: " + verdict;
        }
        JavaSession.CellResult solved = session.run(Exercises.rename(source, mark.solution()));
        if (solved.failed()) {
            return "exercise " + mark.exercise() + "'s check, run on the solution " + mark.solution().values()
                    + ", failed: " + solved.error();
        }
        if (!(solved.value() instanceof Check.Verdict s) || !s.right()) {
            return "exercise " + mark.exercise() + "'s check, run on the solution " + mark.solution().values()
                    + ", is not right: " + solved.value();
        }
        return null;
    }

    /**
     * Runs {@code file}'s code cells in a fresh session, fills in their outputs, and returns the notebook; the first
     * failing cell throws {@link CellFailed} naming it (its error output is filled in first).
     */
    public static Notebook run(Path file) throws IOException, CellFailed {
        Notebook notebook = Notebook.read(file);
        String malformed = Exercises.validate(notebook.cells());
        if (malformed != null) {
            throw new CellFailed(file, malformed);
        }
        int count = 0;
        int index = 0;
        try (JavaSession session = JavaSession.here()) {
            for (ObjectNode cell : notebook.cells()) {
                index++;
                if (!Notebook.isCode(cell)) {
                    continue;
                }
                count++;
                String source = withoutMagics(Notebook.source(cell));
                JavaSession.CellResult r = session.run(source);
                if (!r.failed()) {
                    String wrong = checkProblem(session, Exercises.mark(cell), source, r.value());
                    if (wrong != null) {
                        r = new JavaSession.CellResult(r.stdout(), null, null, wrong);
                    }
                }
                ArrayNode outputs = Notebook.outputs();
                if (!r.stdout().isEmpty()) {
                    ObjectNode stream = outputs.addObject();
                    stream.put("output_type", "stream");
                    stream.put("name", "stdout");
                    stream.set("text", Notebook.lines(r.stdout()));
                }
                if (r.failed()) {
                    ObjectNode error = outputs.addObject();
                    error.put("output_type", "error");
                    error.put("ename", "CellFailed");
                    error.put("evalue", r.error());
                    error.set("traceback", Notebook.lines(r.error()));
                    Notebook.setOutputs(cell, outputs, count);
                    throw new CellFailed(file, index, r.error());
                }
                if (r.value() != null || (r.valueText() != null && !r.valueText().equals("null"))) {
                    outputs.add(result(r, count)); // a null value shows nothing, as in Jupyter's Java kernels
                }
                Notebook.setOutputs(cell, outputs, count);
            }
        }
        return notebook;
    }

    private static ObjectNode result(JavaSession.CellResult r, int count) throws IOException {
        ObjectNode out = Notebook.object();
        out.put("output_type", "execute_result");
        out.put("execution_count", count);
        ObjectNode data = out.putObject("data");
        if (r.value() instanceof RenderedImage image) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(image, "png", png);
            data.put("image/png", Base64.getEncoder().encodeToString(png.toByteArray()));
            data.set("text/plain", Notebook.lines("<" + image.getWidth() + "x" + image.getHeight() + " image>"));
        } else {
            String text = r.value() instanceof String s ? s : r.valueText();
            data.set("text/plain", Notebook.lines(text == null ? "null" : text));
        }
        out.putObject("metadata");
        return out;
    }

    /** {@code source} without its JJava magic lines. */
    static String withoutMagics(String source) {
        StringBuilder out = new StringBuilder();
        for (String line : source.split("\n", -1)) {
            out.append(line.stripLeading().startsWith("%") ? "" : line).append('\n');
        }
        return out.toString();
    }
}
