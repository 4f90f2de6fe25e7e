import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_pooling_max;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_v2_backward;
import org.bytedeco.dnnl.pooling_v2_forward;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.stream;

/**
 * What oneDNN 2.5.2 (the runtime's, through JavaCPP) spends on a 2x2 max pooling of stride 2 at the simple CNN's two
 * shapes (batch 128, channels-last, as the runtime runs them): the training forward pass, which also writes oneDNN's
 * workspace (where each window's maximum was), the inference forward pass, which writes none, and the backward pass,
 * which reads the workspace. Each is timed in {@code rounds} rounds of 200 calls, taken in turns; the table gives the
 * median (min-max) of the rounds' mean ms per call, on {@code OMP_NUM_THREADS} threads.
 *
 * <pre>java -cp CLASSPATH experiments/reference/PoolingWorkspace.java [rounds]</pre>
 *
 * CLASSPATH: the experiments module's ({@code mvn -q dependency:build-classpath -pl experiments
 * -Dmdep.outputFile=/tmp/cp.txt}). REPRODUCED's Throughput section says what it showed on which CPU.
 */
public final class PoolingWorkspace {

    private static final int CALLS = 200;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        engine cpu = new engine(engine.kind.cpu, 0);
        stream s = new stream(cpu);
        String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        System.out.printf("%s, OMP_NUM_THREADS=%s, %d rounds of %d calls, ms per call: median (min-max)%n%n", model,
                System.getenv("OMP_NUM_THREADS"), rounds, CALLS);
        System.out.println("| Shape (N, C, H, W) | kernel | training forward (workspace) | inference forward "
                + "| backward (reads workspace) |");
        System.out.println("| --- | --- | --- | --- | --- |");
        for (long[] shape : new long[][] {{128, 32, 26, 26}, {128, 64, 11, 11}}) {
            long[] out = {shape[0], shape[1], shape[2] / 2, shape[3] / 2};
            memory.desc src = new memory.desc(shape, memory.data_type.f32, memory.format_tag.nhwc);
            memory.desc dst = new memory.desc(out, memory.data_type.f32, memory.format_tag.nhwc);
            long[] two = {2, 2};
            long[] zero = {0, 0};
            pooling_v2_forward.primitive_desc train = new pooling_v2_forward.primitive_desc(new pooling_v2_forward.desc(
                    dnnl_forward_training, dnnl_pooling_max, src, dst, two, two, zero, zero, zero), cpu);
            pooling_v2_forward.primitive_desc infer = new pooling_v2_forward.primitive_desc(new pooling_v2_forward.desc(
                    dnnl_forward_inference, dnnl_pooling_max, src, dst, two, two, zero, zero, zero), cpu);
            pooling_v2_backward.primitive_desc back = new pooling_v2_backward.primitive_desc(
                    new pooling_v2_backward.desc(dnnl_pooling_max, src, dst, two, two, zero, zero, zero), cpu, train);
            memory x = new memory(src, cpu);
            memory y = new memory(dst, cpu);
            memory ws = new memory(train.workspace_desc(), cpu);
            memory dy = new memory(dst, cpu);
            memory dx = new memory(src, cpu);
            fill(x, Arrays.stream(shape).reduce(1, (a, b) -> a * b), true);
            fill(dy, Arrays.stream(out).reduce(1, (a, b) -> a * b), false);
            IntMemoryMap trainArgs = new IntMemoryMap();
            trainArgs.put(DNNL_ARG_SRC, x);
            trainArgs.put(DNNL_ARG_DST, y);
            trainArgs.put(DNNL_ARG_WORKSPACE, ws);
            IntMemoryMap inferArgs = new IntMemoryMap();
            inferArgs.put(DNNL_ARG_SRC, x);
            inferArgs.put(DNNL_ARG_DST, y);
            IntMemoryMap backArgs = new IntMemoryMap();
            backArgs.put(DNNL_ARG_DIFF_DST, dy);
            backArgs.put(DNNL_ARG_DIFF_SRC, dx);
            backArgs.put(DNNL_ARG_WORKSPACE, ws);
            pooling_v2_forward trainPass = new pooling_v2_forward(train);
            pooling_v2_forward inferPass = new pooling_v2_forward(infer);
            pooling_v2_backward backPass = new pooling_v2_backward(back);
            Runnable[] passes = {
                () -> trainPass.execute(s, trainArgs),
                () -> inferPass.execute(s, inferArgs),
                () -> backPass.execute(s, backArgs)};
            double[][] ms = new double[passes.length][rounds];
            for (Runnable p : passes) {
                time(p); // warm-up
            }
            for (int r = 0; r < rounds; r++) {
                for (int p = 0; p < passes.length; p++) {
                    ms[p][r] = time(passes[p]);
                }
            }
            System.out.printf("| %s | %s | %s | %s | %s |%n", Arrays.toString(shape), impl(train), cell(ms[0]),
                    cell(ms[1]), cell(ms[2]));
        }
    }

    /** Mean ms per call over {@link #CALLS} calls (oneDNN's CPU stream runs each call before returning). */
    private static double time(Runnable pass) {
        long start = System.nanoTime();
        for (int i = 0; i < CALLS; i++) {
            pass.run();
        }
        return (System.nanoTime() - start) / 1e6 / CALLS;
    }

    /** Random values; after a ReLU (half of them 0) where {@code relu}, as the simple CNN's pooling sees them. */
    private static void fill(memory m, long length, boolean relu) {
        FloatBuffer f = m.get_data_handle().capacity(length * 4).asByteBuffer()
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        Random random = new Random(42);
        for (int i = 0; i < length; i++) {
            float v = (float) random.nextGaussian();
            f.put(i, relu ? Math.max(0f, v) : v);
        }
    }

    private static String impl(primitive_desc_base pd) {
        return pd.impl_info_str().getString();
    }

    private static String cell(double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return String.format("%.3f (%.3f-%.3f)", sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
    }
}
