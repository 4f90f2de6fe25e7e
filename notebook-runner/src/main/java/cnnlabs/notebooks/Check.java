package cnnlabs.notebooks;

import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.Block;
import cnnlabs.architectures.BlockCatalog;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.architectures.GraphBlocks;
import cnnlabs.architectures.GraphSpec;
import cnnlabs.architectures.ModelSummary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the notebooks' check cells call: each compares an answer (a model, a block, a number, an array) with what it
 * should be and returns a {@link Verdict}, which the cell shows under it ("Right", "Wrong" or "Not yet", and why). An
 * answer is passed as a lambda, so a stub that is not written yet ({@code return Check.todo();}) or code that throws
 * becomes a verdict rather than a failed cell. The notebook runner reads the verdicts: a model check must say right, and
 * an exercise's check must say right with the solution and not with the stub ({@link NotebookRunner}).
 */
public final class Check {

    private Check() {
    }

    /** Right, wrong, or not answered yet. */
    public enum Status {
        RIGHT("✔ Right"), WRONG("✘ Wrong"), NOT_YET("… Not yet");

        private final String label;

        Status(String label) {
            this.label = label;
        }
    }

    /** What a check found: what it checked, its status, and the detail (the numbers, or what differs). */
    public record Verdict(String what, Status status, String detail) {

        public boolean right() {
            return status == Status.RIGHT;
        }

        @Override
        public String toString() {
            return status.label + " - " + what + ": " + detail;
        }
    }

    /** An answer to check: the student's code, run inside the check. */
    @FunctionalInterface
    public interface Answer<T> {
        T get() throws Exception;
    }

    /** Thrown by {@link #todo()}: the exercise is still its stub. */
    public static final class NotYet extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotYet() {
            super("still the stub: write your answer in its cell (where it says return Check.todo()) and run that cell");
        }
    }

    /** What a stub returns until it is written: {@code return Check.todo();} (it throws {@link NotYet}). */
    public static <T> T todo() {
        throw new NotYet();
    }

    /**
     * {@code yours} against the registered architecture {@code registered} ({@code Architectures.get}): the same
     * parameter count (Keras' total and trainable) and the same output shape for a batch of two.
     */
    public static Verdict model(String what, Answer<ComputationGraphConfiguration> yours, String registered) {
        return model(what, yours, Architectures.get(registered));
    }

    /** {@code yours} against {@code reference} (an architecture or a block): parameters and output shape. */
    public static Verdict model(String what, Answer<ComputationGraphConfiguration> yours, GraphSpec reference) {
        return compare(what, () -> {
            ComputationGraphConfiguration conf = yours.get();
            if (conf == null) {
                throw new NotYet();
            }
            ComputationGraph graph = new ComputationGraph(conf);
            graph.init();
            return graph;
        }, reference);
    }

    /**
     * A block written as the registry's blocks are ({@code (g, in) -> name of its last vertex}, on a PyTorch-style
     * {@link GraphBlocks} graph) against the registered block {@code registered} ({@code BlockCatalog.get}), at its input
     * shape.
     */
    public static Verdict block(String what, BiFunction<GraphBlocks, String, String> yours, String registered) {
        Block reference = BlockCatalog.get(registered);
        Block mine = new Block(reference.name(), reference.source(), reference.description(), reference.inputShape(),
                (g, in) -> {
                    String out = yours.apply(g, in);
                    if (out == null) {
                        throw new NotYet();
                    }
                    return out;
                });
        return compare(what, () -> mine.build(BuildOptions.defaults()), reference);
    }

    private static Verdict compare(String what, Answer<ComputationGraph> yours, GraphSpec reference) {
        ComputationGraph mine;
        ModelSummary mineSummary;
        long[] mineShape;
        ComputationGraph ref = reference.build(BuildOptions.defaults());
        ModelSummary refSummary = ModelSummary.of(ref, reference.inputShape());
        INDArray x = probe(reference.inputShape().batchShape(2));
        long[] refShape = ref.output(false, x)[0].shape();
        try {
            mine = yours.get();
            mineSummary = ModelSummary.of(mine, reference.inputShape());
            mineShape = mine.output(false, x)[0].shape();
        } catch (NotYet e) {
            return new Verdict(what, Status.NOT_YET, e.getMessage());
        } catch (Exception | LinkageError e) {
            return new Verdict(what, Status.WRONG, "building or running it on a batch of 2 x " + reference.inputShape()
                    + " failed: " + e);
        }
        String yoursText = String.format(Locale.ROOT, "%,d parameters (%,d trainable), output %s",
                mineSummary.totalParams(), mineSummary.trainableParams(), shape(mineShape));
        if (mineSummary.totalParams() == refSummary.totalParams()
                && mineSummary.trainableParams() == refSummary.trainableParams() && Arrays.equals(mineShape, refShape)) {
            return new Verdict(what, Status.RIGHT, yoursText + ", as the registry's " + reference.name());
        }
        return new Verdict(what, Status.WRONG, String.format(Locale.ROOT, "yours has %s; the registry's %s has %,d "
                        + "parameters (%,d trainable), output %s. %s", yoursText, reference.name(),
                refSummary.totalParams(), refSummary.trainableParams(), shape(refShape),
                firstDifference(mineSummary, refSummary, reference.name())));
    }

    /** A batch of uniform [0, 1) values from its own generator: a check leaves the notebook's random draws alone. */
    private static INDArray probe(long[] shape) {
        java.util.Random random = new java.util.Random(0);
        float[] values = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact))];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        return Nd4j.create(values, shape, 'c');
    }

    /** The first layer with parameters where the two summaries part, in the order the layers run. */
    private static String firstDifference(ModelSummary mine, ModelSummary ref, String refName) {
        List<ModelSummary.Row> a = withParams(mine);
        List<ModelSummary.Row> b = withParams(ref);
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            ModelSummary.Row x = a.get(i);
            ModelSummary.Row y = b.get(i);
            if (x.params() != y.params() || !x.type().equals(y.type()) || !x.outputShape().equals(y.outputShape())) {
                return String.format(Locale.ROOT, "Layer %d with parameters: yours is %s, %s's is %s.", i + 1, row(x),
                        refName, row(y));
            }
        }
        if (a.size() != b.size()) {
            return String.format(Locale.ROOT, "Yours has %d layers with parameters, %s has %d.", a.size(), refName,
                    b.size());
        }
        return "The layers with parameters agree; look at what comes after the last of them.";
    }

    private static List<ModelSummary.Row> withParams(ModelSummary s) {
        List<ModelSummary.Row> out = new ArrayList<>();
        for (ModelSummary.Row r : s.rows()) {
            if (r.params() > 0) {
                out.add(r);
            }
        }
        return out;
    }

    private static String row(ModelSummary.Row r) {
        return String.format(Locale.ROOT, "%s (%s, output %s, %,d parameters)", r.name(), r.type(), r.outputShape(),
                r.params());
    }

    private static String shape(long[] shape) {
        return Arrays.toString(shape).replace('[', '(').replace(']', ')');
    }

    /**
     * {@code yours} equals {@code expected}: numbers by value (within 1e-9 of the larger when either is not whole),
     * arrays element by element, anything else by {@code equals}.
     */
    public static Verdict equal(String what, Answer<?> yours, Object expected) {
        Outcome<?> outcome = attempt(what, yours);
        if (outcome.verdict() != null) {
            return outcome.verdict();
        }
        Object value = outcome.value();
        boolean same = value instanceof Number a && expected instanceof Number b ? sameNumber(a, b)
                : Arrays.deepEquals(new Object[] {value}, new Object[] {expected});
        String text = text(value);
        return same ? new Verdict(what, Status.RIGHT, text)
                : new Verdict(what, Status.WRONG, "yours is " + text + ", it should be " + text(expected));
    }

    private static boolean sameNumber(Number a, Number b) {
        double x = a.doubleValue();
        double y = b.doubleValue();
        return x == y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
    }

    private static String text(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return String.format(Locale.ROOT, "%,d", ((Number) value).longValue());
        }
        String s = Arrays.deepToString(new Object[] {value});
        return s.substring(1, s.length() - 1);
    }

    /** {@code yours} has {@code expected}'s shape and every element within {@code tolerance} of it. */
    public static Verdict close(String what, Answer<INDArray> yours, INDArray expected, double tolerance) {
        Outcome<INDArray> outcome = attempt(what, yours);
        if (outcome.verdict() != null) {
            return outcome.verdict();
        }
        INDArray value = outcome.value();
        if (!Arrays.equals(value.shape(), expected.shape())) {
            return new Verdict(what, Status.WRONG, "yours has shape " + shape(value.shape()) + ", it should be "
                    + shape(expected.shape()));
        }
        double diff = value.castTo(DataType.DOUBLE).sub(expected.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        String text = String.format(Locale.ROOT, "shape %s, largest difference from the expected values %.3g",
                shape(value.shape()), diff);
        return diff <= tolerance ? new Verdict(what, Status.RIGHT, text)
                : new Verdict(what, Status.WRONG, text + " (more than " + tolerance + ")");
    }

    /** {@code condition} holds; {@code expectation} says what it asks, for the verdict. */
    public static Verdict that(String what, Answer<Boolean> condition, String expectation) {
        Outcome<Boolean> outcome = attempt(what, condition);
        if (outcome.verdict() != null) {
            return outcome.verdict();
        }
        boolean holds = outcome.value();
        return new Verdict(what, holds ? Status.RIGHT : Status.WRONG, (holds ? "" : "not yet true: ") + expectation);
    }

    /** An answer's value, or the verdict when there is none: not yet (the stub, or null), or wrong (it threw). */
    private record Outcome<T>(T value, Verdict verdict) {
    }

    private static <T> Outcome<T> attempt(String what, Answer<T> yours) {
        try {
            T value = yours.get();
            return value != null ? new Outcome<>(value, null)
                    : new Outcome<>(null, new Verdict(what, Status.NOT_YET, "your code returns null"));
        } catch (NotYet e) {
            return new Outcome<>(null, new Verdict(what, Status.NOT_YET, e.getMessage()));
        } catch (Exception e) {
            return new Outcome<>(null, new Verdict(what, Status.WRONG, "your code threw " + e));
        }
    }

    /** Several checks as one: right when all are; not yet when any is; else wrong, with the first wrong one's detail. */
    public static Verdict all(String what, Verdict... parts) {
        List<String> details = new ArrayList<>();
        for (Verdict p : parts) {
            if (p.status() == Status.NOT_YET) {
                return new Verdict(what, Status.NOT_YET, p.what() + ": " + p.detail());
            }
        }
        for (Verdict p : parts) {
            if (p.status() == Status.WRONG) {
                return new Verdict(what, Status.WRONG, p.what() + ": " + p.detail());
            }
            details.add(p.what() + ": " + p.detail());
        }
        return new Verdict(what, Status.RIGHT, String.join("; ", details));
    }
}
