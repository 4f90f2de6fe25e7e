package cnnlabs.experiments.performance;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * DL4J and each PyTorch take turns on one model, one timing each per round: every contender is prepared (built and
 * warmed up), then in round r they time {@code steps} steps each, starting with contender r (mod their number), so that
 * no one always goes first, with a short pause before each turn so that the previous contender's idle threads have
 * gone to sleep. A slow minute on this shared machine then falls on every contender's rounds, not one contender's
 * measurement, and each contender's rounds give a median and a range ({@link Spread}).
 */
final class Turns {

    /** Milliseconds between turns: OpenMP threads spin for a while after their work (both sides use OpenMP). */
    static final long PAUSE_MS = 200;

    private Turns() {
    }

    /** What is timed. */
    enum Mode {
        TRAIN("train"), INFERENCE("inference");

        final String key;

        Mode(String key) {
            this.key = key;
        }
    }

    /** One side of the comparison: DL4J, or one PyTorch installation in one memory format. */
    interface Contender {

        /** How the table names it, e.g. "torch 2.13.0+cpu channels_last". */
        String label();

        /** Builds the model for {@code mode} and runs its warm-up steps. */
        void prepare(Mode mode) throws IOException;

        /** One round: seconds for this contender's steps of {@code mode}. */
        double seconds(Mode mode) throws IOException;

        /** Images in one round of {@code mode}. */
        int images(Mode mode);

        /** Whether a failure leaves this contender out (a PyTorch) rather than failing the run (DL4J). */
        boolean optional();
    }

    /**
     * Every contender's spread of images per second over {@code rounds} rounds of {@code mode}, by identity; an
     * optional contender that fails is left out and its failure added to {@code problems}.
     */
    static Map<Contender, Spread> take(List<? extends Contender> contenders, Mode mode, int rounds,
                                       List<String> problems) throws IOException {
        List<Contender> in = new ArrayList<>();
        for (Contender c : contenders) {
            if (attempt(c, () -> c.prepare(mode), problems)) {
                in.add(c);
            }
        }
        Map<Contender, double[]> values = new IdentityHashMap<>(); // contenders are records: compared by identity here
        in.forEach(c -> values.put(c, new double[rounds]));
        List<Contender> order = List.copyOf(in);
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < order.size(); k++) {
                Contender c = order.get((r + k) % order.size());
                if (!values.containsKey(c)) {
                    continue; // failed in an earlier round
                }
                pause();
                double[] seconds = new double[1];
                if (attempt(c, () -> seconds[0] = c.seconds(mode), problems)) {
                    values.get(c)[r] = c.images(mode) / seconds[0];
                } else {
                    values.remove(c);
                }
            }
        }
        Map<Contender, Spread> out = new IdentityHashMap<>();
        values.forEach((c, v) -> out.put(c, Spread.of(v)));
        return out;
    }

    private interface Step {
        void run() throws IOException;
    }

    /** Runs {@code step}; false where an optional contender failed (its failure recorded), thrown for DL4J. */
    private static boolean attempt(Contender c, Step step, List<String> problems) throws IOException {
        try {
            step.run();
            return true;
        } catch (IOException e) {
            if (!c.optional()) {
                throw e;
            }
            problems.add(c.label() + " left out: " + e.getMessage());
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
