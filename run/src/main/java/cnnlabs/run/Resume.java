package cnnlabs.run;

import cnnlabs.run.results.ExperimentRun;
import cnnlabs.run.results.RunHistory;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.settings.ConfigException;
import cnnlabs.settings.SettingsParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * {@code -Dresume=FOLDER|latest}: which interrupted run to continue, and its settings, read from its
 * {@code config.json}. A resumed run uses the settings it started with; a setting given again must agree.
 */
final class Resume {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Resume() {
    }

    /** The run folder {@code value} names: a path, or {@code latest} (the newest run of {@code experiment}). */
    static Path folder(String value, Path resultsRoot, String experiment) {
        Path folder;
        if (value.equalsIgnoreCase("latest")) {
            Path dir = resultsRoot.resolve(experiment);
            try (Stream<Path> runs = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
                folder = runs.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                        .max(Comparator.naturalOrder()).orElse(null);
            } catch (IOException e) {
                folder = null;
            }
            if (folder == null) {
                throw new ConfigException("-D" + RunOptions.RESUME + "=latest found no run of " + experiment + " under "
                        + dir + " to continue. Run it first (without -D" + RunOptions.RESUME + "), or give the run folder.");
            }
        } else {
            folder = Path.of(value).toAbsolutePath().normalize();
        }
        if (!Files.isRegularFile(folder.resolve(ExperimentRun.CONFIG))) {
            throw new ConfigException("-D" + RunOptions.RESUME + "=" + value + ": " + folder + " is not a run folder (it has no "
                    + ExperimentRun.CONFIG + "). Give a folder results/<Experiment>/<yyyyMMdd-HHmmss>-<id>, or latest.");
        }
        return folder;
    }

    /**
     * The settings in a settings file ({@code config.json} of a run, {@code best.json} of a sweep) for {@code -Dconfig}:
     * the experiment's defaults with the file's values. Throws when it is another experiment's or unreadable.
     */
    static <S extends Record & ExperimentSettings> S fromFile(Experiment<S> experiment, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("-D" + RunOptions.CONFIG + "=" + file + ": no such file. Give a run's config.json or a "
                    + "sweep's best.json.");
        }
        return SettingsParser.with(experiment.defaults(), values(experiment, file));
    }

    /** The setting values in a settings file written for {@code experiment}. */
    private static Map<String, String> values(Experiment<?> experiment, Path file) {
        JsonNode config;
        try {
            config = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("Cannot read " + file + " (" + e.getMessage() + "). Give a run's config.json or a "
                    + "sweep's best.json.");
        }
        String name = config.path("experiment").asText();
        if (!name.equals(experiment.name())) {
            throw new ConfigException(file + " holds the settings of " + (name.isEmpty() ? "no experiment" : name)
                    + ", not of " + experiment.name() + ". Use it with -D" + RunOptions.EXPERIMENT + "=" + name + ".");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("experiment")) {
                values.put(e.getKey(), e.getValue().asText());
            }
        }
        values.keySet().retainAll(SettingsParser.keys(experiment.defaults()));
        return values;
    }

    /**
     * The settings the run in {@code folder} started with. Throws when the run is another experiment's, or when a
     * setting given now ({@code given}) differs from the run's; except {@code epochs} above the run's, which trains the
     * run on (Keras' {@code initial_epoch}): each fit continues from its last checkpoint to the new number. A completed
     * run can only be trained on so.
     */
    static <S extends Record & ExperimentSettings> S settings(Experiment<S> experiment, Path folder, S current,
                                                             Properties given) {
        Map<String, String> values;
        try {
            values = values(experiment, folder.resolve(ExperimentRun.CONFIG));
        } catch (ConfigException e) {
            throw new ConfigException("The run " + folder + " cannot be resumed: " + e.getMessage());
        }
        S resumed = SettingsParser.with(experiment.defaults(), values);
        Map<String, Object> run = SettingsParser.values(resumed);
        Map<String, Object> now = SettingsParser.values(current);
        boolean onward = given.containsKey(EPOCHS) && run.get(EPOCHS) instanceof Integer before
                && now.get(EPOCHS) instanceof Integer after && after > before;
        if (onward) {
            resumed = SettingsParser.with(resumed, Map.of(EPOCHS, String.valueOf(now.get(EPOCHS))));
        }
        for (String key : run.keySet()) {
            if (given.containsKey(key) && !Objects.equals(run.get(key), now.get(key)) && !(onward && key.equals(EPOCHS))) {
                throw new ConfigException("-D" + key + "=" + given.getProperty(key) + " differs from the run being "
                        + "resumed, which has " + key + "=" + SettingsParser.shortest(run.get(key)) + ". A resumed run "
                        + "keeps its own settings" + (key.equals(EPOCHS) ? " (more epochs than it had train it on)" : "")
                        + ": leave -D" + key + " out, or start a new run.");
            }
        }
        if ("completed".equals(RunHistory.status(folder)) && !onward) {
            throw new ConfigException("The run " + folder + " completed; there is nothing to resume. Start a new run "
                    + "(leave -D" + RunOptions.RESUME + " out)" + (run.containsKey(EPOCHS) ? ", or train it on with "
                    + "more epochs than its " + run.get(EPOCHS) + ": -D" + EPOCHS + "=N" : "") + ".");
        }
        return resumed;
    }

    private static final String EPOCHS = "epochs";
}
