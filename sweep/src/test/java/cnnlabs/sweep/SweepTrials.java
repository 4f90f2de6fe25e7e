package cnnlabs.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/** Made-up sweeps and trials for the report's tests: no training, only the numbers a report reads. */
final class SweepTrials {

    /** A sweep of the simple CNN over a log range, a choice, a conditional range and a whole number. */
    static final String YAML = """
            experiment: MnistSimpleCnn
            seed: 11
            search: {kind: random, trials: 40}
            objective: {metric: val_acc}
            %s
            space:
              lr: {log_uniform: [0.0001, 0.1]}
              optimizer: {choice: [adam, sgd, nesterov]}
              momentum: {uniform: [0.8, 0.95], when: {optimizer: [sgd, nesterov]}}
              epochs: {int: [1, 4]}
            """;

    private SweepTrials() {
    }

    static SweepSpec spec(Path dir, String secondObjective) {
        try {
            return SweepSpec.read(Files.writeString(dir.resolve("sweep-" + System.nanoTime() + ".yaml"),
                    YAML.formatted(secondObjective)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code n} completed trials drawn at random, scored by {@code score} of their settings; every fifth pruned. */
    static Map<Integer, Trial> trials(int n, long seed, ToDoubleFunction<Map<String, String>> score) {
        Random r = new Random(seed);
        List<String> optimizers = List.of("adam", "sgd", "nesterov");
        Map<Integer, Trial> out = new LinkedHashMap<>();
        for (int t = 1; t <= n; t++) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("lr", String.format(java.util.Locale.ROOT, "%.4g", Math.pow(10, -4 + 3 * r.nextDouble())));
            String optimizer = optimizers.get(r.nextInt(3));
            p.put("optimizer", optimizer);
            if (!optimizer.equals("adam")) {
                p.put("momentum", String.format(java.util.Locale.ROOT, "%.4g", 0.8 + 0.15 * r.nextDouble()));
            }
            p.put("epochs", String.valueOf(1 + r.nextInt(4)));
            Trial.Status status = t % 5 == 0 ? Trial.Status.PRUNED : Trial.Status.COMPLETED;
            out.put(t, new Trial(t, p, status, score.applyAsDouble(p), 1, 1.0, "", "trials/" + t, Map.of(), 1,
                    1000.0 * (1 + r.nextInt(50))));
        }
        return out;
    }

    /** A score that depends on the learning rate only: best at 0.003. */
    static double lrOnly(Map<String, String> p) {
        double x = Math.log10(Double.parseDouble(p.get("lr"))) + 2.5;
        return 0.95 - 0.08 * x * x;
    }
}
