package cnnlabs.notebooks;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Jupyter notebook file (nbformat 4) as JSON: its cells in order, each with its source and outputs; everything
 * else (metadata, kernelspec) kept as it is. Written back the way Jupyter writes it (one-space indent, a final line
 * break), so that a regenerated notebook differs from the committed one only where its outputs do.
 */
public final class Notebook {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode root;

    private Notebook(ObjectNode root) {
        this.root = root;
    }

    /** Reads and checks {@code file}: JSON, nbformat 4, a list of cells. */
    public static Notebook read(Path file) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " is not a notebook (not JSON: " + e.getMessage() + ")", e);
        }
        if (!(node instanceof ObjectNode o) || node.path("nbformat").asInt() != 4 || !node.path("cells").isArray()) {
            throw new IOException(file + " is not an nbformat 4 notebook (it needs \"nbformat\": 4 and \"cells\": [...])");
        }
        return new Notebook(o);
    }

    /**
     * A new notebook for the cnnlabs kernel: a markdown cell {@code title}, then one code cell per source, without
     * outputs (what a test writes to run).
     */
    public static Notebook withCode(String title, List<String> code) {
        ObjectNode root = JSON.createObjectNode();
        root.put("nbformat", 4);
        root.put("nbformat_minor", 5);
        root.putObject("metadata").putObject("kernelspec").put("name", "cnnlabs-java")
                .put("display_name", "Java (cnnlabs)").put("language", "java");
        ArrayNode cells = root.putArray("cells");
        ObjectNode md = cells.addObject();
        md.put("cell_type", "markdown");
        md.putObject("metadata");
        md.set("source", lines(title));
        for (String c : code) {
            ObjectNode cell = cells.addObject();
            cell.put("cell_type", "code");
            cell.putObject("metadata");
            cell.set("source", lines(c));
            cell.putArray("outputs");
            cell.putNull("execution_count");
        }
        return new Notebook(root);
    }

    /** The cells, in order; each is the notebook's own JSON object, changed in place by {@link #setOutputs}. */
    public List<ObjectNode> cells() {
        List<ObjectNode> out = new ArrayList<>();
        root.get("cells").forEach(c -> out.add((ObjectNode) c));
        return out;
    }

    public static boolean isCode(ObjectNode cell) {
        return "code".equals(cell.path("cell_type").asText());
    }

    /** A cell's source: nbformat stores it as one string or as a list of lines. */
    public static String source(ObjectNode cell) {
        JsonNode s = cell.path("source");
        if (s.isArray()) {
            StringBuilder b = new StringBuilder();
            s.forEach(line -> b.append(line.asText()));
            return b.toString();
        }
        return s.asText("");
    }

    /** Replaces a code cell's outputs and execution count. */
    public static void setOutputs(ObjectNode cell, ArrayNode outputs, int executionCount) {
        cell.set("outputs", outputs);
        cell.put("execution_count", executionCount);
    }

    /** An empty output list to fill. */
    public static ArrayNode outputs() {
        return JSON.createArrayNode();
    }

    /** Text as nbformat stores it: a list of lines, each but the last ending in a line break. */
    public static ArrayNode lines(String text) {
        ArrayNode out = JSON.createArrayNode();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                out.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** Writes the notebook as Jupyter does. */
    public void write(Path file) throws IOException {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter(" ", "\n"))
                .withArrayIndenter(new DefaultIndenter(" ", "\n"));
        String text = JSON.writer(printer).writeValueAsString(root).replace("\" : ", "\": ");
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text + "\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
