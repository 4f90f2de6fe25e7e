package cnnlabs.onednn;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * DL4J's graph updater, with every Adam block done in one pass over the flattened gradient instead of one pass (and
 * one trip through DL4J's per-block path) per block, the division by the minibatch size folded into the same pass.
 *
 * <p>Why: batch norm's moving mean and variance have no updater, so they split a graph's parameters into blocks
 * (MobileNetV2's Adam runs as 105), and DL4J's graph hands its updater a reshape of the flattened gradient, which
 * DL4J's updater takes for an external gradient: at every step it builds the minibatch-division views and each
 * block's views anew. For MobileNetV2 that path took 60-110 ms a step on a 2-core Zen 5, this pass about 5 ms.
 *
 * <p>What it computes is DL4J's, to the bit: per element {@code g /= batch}, then libnd4j's Adam in float
 * ({@code m = b1 m + g (1 - b1)}, {@code v = b2 v + g g (1 - b2)}, {@code g = m lr' / (sqrt(v) + eps)} with libnd4j's
 * bias-corrected rate {@code lr'}), and it reads and writes DL4J's own updater-state array (each block's m and v
 * where DL4J's {@link AdamUpdater} keeps them), so checkpoints, resumed runs and saved models are exactly DL4J's.
 * Anything else takes DL4J's own path for the whole step: an updater other than Adam or NoOp (e.g. SGD), any
 * regularisation or gradient normalisation, pretraining blocks, a gradient in memory other than the graph's own
 * flattened gradient, or an array type other than float.
 */
final class FusedAdamUpdater extends ComputationGraphUpdater {

    /** Elements below which a pass stays on the calling thread. */
    private static final int MIN_PER_THREAD = 1 << 15;
    /** Elements {@link #step} copies into Java arrays at a time. */
    private static final int CHUNK = 2048;

    private transient Plan plan;
    private transient boolean planned;

    /** An updater for {@code graph} on {@code state}, DL4J's updater-state array (used as it is, not copied). */
    FusedAdamUpdater(ComputationGraph graph, INDArray state) {
        super(graph, state);
    }

    /** Whether steps take the fused pass (known after the first update; false before). */
    boolean fused() {
        return plan != null;
    }

    @Override
    public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize,
                                    LayerWorkspaceMgr workspaceMgr) {
        if (!planned || plan != null && plan.address != address(getFlattenedGradientsView())) {
            plan = plan(); // first step, or DL4J gave the graph a new gradient array
            planned = true;
        }
        if (plan == null || !ownGradient(gradient.gradient())) {
            super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
            return;
        }
        plan.apply(iteration, epoch, isMiniBatch() ? batchSize : 1);
    }

    /**
     * Whether {@code g} is the graph's flattened gradient: the same memory, whatever the array object (DL4J's graph
     * hands its updater a rank-1 reshape of it, which DL4J's own updater takes for an external gradient and treats
     * block by block, making each block's views anew at every step).
     */
    private boolean ownGradient(INDArray g) {
        INDArray own = getFlattenedGradientsView();
        return g == own || g != null && own != null && g.length() == own.length() && g.elementWiseStride() == 1
                && g.dataType() == own.dataType()
                && address(g) == address(own);
    }

    private static long address(INDArray a) {
        return a.data().addressPointer().address();
    }

    /** One Adam block: its range of the flattened gradient, its m and v, and whether it is divided by the batch. */
    private record Segment(int start, int length, Adam config, FloatBuffer m, FloatBuffer v, boolean divide) {
    }

    /** The fused step for this graph's blocks; null where DL4J's own path must run. */
    private Plan plan() {
        INDArray grads = getFlattenedGradientsView();
        if (grads == null || grads.dataType() != DataType.FLOAT || grads.elementWiseStride() != 1) {
            return null;
        }
        for (Trainable t : getOrderedLayers()) {
            TrainingConfig c = t.getConfig();
            GradientNormalization n = c == null ? null : c.getGradientNormalization();
            if (t.numParams() > 0 && n != null && n != GradientNormalization.None) {
                return null;
            }
        }
        List<long[]> divided = new ArrayList<>();
        for (INDArray d : getMinibatchDivisionSubsets(grads)) {
            long start = d.offset() - grads.offset();
            divided.add(new long[] {start, start + d.length()});
        }
        List<Segment> segments = new ArrayList<>();
        List<long[]> adamRanges = new ArrayList<>();
        for (UpdaterBlock block : getUpdaterBlocks()) {
            if (block.isPretrainUpdaterBlock()) {
                return null;
            }
            if (block.getGradientUpdater() == null) {
                block.init();
            }
            GradientUpdater<?> updater = block.getGradientUpdater();
            if (updater.getConfig() instanceof NoOp) {
                continue;
            }
            if (updater.getConfig().getClass() != Adam.class || !(updater instanceof AdamUpdater adam)
                    || regularised(block)) {
                return null;
            }
            int start = block.getParamOffsetStart();
            int length = block.getParamOffsetEnd() - start;
            INDArray m = adam.getM();
            INDArray v = adam.getV();
            if (m.length() != length || v.length() != length || m.elementWiseStride() != 1
                    || v.elementWiseStride() != 1) {
                return null;
            }
            Boolean divide = within(divided, start, start + length);
            if (divide == null) {
                return null;
            }
            segments.add(new Segment(start, length, (Adam) updater.getConfig(), floats(m), floats(v), divide));
            adamRanges.add(new long[] {start, start + length});
        }
        List<INDArray> otherDivided = new ArrayList<>();
        INDArray flat = grads.reshape(grads.length());
        for (long[] d : divided) { // the parts of each division range outside every Adam block: DL4J's own divi
            long cursor = d[0];
            for (long[] r : adamRanges) {
                if (r[1] <= cursor || r[0] >= d[1]) {
                    continue;
                }
                if (r[0] > cursor) {
                    otherDivided.add(flat.get(NDArrayIndex.interval(cursor, r[0])));
                }
                cursor = Math.max(cursor, r[1]);
            }
            if (cursor < d[1]) {
                otherDivided.add(flat.get(NDArrayIndex.interval(cursor, d[1])));
            }
        }
        return new Plan(grads, segments, otherDivided);
    }

    /** Whether any variable of {@code block} has a regulariser (L1, L2, weight decay). */
    private static boolean regularised(UpdaterBlock block) {
        for (UpdaterBlock.ParamState p : block.getLayersAndVariablesInBlock()) {
            List<Regularization> r = p.getLayer().getConfig().getRegularizationByParam(p.getParamName());
            if (r != null && !r.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * TRUE where {@code [start, end)} lies inside one of {@code ranges}, FALSE where it overlaps none of them, null
     * where it overlaps one partly.
     */
    private static Boolean within(List<long[]> ranges, long start, long end) {
        for (long[] r : ranges) {
            if (start >= r[0] && end <= r[1]) {
                return Boolean.TRUE;
            }
            if (start < r[1] && end > r[0]) {
                return null;
            }
        }
        return Boolean.FALSE;
    }

    /** The floats of contiguous {@code a}, index 0 its first element, in native memory (no copy). */
    static FloatBuffer floats(INDArray a) {
        FloatPointer p = new FloatPointer(a.data().addressPointer());
        return p.position(0).limit(a.length()).capacity(a.length()).asBuffer();
    }

    /** The fused step over a graph's Adam segments. */
    private static final class Plan {
        private final FloatBuffer grads;
        /** Where the flattened gradient lay when the plan was made: its buffers are views of that memory. */
        private final long address;
        private final List<Segment> segments;
        private final List<INDArray> otherDivided;
        private final long total;

        Plan(INDArray grads, List<Segment> segments, List<INDArray> otherDivided) {
            this.grads = floats(grads);
            this.address = address(grads);
            this.segments = List.copyOf(segments);
            this.otherDivided = List.copyOf(otherDivided);
            this.total = segments.stream().mapToLong(Segment::length).sum();
        }

        void apply(int iteration, int epoch, int batchSize) {
            for (INDArray d : otherDivided) {
                d.divi(batchSize);
            }
            int n = segments.size();
            float[] rates = new float[n];
            for (int s = 0; s < n; s++) { // blocks share one Adam as a rule: its rate once (two native pow calls)
                Adam config = segments.get(s).config();
                rates[s] = s > 0 && config.equals(segments.get(s - 1).config()) ? rates[s - 1]
                        : biasCorrectedRate(config, iteration, epoch);
            }
            float batch = batchSize;
            int parts = (int) Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), total / MIN_PER_THREAD));
            if (parts == 1) {
                run(0, total, rates, batch);
                return;
            }
            List<Future<?>> others = new ArrayList<>();
            for (int p = 1; p < parts; p++) {
                long from = total * p / parts;
                long to = total * (p + 1) / parts;
                others.add(ForkJoinPool.commonPool().submit(() -> run(from, to, rates, batch)));
            }
            run(0, total / parts, rates, batch);
            for (Future<?> f : others) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted during an Adam step", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("fused Adam step failed", e.getCause());
                }
            }
        }

        /** Elements {@code [from, to)} of the segments laid end to end. */
        private void run(long from, long to, float[] rates, float batch) {
            long before = 0;
            for (int s = 0; s < segments.size() && before < to; s++) {
                Segment seg = segments.get(s);
                long end = before + seg.length();
                if (end > from) {
                    int a = (int) (Math.max(from, before) - before);
                    int b = (int) (Math.min(to, end) - before);
                    Adam c = seg.config();
                    step(grads, seg.start(), seg.m(), seg.v(), a, b, seg.divide() ? batch : 1f, (float) c.getBeta1(),
                            (float) c.getBeta2(), rates[s], (float) c.getEpsilon());
                }
                before = end;
            }
        }
    }

    /**
     * libnd4j's bias-corrected Adam rate in float, as its {@code adam_updater} computes it:
     * {@code lr * sqrt(1 - b2^(t+1)) / (1 - b1^(t+1))}, the epsilon where that is 0, NaN or infinite. The powers come
     * from libnd4j's own float {@code pow} (C's {@code powf}): Java's double {@code Math.pow} rounded to float differs
     * from it by one unit in the last place at some iterations (0.999^3606, iteration 3605, is one), enough to change
     * that step's rate and every step after it.
     */
    static float biasCorrectedRate(Adam config, int iteration, int epoch) {
        float lr = (float) config.getLearningRate(iteration, epoch);
        float beta1T = libnd4jPow((float) config.getBeta1(), (float) iteration + 1);
        float beta2T = libnd4jPow((float) config.getBeta2(), (float) iteration + 1);
        float rate = (float) ((double) (lr * (float) Math.sqrt((float) (1. - beta2T))) / (1.0 - beta1T));
        return Float.isNaN(rate) || rate == 0 || Float.isInfinite(rate) ? (float) config.getEpsilon() : rate;
    }

    /** {@code base^exponent} in float, computed by libnd4j's pow (as its updaters compute their powers). */
    static float libnd4jPow(float base, float exponent) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return Transforms.pow(Nd4j.scalar(base), exponent, false).getFloat(0);
        }
    }

    /**
     * DL4J's minibatch division and libnd4j's Adam over elements {@code [a, b)} of one segment, {@link #CHUNK}
     * elements at a time copied into Java arrays and back: the JIT compiles a loop over arrays into vector
     * instructions (16 floats each on AVX-512; IEEE division and square root, so the same bits), which it does not
     * for one over the buffers' elements. Alone on 93,322 elements (the simple CNN's parameters), the Intel Xeon of
     * REPRODUCED took 4.15 ns an element one float at a time and 1.5 ns in chunks, with the same bits.
     */
    static void step(FloatBuffer g, int offset, FloatBuffer m, FloatBuffer v, int a, int b, float batch,
                     float beta1, float beta2, float rate, float eps) {
        float c1 = 1 - beta1;
        float c2 = 1 - beta2;
        int chunk = Math.min(CHUNK, b - a);
        if (chunk <= 0) {
            return;
        }
        float[] gs = new float[chunk];
        float[] ms = new float[chunk];
        float[] vs = new float[chunk];
        for (int start = a; start < b; start += chunk) {
            int n = Math.min(chunk, b - start);
            g.get(offset + start, gs, 0, n);
            m.get(start, ms, 0, n);
            v.get(start, vs, 0, n);
            for (int i = 0; i < n; i++) {
                float gi = gs[i] / batch;
                float mi = beta1 * ms[i] + gi * c1;
                float vi = beta2 * vs[i] + gi * gi * c2;
                ms[i] = mi;
                vs[i] = vi;
                gs[i] = (mi * rate) / ((float) Math.sqrt(vi) + eps);
            }
            g.put(offset + start, gs, 0, n);
            m.put(start, ms, 0, n);
            v.put(start, vs, 0, n);
        }
    }
}
