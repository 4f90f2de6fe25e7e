package cnnlabs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.datasets.DataLocations;
import cnnlabs.datasets.SyntheticImageFolder;
import cnnlabs.run.Experiments;
import cnnlabs.run.RunRoots;
import cnnlabs.run.settings.DatasetChoice;
import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.settings.ConfigException;
import cnnlabs.settings.SettingsParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep file can fix {@code dataset} or search over a choice of datasets, a folder's images set only with it. */
class SweepDatasetTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private void check(Path file) {
        Sweep sweep = new Sweep();
        sweep.check(SettingsParser.with(sweep.defaults(), Map.of("sweep", file.toString())),
                new RunRoots(dir, dir.resolve("results"), DataLocations.defaults()));
    }

    /** The dataset each of {@code spec}'s trials would train on, as the trial builds its settings. */
    private static List<String> datasets(SweepSpec spec) {
        return ArbiterSearch.candidates(spec).stream().map(c -> {
            Map<String, String> values = new java.util.LinkedHashMap<>(spec.fixed());
            values.putAll(TpeSampler.applicable(spec, c));
            Record settings = SettingsParser.with(Experiments.get(spec.experiment()).defaults(), values);
            DatasetChoice d = ((ExperimentSettings) settings).dataset();
            return SettingsParser.shortest(d.kind()) + (d.images().isEmpty() ? "" : " " + d.images());
        }).toList();
    }

    @Test
    void aChoiceOfDatasetsIsSearchedLikeAnyOtherChoice() throws Exception {
        Path file = write("datasets.yaml", """
                experiment: MnistSimpleCnn
                search: {kind: grid}
                objective: {metric: val_acc}
                fixed: {epochs: 1, subset: 2000}
                space:
                  dataset: {choice: [mnist, fashion-mnist, cifar10]}
                """);
        check(file);
        SweepSpec spec = SweepSpec.read(file);
        assertEquals(List.of("mnist", "fashion-mnist", "cifar10"), spec.space().get("dataset").choice());
        assertEquals(List.of("mnist", "fashion-mnist", "cifar10"), datasets(spec));
    }

    @Test
    void aFolderIsFixedOrSetOnlyForTheTrialsThatChooseIt() throws Exception {
        Path folder = SyntheticImageFolder.write(dir.resolve("synthetic"), 2, 1);
        check(write("fixed.yaml", """
                experiment: ArchitectureComparison
                search: {kind: random, trials: 2}
                objective: {metric: val_acc, model: lenet5}
                fixed: {dataset: folder, data.images: %s}
                space: {lr: {log_uniform: [0.0001, 0.01]}}
                """.formatted(folder)));
        // random, not grid: Arbiter's grid generator cannot take a one-value choice (its parameter vector leaves such a
        // dimension out while the leaves keep their indices)
        Path mixed = write("mixed.yaml", """
                experiment: MnistSimpleCnn
                search: {kind: random, trials: 8}
                objective: {metric: val_acc}
                space:
                  dataset: {choice: [mnist, folder]}
                  data.images: {choice: [%s], when: {dataset: [folder]}}
                """.formatted(folder));
        check(mixed);
        List<String> trials = datasets(SweepSpec.read(mixed));
        assertEquals(8, trials.size());
        assertEquals(java.util.Set.of("mnist", "folder " + folder), java.util.Set.copyOf(trials), trials.toString());
    }

    @Test
    void anUnknownDatasetOrAFolderWithoutImagesStopsTheSweepBeforeItStarts() throws Exception {
        Path unknown = write("unknown.yaml", """
                experiment: MnistSimpleCnn
                search: {kind: random, trials: 2}
                objective: {metric: val_acc}
                space: {dataset: {choice: [mnist, imagenet]}}
                """);
        String m = assertThrows(ConfigException.class, () -> check(unknown)).getMessage();
        assertTrue(m.contains("'imagenet' for -Ddataset: expected one of mnist, fashion-mnist, cifar10, folder"), m);
        Path noImages = write("no-images.yaml", """
                experiment: MnistSimpleCnn
                search: {kind: random, trials: 2}
                objective: {metric: val_acc}
                space: {dataset: {choice: [mnist, folder]}}
                """);
        m = assertThrows(ConfigException.class, () -> check(noImages)).getMessage();
        assertTrue(m.contains("-Ddataset=folder needs the folder: add -Ddata.images=DIR"), m);
        Path imagesForAll = write("images-for-all.yaml", """
                experiment: MnistSimpleCnn
                search: {kind: random, trials: 2}
                objective: {metric: val_acc}
                fixed: {data.images: /data/flowers}
                space: {dataset: {choice: [mnist, folder]}}
                """);
        m = assertThrows(ConfigException.class, () -> check(imagesForAll)).getMessage();
        assertTrue(m.contains("-Ddata.images=/data/flowers is read only with -Ddataset=folder"), m);
    }

    @Test
    void aFolderWithAnEmptyClassStopsTheSweepBeforeItStarts() throws Exception {
        Path folder = SyntheticImageFolder.write(dir.resolve("synthetic"), 2, 1);
        Path empty = Files.createDirectories(folder.resolve("zebra"));
        Path file = write("empty-class.yaml", """
                experiment: MnistSimpleCnn
                search: {kind: random, trials: 2}
                objective: {metric: val_acc}
                space:
                  dataset: {choice: [mnist, folder]}
                  data.images: {choice: [%s], when: {dataset: [folder]}}
                """.formatted(folder));
        String m = assertThrows(ConfigException.class, () -> check(file)).getMessage();
        assertTrue(m.contains(empty.toString()) && m.contains("no images"), m);
        assertTrue(!Files.exists(dir.resolve("results").resolve("Sweep")), "no sweep folder before the check");
    }
}
