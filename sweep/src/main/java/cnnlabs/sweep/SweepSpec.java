package cnnlabs.sweep;

import cnnlabs.settings.ConfigException;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sweep file (JSON or YAML): which experiment, how to search, what to optimise, over which of the experiment's
 * settings, with which seed. For example:
 * <pre>
 * experiment: MnistSimpleCnn
 * seed: 42
 * search: {kind: random, trials: 8}
 * objective: {metric: val_acc}            # direction follows the metric: accuracies up, losses down
 * fixed: {epochs: 2, subset: 6000}
 * space:
 *   lr: {log_uniform: [0.0001, 0.01]}
 *   batch.size: {choice: [32, 64, 128]}
 *   bn.momentum: {uniform: [0.8, 0.99]}
 * </pre>
 *
 * @param fixed settings every trial runs with (any of the experiment's -D settings)
 * @param space the settings searched over, by key
 */
public record SweepSpec(String experiment, Long seed, Search search, Objective objective,
                        @JsonProperty("second_objective") Objective secondObjective, Pruning pruner,
                        Map<String, String> fixed, Map<String, SweepDimension> space) {

    private static final List<String> FIELDS = List.of("experiment", "seed", "search", "objective", "second_objective",
            "pruner", "fixed", "space");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public SweepSpec {
        require(experiment != null && !experiment.isBlank(), "experiment", "the experiment to sweep, e.g. experiment: "
                + "MnistSimpleCnn");
        seed = seed == null ? 42L : seed;
        require(search != null, "search", "how to search, e.g. search: {kind: random, trials: 8}");
        require(objective != null, "objective", "what to optimise, e.g. objective: {metric: val_acc}");
        fixed = fixed == null ? Map.of() : Map.copyOf(fixed);
        require(space != null && !space.isEmpty(), "space", "at least one setting to search, e.g. space: {lr: "
                + "{log_uniform: [0.0001, 0.01]}}");
        space = new TreeMap<>(space);
        for (String key : space.keySet()) {
            require(!fixed.containsKey(key), "fixed", "a setting either fixed or searched, not both: " + key);
        }
        for (Map.Entry<String, SweepDimension> e : space.entrySet()) {
            for (Map.Entry<String, List<Object>> c : e.getValue().when().entrySet()) {
                SweepDimension parent = space.get(c.getKey());
                require(parent != null && parent.choice() != null && !c.getKey().equals(e.getKey()), "space",
                        "a condition names another searched setting that is a choice: " + e.getKey() + " has when: {"
                                + c.getKey() + ": ...}");
                require(parent.choice().stream().map(String::valueOf).toList().containsAll(
                        c.getValue().stream().map(String::valueOf).toList()), "space", "the values in " + e.getKey()
                        + "'s when: {" + c.getKey() + ": " + c.getValue() + "} are among " + c.getKey() + "'s choices "
                        + parent.choice());
            }
        }
        require(pruner == null || pruner.kind() == Pruning.Kind.NONE || search.kind() == Search.Kind.RANDOM
                || search.kind() == Search.Kind.GRID || search.kind() == Search.Kind.TPE, "pruner",
                "one pruner per sweep: " + search.kind().label() + " search prunes by itself, so leave pruner out");
        pruner = pruner == null ? new Pruning(Pruning.Kind.NONE, null, null) : pruner;
    }

    /** The settings of a sweep file written before it had a second objective and a pruner of its own. */
    public SweepSpec(String experiment, Long seed, Search search, Objective objective, Map<String, String> fixed,
                     Map<String, SweepDimension> space) {
        this(experiment, seed, search, objective, null, null, fixed, space);
    }

    /**
     * A pruner that any search can use: Optuna's {@code MedianPruner} stops a trial whose best value so far is worse
     * than the median of the completed trials' values at the same epoch, once {@code startup_trials} trials have
     * completed and after {@code warmup_epochs} epochs.
     */
    public record Pruning(Kind kind, @JsonProperty("startup_trials") Integer startupTrials,
                         @JsonProperty("warmup_epochs") Integer warmupEpochs) {

        /** No pruner, or the median pruner. */
        public enum Kind {
            NONE, MEDIAN;

            @com.fasterxml.jackson.annotation.JsonCreator
            public static Kind of(String name) {
                for (Kind k : values()) {
                    if (k.name().equalsIgnoreCase(name)) {
                        return k;
                    }
                }
                throw new IllegalArgumentException("pruner kind '" + name + "': use median or none");
            }

            @com.fasterxml.jackson.annotation.JsonValue
            public String label() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        public Pruning {
            require(kind != null, "pruner.kind", "median or none");
            startupTrials = startupTrials == null ? 5 : startupTrials;
            require(startupTrials >= 1, "pruner.startup_trials", "how many trials complete before any is pruned (>= 1)");
            warmupEpochs = warmupEpochs == null ? 0 : warmupEpochs;
            require(warmupEpochs >= 0, "pruner.warmup_epochs", "the epochs before a trial can be pruned (>= 0)");
        }
    }

    /**
     * How candidates are drawn and how many run.
     *
     * @param rungs      halving: the epochs at which trials are compared
     * @param keep       halving: the fraction that goes on at each rung
     * @param minEpochs  hyperband: the least epochs a trial gets (its most aggressive bracket's first rung)
     * @param maxEpochs  hyperband: the most epochs a trial gets (the experiment's epochs should be this)
     * @param reduction  hyperband: the factor between rungs (Li et al.'s eta), and 1 / the fraction kept at each
     * @param startupTrials tpe: trials drawn at random before the model proposes
     * @param eiCandidates  tpe: candidates drawn from the good trials' density, the best ratio of which is proposed
     */
    public record Search(Kind kind, Integer trials, Double minutes, @JsonProperty("grid_points") Integer gridPoints,
                         List<Integer> rungs, Double keep, @JsonProperty("min_epochs") Integer minEpochs,
                         @JsonProperty("max_epochs") Integer maxEpochs, Integer reduction,
                         @JsonProperty("startup_trials") Integer startupTrials,
                         @JsonProperty("ei_candidates") Integer eiCandidates) {

        /**
         * Random search, the full grid, random search with successive-halving or Hyperband pruning at rungs of epochs,
         * or TPE (a model of good and bad trials proposes the next).
         */
        public enum Kind {
            RANDOM, GRID, HALVING, HYPERBAND, TPE;

            @com.fasterxml.jackson.annotation.JsonCreator
            public static Kind of(String name) {
                for (Kind k : values()) {
                    if (k.name().equalsIgnoreCase(name)) {
                        return k;
                    }
                }
                throw new IllegalArgumentException("search kind '" + name + "': use random, grid, halving, hyperband or tpe");
            }

            @com.fasterxml.jackson.annotation.JsonValue
            public String label() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        public Search {
            require(kind != null, "search.kind", "random, grid, halving, hyperband or tpe");
            trials = trials == null ? (kind == Kind.GRID ? Integer.MAX_VALUE : 8) : trials;
            require(trials >= 1, "search.trials", "a whole number >= 1 (the most trials to run)");
            minutes = minutes == null ? 0.0 : minutes;
            require(minutes >= 0, "search.minutes", "a number of minutes >= 0 (0 = no time budget)");
            gridPoints = gridPoints == null ? 3 : gridPoints;
            require(gridPoints >= 2, "search.grid_points", "how many values a continuous range gets in a grid (>= 2)");
            rungs = rungs == null ? List.of() : List.copyOf(rungs);
            require(kind != Kind.HALVING || !rungs.isEmpty(), "search.rungs",
                    "the epochs at which halving compares trials, e.g. rungs: [1, 2]");
            for (int i = 0; i < rungs.size(); i++) {
                require(rungs.get(i) >= 1 && (i == 0 || rungs.get(i) > rungs.get(i - 1)), "search.rungs",
                        "increasing epochs >= 1, e.g. [1, 2, 4]");
            }
            keep = keep == null ? 0.5 : keep;
            require(keep > 0 && keep < 1, "search.keep", "the fraction of trials that go on at each rung, in (0, 1)");
            minEpochs = minEpochs == null ? 1 : minEpochs;
            reduction = reduction == null ? 3 : reduction;
            require(reduction >= 2, "search.reduction", "the factor between Hyperband's rungs, a whole number >= 2");
            require(kind != Kind.HYPERBAND || (maxEpochs != null && minEpochs >= 1 && maxEpochs >= minEpochs * reduction),
                    "search.max_epochs", "Hyperband's most epochs, at least min_epochs x reduction, e.g. min_epochs: 1, "
                            + "max_epochs: 9, reduction: 3");
            startupTrials = startupTrials == null ? 10 : startupTrials;
            require(startupTrials >= 1, "search.startup_trials", "how many trials TPE draws at random first (>= 1)");
            eiCandidates = eiCandidates == null ? 24 : eiCandidates;
            require(eiCandidates >= 1, "search.ei_candidates", "how many candidates TPE weighs for each proposal (>= 1)");
        }

        /** A search of this kind and budget, the rest as the defaults. */
        public Search(Kind kind, Integer trials, Double minutes, Integer gridPoints, List<Integer> rungs, Double keep) {
            this(kind, trials, minutes, gridPoints, rungs, keep, null, null, null, null, null);
        }
    }

    /**
     * What a trial scores: an epoch metric of its last fit ({@code val_acc}, {@code val_loss}, {@code acc},
     * {@code loss}, {@code val_top_k}, {@code val_macro_f1}, {@code val_weighted_f1}) or a number in its
     * {@code summary.json} (e.g. {@code test_accuracy}). Accuracies are maximised and losses minimised; a direction
     * given against that is refused. Of an experiment that trains several models (Lab 3's comparison), {@code model}
     * names the one whose last epoch scores, or takes the {@code mean}, {@code min} or {@code max} over them.
     */
    public record Objective(String metric, Direction direction, String model) {

        /** Of an experiment that trains one model. */
        public Objective(String metric, Direction direction) {
            this(metric, direction, null);
        }

        /** Over the models of an experiment that trains several: their mean, their least or their most. */
        public static final List<String> OVER_MODELS = List.of("mean", "min", "max");

        /** Which way is better. */
        public enum Direction {
            MAX, MIN;

            @com.fasterxml.jackson.annotation.JsonCreator
            public static Direction of(String name) {
                String n = name.toLowerCase(Locale.ROOT);
                if (n.equals("max") || n.equals("maximize") || n.equals("maximise")) {
                    return MAX;
                }
                if (n.equals("min") || n.equals("minimize") || n.equals("minimise")) {
                    return MIN;
                }
                throw new IllegalArgumentException("direction '" + name + "': use max or min");
            }

            @com.fasterxml.jackson.annotation.JsonValue
            public String label() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        public Objective {
            require(metric != null && !metric.isBlank(), "objective.metric", "e.g. val_acc, val_loss or test_accuracy "
                    + "(a second objective also seconds, images_per_sec or total_params)");
            model = model == null || model.isBlank() ? null : model.strip();
            Direction implied = implied(metric);
            if (direction == null) {
                require(implied != null, "objective.direction", "max or min: '" + metric + "' is neither an accuracy "
                        + "nor a loss, so say which way is better");
                direction = implied;
            } else {
                require(implied == null || implied == direction, "objective.direction", "'" + metric + "' is "
                        + (implied == Direction.MAX ? "an accuracy: it is maximised (direction: max)"
                        : "a loss: it is minimised (direction: min)"));
            }
        }

        /** Max for accuracies and speeds, min for losses, seconds and parameter counts, null when the name says neither. */
        static Direction implied(String metric) {
            String m = metric.toLowerCase(Locale.ROOT);
            if (m.endsWith("acc") || m.contains("accuracy") || m.endsWith("f1") || m.endsWith("per_sec")
                    || m.endsWith("top_k")) {
                return Direction.MAX;
            }
            if (m.endsWith("loss") || m.endsWith("seconds") || m.endsWith("params")) {
                return Direction.MIN;
            }
            return null;
        }

        /** Whether {@code candidate} beats {@code best} (NaN never does). */
        public boolean better(double candidate, double best) {
            if (Double.isNaN(candidate)) {
                return false;
            }
            return Double.isNaN(best) || (direction == Direction.MAX ? candidate > best : candidate < best);
        }
    }

    /** Where {@code params} lie in the space, one coordinate per searched setting in key order (0.5 for one left out). */
    public double[] position(Map<String, String> params) {
        double[] out = new double[space.size()];
        int i = 0;
        for (Map.Entry<String, SweepDimension> e : space.entrySet()) {
            String value = params.get(e.getKey());
            out[i++] = value == null ? 0.5 : e.getValue().coordinate(value);
        }
        return out;
    }

    /** This sweep as JSON, for {@link #fromJson} (a trial job carries it to wherever the trial runs). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the sweep as JSON", e);
        }
    }

    public static SweepSpec fromJson(String json) {
        try {
            return JSON.readValue(json, SweepSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read a sweep written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads a sweep file: YAML by its extension (.yaml, .yml), else JSON. */
    public static SweepSpec read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("The sweep file " + file + " does not exist. Give -Dsweep a JSON or YAML sweep "
                    + "file, e.g. -Dsweep=sweeps/mnist-quick.yaml.");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON;
        try {
            com.fasterxml.jackson.databind.JsonNode tree = mapper.readTree(file.toFile());
            if (tree == null || !tree.isObject()) {
                throw new ConfigException("The sweep file " + file + " is empty or not a mapping; see the examples in "
                        + "sweeps/.");
            }
            for (java.util.Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!FIELDS.contains(field)) {
                    throw new ConfigException("The sweep file " + file + " has an unknown field '" + field + "'. A sweep "
                            + "file has " + String.join(", ", FIELDS) + "; see the examples in sweeps/.");
                }
            }
            return mapper.treeToValue(tree, SweepSpec.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException("The sweep file " + file + " has an unknown field '" + e.getPropertyName()
                    + "' in " + e.getPath().stream().map(r -> String.valueOf(r.getFieldName())).toList()
                    + "; see the examples in sweeps/.");
        } catch (JsonProcessingException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ConfigException c) {
                    throw c;
                }
            }
            throw new ConfigException("The sweep file " + file + " cannot be read: " + e.getOriginalMessage() + ". Fix "
                    + "it (see the examples in sweeps/) and run again.");
        } catch (IOException e) {
            throw new ConfigException("The sweep file " + file + " cannot be read (" + e.getMessage() + ").");
        }
    }

    static void require(boolean ok, String field, String expected) {
        if (!ok) {
            throw new ConfigException("Sweep file: '" + field + "' is missing or invalid; it should be " + expected + ".");
        }
    }
}
