package cnnlabs.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The exercise cells of a notebook, marked in their metadata ({@code "cnnlabs": {"exercise": ID, "role": ROLE}}): for
 * each exercise a <em>stub</em> (what the student fills in: methods that {@code return Check.todo()}), then its
 * <em>solution</em>, hidden in Jupyter ({@code "jupyter": {"source_hidden": true}}) and defining the same methods under
 * other names, then a <em>check</em> (a cell ending in a {@link Check.Verdict}) about the stub's methods. The check's
 * metadata maps each stub method to its solution ({@code "solution": {"mbConv": "mbConvSolution"}}): the runner checks
 * the solution by running the check cell again with those names replaced ({@link #rename}).
 */
public final class Exercises {

    private Exercises() {
    }

    /** An exercise cell's role. */
    public enum Role {
        STUB, SOLUTION, CHECK
    }

    /** A cell's exercise and role, or null for an ordinary cell. */
    public record Mark(String exercise, Role role, Map<String, String> solution) {
    }

    /** {@code cell}'s mark, or null; throws {@link IllegalArgumentException} on a malformed one. */
    public static Mark mark(ObjectNode cell) {
        JsonNode m = cell.path("metadata").path("cnnlabs");
        if (m.isMissingNode() || !m.has("role")) {
            return null;
        }
        String exercise = m.path("exercise").asText("");
        if (exercise.isBlank()) {
            throw new IllegalArgumentException("an exercise cell needs metadata cnnlabs.exercise, its exercise's name");
        }
        Role role;
        try {
            role = Role.valueOf(m.path("role").asText().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("exercise " + exercise + ": role '" + m.path("role").asText()
                    + "' is none of stub, solution, check");
        }
        Map<String, String> solution = new LinkedHashMap<>();
        m.path("solution").fields().forEachRemaining(f -> solution.put(f.getKey(), f.getValue().asText()));
        if (role == Role.CHECK && solution.isEmpty()) {
            throw new IllegalArgumentException("exercise " + exercise + ": its check needs metadata cnnlabs.solution, "
                    + "mapping each stub method the check calls to the solution's");
        }
        if (role == Role.SOLUTION && !cell.path("metadata").path("jupyter").path("source_hidden").asBoolean(false)) {
            throw new IllegalArgumentException("exercise " + exercise + ": its solution cell must be hidden "
                    + "(metadata jupyter.source_hidden: true)");
        }
        return new Mark(exercise, role, solution);
    }

    /**
     * Checks that every exercise has one stub, one solution and one check, in that order, and that every cell is an
     * ordinary cell or a well-formed exercise cell; returns a problem (naming the 1-based cell) or null.
     */
    public static String validate(List<ObjectNode> cells) {
        Map<String, Role> last = new HashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            Mark mark;
            try {
                mark = mark(cells.get(i));
            } catch (IllegalArgumentException e) {
                return "cell " + (i + 1) + ": " + e.getMessage();
            }
            if (mark == null) {
                continue;
            }
            Role before = last.get(mark.exercise());
            Role expected = before == null ? Role.STUB : before == Role.STUB ? Role.SOLUTION
                    : before == Role.SOLUTION ? Role.CHECK : null;
            if (mark.role() != expected || !Notebook.isCode(cells.get(i))) {
                return "cell " + (i + 1) + ": exercise " + mark.exercise() + " has a " + mark.role().name().toLowerCase(
                        java.util.Locale.ROOT) + " cell here; each exercise is a stub, a solution and a check, three "
                        + "code cells in that order";
            }
            last.put(mark.exercise(), mark.role());
        }
        for (Map.Entry<String, Role> e : last.entrySet()) {
            if (e.getValue() != Role.CHECK) {
                return "exercise " + e.getKey() + " has no check after its " + e.getValue().name().toLowerCase(
                        java.util.Locale.ROOT);
            }
        }
        return null;
    }

    /**
     * {@code source} with every identifier named in {@code names} replaced by its value, outside comments, string,
     * character and text-block literals, and not after a dot (a member of something else).
     */
    public static String rename(String source, Map<String, String> names) {
        StringBuilder out = new StringBuilder(source.length() + 32);
        int i = 0;
        int n = source.length();
        char previous = 0; // the last character that is not white space, outside literals and comments
        while (i < n) {
            char c = source.charAt(i);
            int end;
            boolean comment = source.startsWith("//", i) || source.startsWith("/*", i);
            if (source.startsWith("//", i)) {
                end = source.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (source.startsWith("/*", i)) {
                end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
            } else if (c == '"' || c == '\'') {
                end = i + 1;
                while (end < n && source.charAt(end) != c) {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(n, end + 1);
            } else if (Character.isJavaIdentifierStart(c)) {
                end = i + 1;
                while (end < n && Character.isJavaIdentifierPart(source.charAt(end))) {
                    end++;
                }
                String word = source.substring(i, end);
                out.append(previous != '.' && names.containsKey(word) ? names.get(word) : word);
                previous = word.charAt(word.length() - 1);
                i = end;
                continue;
            } else {
                out.append(c);
                if (!Character.isWhitespace(c)) {
                    previous = c;
                }
                i++;
                continue;
            }
            out.append(source, i, end);
            if (!comment) {
                previous = source.charAt(end - 1);
            }
            i = end;
        }
        return out.toString();
    }
}
