package cnnlabs.sweep;

import cnnlabs.run.results.RunDirectory;
import cnnlabs.run.results.RunHistory;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A sweep's storage, in its folder (as Optuna's study storage): each trial's record ({@code trials/<n>/trial.json},
 * written when it ends) and the objective it reported after each epoch ({@code trials/<n>/reports.json}, what pruners
 * compare). Every file is written whole by the one trial it belongs to and renamed into place, so trials on threads,
 * in other processes or on other machines that mount the folder read and write it alike without locks, and a resumed
 * sweep finds everything here. Pruners keep no state of their own: they read it from here.
 */
public final class TrialStore {

    static final String TRIAL_JSON = "trial.json";
    static final String REPORTS_JSON = "reports.json";
    static final String ATTEMPTS = "attempts";
    static final String PROPOSAL_JSON = "proposal.json";
    private static final TypeReference<Map<String, String>> PARAMS = new TypeReference<>() { };
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final TypeReference<TreeMap<Integer, Double>> REPORTS = new TypeReference<>() { };

    private final Path folder;

    public TrialStore(Path sweepFolder) {
        this.folder = sweepFolder;
    }

    /** Where trial {@code n} keeps its run folder and its files. */
    public Path trialFolder(int n) {
        return folder.resolve("trials").resolve(String.valueOf(n));
    }

    /** Records a trial that ended. */
    public void save(Trial t) {
        write(trialFolder(t.trial()).resolve(TRIAL_JSON), t);
    }

    /** The trials that ended so far (a resumed sweep skips them), by number. */
    public Map<Integer, Trial> finished() {
        Map<Integer, Trial> out = new TreeMap<>();
        for (Path t : trialFolders()) {
            Path file = t.resolve(TRIAL_JSON);
            if (Files.isRegularFile(file)) {
                Trial trial = read(file, Trial.class);
                out.put(trial.trial(), trial);
            }
        }
        return out;
    }

    /** Keeps the settings proposed for trial {@code n}, so a resumed sweep runs it with the same ones. */
    public void propose(int n, Map<String, String> params) {
        write(trialFolder(n).resolve(PROPOSAL_JSON), params);
    }

    /** The settings proposed for trial {@code n} before, or null. */
    public Map<String, String> proposal(int n) {
        Path file = trialFolder(n).resolve(PROPOSAL_JSON);
        return Files.isRegularFile(file) ? read(file, PARAMS) : null;
    }

    /** The record of trial {@code n} if it ended, else null. */
    public Trial finished(int n) {
        Path file = trialFolder(n).resolve(TRIAL_JSON);
        return Files.isRegularFile(file) ? read(file, Trial.class) : null;
    }

    /**
     * Trial {@code n} starts: returns which attempt this is (1 for the first). A trial runs one attempt at a time (Spark
     * starts another only once it has given the last one up), so the count needs no lock.
     */
    public int attempt(int n) {
        Path file = trialFolder(n).resolve(ATTEMPTS);
        int attempt = 1;
        try {
            if (Files.isRegularFile(file)) {
                attempt = Integer.parseInt(Files.readString(file).strip()) + 1;
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String text = attempt + "\n";
        write(file, tmp -> Files.writeString(tmp, text));
        return attempt;
    }

    /** Trial {@code n} reports {@code value} of the objective after {@code epoch}. */
    public void report(int n, int epoch, double value) {
        Map<Integer, Double> reports = reports(n);
        reports.put(epoch, value);
        write(trialFolder(n).resolve(REPORTS_JSON), reports);
    }

    /** What trial {@code n} reported, by epoch. */
    public Map<Integer, Double> reports(int n) {
        Path file = trialFolder(n).resolve(REPORTS_JSON);
        return Files.isRegularFile(file) ? read(file, REPORTS) : new TreeMap<>();
    }

    /** Every trial's reports, by trial number. */
    public Map<Integer, Map<Integer, Double>> allReports() {
        Map<Integer, Map<Integer, Double>> out = new TreeMap<>();
        for (Path t : trialFolders()) {
            Path file = t.resolve(REPORTS_JSON);
            if (Files.isRegularFile(file)) {
                out.put(Integer.parseInt(t.getFileName().toString()), read(file, REPORTS));
            }
        }
        return out;
    }

    /** The values every trial (this one included) reported after {@code epoch}, in trial order. */
    public List<Double> valuesAt(int epoch) {
        List<Double> out = new ArrayList<>();
        allReports().values().forEach(r -> {
            Double v = r.get(epoch);
            if (v != null) {
                out.add(v);
            }
        });
        return out;
    }

    /** Trial {@code n}'s run of {@code experiment} that was interrupted (a resumed sweep continues it). */
    public Optional<Path> unfinishedRun(int n, String experiment) {
        Path dir = trialFolder(n).resolve(experiment);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> runs = Files.list(dir)) {
            return runs.filter(Files::isDirectory).max(Comparator.naturalOrder())
                    .filter(p -> "running".equals(RunHistory.status(p)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private List<Path> trialFolders() {
        Path dir = folder.resolve("trials");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> trials = Files.list(dir)) {
            return trials.filter(p -> p.getFileName().toString().matches("\\d+")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the trials of " + folder, e);
        }
    }

    private static void write(Path file, Object value) {
        write(file, tmp -> JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), value));
    }

    private static void write(Path file, RunDirectory.FileWriter writer) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file.getParent(), e);
        }
        RunDirectory.writeAtomically(file, writer);
    }

    private static <T> T read(Path file, Class<T> type) {
        try {
            return JSON.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static <T> T read(Path file, TypeReference<T> type) {
        try {
            return JSON.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
