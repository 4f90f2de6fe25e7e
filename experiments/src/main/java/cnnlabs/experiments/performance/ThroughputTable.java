package cnnlabs.experiments.performance;

import cnnlabs.experiments.performance.Throughput.Measurement;
import cnnlabs.experiments.performance.Throughput.Row;
import cnnlabs.run.tables.MarkdownTable;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** {@link Throughput}'s {@code table.md}: how it measured, then training, inference, and every PyTorch format. */
final class ThroughputTable {

    private ThroughputTable() {
    }

    /**
     * What the table's opening paragraph states.
     *
     * @param cpu     the CPU model, with any {@code ONEDNN_MAX_CPU_ISA} limit
     * @param dl4j    how DL4J ran, with the runtime's oneDNN version
     * @param pytorch each PyTorch installation, with its oneDNN version and Python
     */
    record Header(String cpu, String commit, String dl4j, String nativeVariant, int blasThreads, List<String> pytorch,
                  int batch, int inferenceBatch, double warmupSeconds, double jitWaitSeconds, int rounds, int threads,
                  double peak) {
    }

    static String render(Header h, List<Row> rows, List<Measurement> measured, List<String> problems) {
        StringBuilder steps = new StringBuilder();
        for (Row r : rows) {
            steps.append(steps.length() == 0 ? "" : ", ").append(r.model()).append(' ').append(r.steps());
        }
        String torch = h.pytorch().isEmpty() ? "not run (" + String.join("; ", problems) + ")"
                : String.join(", ", h.pytorch()) + ", each in the contiguous and channels_last memory formats";
        StringBuilder out = new StringBuilder("# Throughput: DL4J and PyTorch on the labs' models\n\n");
        out.append(String.format(Locale.ROOT, "CPU: %s. Commit: %s. DL4J: %s, native build %s, OpenBLAS threads (dense "
                        + "layers): %d. PyTorch: %s. %d threads on each side.%n%n", h.cpu(), h.commit(), h.dl4j(),
                h.nativeVariant(), h.blasThreads(), torch, h.threads()));
        String jitWait = h.jitWaitSeconds() <= 0 ? "" : String.format(Locale.ROOT, "; DL4J's side then until the "
                + "JVM's JIT compilers have spent at most %.0f%% of %.0f seconds compiling, at most %.0f seconds in all",
                100 * JitQuiet.QUIET_SHARE, JitQuiet.WINDOW_SECONDS, h.jitWaitSeconds());
        out.append(String.format(Locale.ROOT, "Random in-memory data, float32, training batch %d (Keras' Adam), inference "
                        + "batch %d. Every contender is built and warmed up (at least %.0f seconds of steps%s), then they "
                        + "take turns: %d rounds, each contender timing N steps a round (%s), the first turn rotating. "
                        + "Images/s: the median over the rounds (min-max). PyTorch: its installation and format of the "
                        + "highest median. Ratio: DL4J's median / PyTorch's (above 1: DL4J faster). Overlap: whether the "
                        + "two ranges overlap; where they do, this machine's noise can account for the difference.%n%n",
                h.batch(), h.inferenceBatch(), h.warmupSeconds(), jitWait, h.rounds(), steps));
        out.append("## Training\n\n").append(side(rows, Row::train, Row::torchTrain, Measurement::train, true));
        out.append("\nTraining GFLOP/s counts 3x the forward FLOPs of conv and dense layers per image, as a direct "
                + "convolution computes them: an effective rate, which Winograd convolutions (fewer multiplications) "
                + "lift above the SGEMM peak. Peak: ND4J's float32 SGEMM on all ").append(h.threads())
                .append(String.format(Locale.ROOT, " threads, measured here, %.1f GFLOP/s.%n%n", h.peak()));
        out.append("## Inference\n\n").append(side(rows, Row::inference, Row::torchInference, Measurement::inference,
                false));
        StringBuilder warmups = new StringBuilder();
        for (Row r : rows) {
            warmups.append(warmups.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.0f s and %.0f s",
                    r.model(), r.trainWarmupSeconds(), r.inferenceWarmupSeconds()));
        }
        out.append("\nDL4J's warm-ups, training and inference: ").append(warmups).append(".\n");
        if (!measured.isEmpty()) {
            MarkdownTable every = new MarkdownTable("Model", "PyTorch", "Format", "Train img/s", "Inference img/s");
            for (Measurement m : measured) {
                every.row(m.model(), "torch " + m.torch(), m.format(), format(m.train()), format(m.inference()));
            }
            out.append("\n## Every PyTorch measured\n\n").append(every);
        }
        if (!problems.isEmpty() && !h.pytorch().isEmpty()) {
            out.append("\nNot used or left out: ").append(String.join("; ", problems)).append(".\n");
        }
        return out.toString();
    }

    private static String side(List<Row> rows, Function<Row, Spread> dl4j, Function<Row, Measurement> fastest,
                               Function<Measurement, Spread> torchSide, boolean training) {
        MarkdownTable table = training
                ? new MarkdownTable("Model", "Params", "DL4J img/s", "PyTorch img/s", "PyTorch", "Ratio", "Overlap",
                "DL4J GFLOP/s", "% of SGEMM peak")
                : new MarkdownTable("Model", "Params", "DL4J img/s", "PyTorch img/s", "PyTorch", "Ratio", "Overlap");
        for (Row r : rows) {
            Spread mine = dl4j.apply(r);
            Measurement best = fastest.apply(r);
            Spread theirs = best == null ? null : torchSide.apply(best);
            Object[] cells = {r.model(), MarkdownTable.count(r.params()), mine.format(), format(theirs),
                    best == null ? "–" : best.label(), theirs == null ? "–" : String.format(Locale.ROOT, "%.2fx",
                    mine.ratio(theirs)), theirs == null ? "–" : mine.overlaps(theirs) ? "yes" : "no"};
            if (training) {
                Object[] more = java.util.Arrays.copyOf(cells, cells.length + 2);
                more[cells.length] = String.format(Locale.ROOT, "%.1f", r.trainGflops());
                more[cells.length + 1] = String.format(Locale.ROOT, "%.0f%%", 100 * r.trainShareOfPeak());
                cells = more;
            }
            table.row(cells);
        }
        return table.toString();
    }

    private static String format(Spread s) {
        return s == null ? "–" : s.format();
    }
}
