package cnnlabs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.settings.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conditional settings, where a proposal lies in the space, and the sweep file's new fields. */
class SamplersTest {

    @TempDir
    Path dir;

    private SweepSpec read(String yaml) throws Exception {
        return SweepSpec.read(Files.writeString(dir.resolve("s.yaml"), yaml));
    }

    @Test
    void aConditionalSettingIsSetOnlyWhereItsConditionHolds() throws Exception {
        SweepSpec spec = read("""
                experiment: MnistSimpleCnn
                seed: 3
                search: {kind: random, trials: 30}
                objective: {metric: val_acc}
                space:
                  optimizer: {choice: [adam, sgd, nesterov]}
                  momentum: {uniform: [0.8, 0.99], when: {optimizer: [sgd, nesterov]}}
                """);
        Sampler sampler = Sampler.of(spec);
        Set<String> optimizers = new HashSet<>();
        for (int n = 1; n <= 30; n++) {
            Map<String, String> p = sampler.propose(n, List.of()).params();
            optimizers.add(p.get("optimizer"));
            assertEquals(!p.get("optimizer").equals("adam"), p.containsKey("momentum"), p.toString());
        }
        assertEquals(Set.of("adam", "sgd", "nesterov"), optimizers);

        SweepSpec grid = read("""
                experiment: MnistSimpleCnn
                search: {kind: grid, grid_points: 2}
                objective: {metric: val_acc}
                space:
                  optimizer: {choice: [adam, sgd]}
                  momentum: {uniform: [0.8, 0.9], when: {optimizer: [sgd]}}
                """);
        Sampler g = Sampler.of(grid);
        assertEquals(3, g.planned(), "adam once (without momentum), sgd with each of two momenta");
    }

    @Test
    void aConditionOnAnythingButAnotherSearchedChoiceIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> read("""
                experiment: MnistSimpleCnn
                search: {kind: random}
                objective: {metric: val_acc}
                space:
                  momentum: {uniform: [0.8, 0.99], when: {optimizer: [sgd]}}
                """));
        assertTrue(e.getMessage().contains("another searched setting that is a choice"), e.getMessage());
        ConfigException value = assertThrows(ConfigException.class, () -> read("""
                experiment: MnistSimpleCnn
                search: {kind: random}
                objective: {metric: val_acc}
                space:
                  optimizer: {choice: [adam, sgd]}
                  momentum: {uniform: [0.8, 0.99], when: {optimizer: [rmsprop]}}
                """));
        assertTrue(value.getMessage().contains("among optimizer's choices"), value.getMessage());
    }

    @Test
    void aProposalsPositionGivesItsValuesBackInArbitersSpace() throws Exception {
        SweepSpec spec = read("""
                experiment: MnistSimpleCnn
                seed: 11
                search: {kind: random, trials: 12}
                objective: {metric: val_loss}
                space:
                  lr: {log_uniform: [0.0001, 0.1]}
                  batch.size: {choice: [32, 64, 128]}
                  epochs: {int: [1, 4]}
                  bn.momentum: {uniform: [0.8, 0.99]}
                """);
        SweepSpace space = new SweepSpace(spec.space());
        int i = 0;
        for (var leaf : space.collectLeaves()) {
            leaf.setIndices(i++);
        }
        for (Map<String, String> c : ArbiterSearch.candidates(spec)) {
            assertEquals(c, space.getValue(spec.position(c)), "the values found again from their position");
        }
    }

    @Test
    void hyperbandAndTheMedianPrunerAreReadFromTheFileAndOnePrunerIsAllowed() throws Exception {
        SweepSpec hb = read("""
                experiment: MnistSimpleCnn
                search: {kind: hyperband, trials: 17, min_epochs: 1, max_epochs: 9, reduction: 3}
                objective: {metric: val_loss}
                fixed: {epochs: 9}
                space: {lr: {log_uniform: [0.0001, 0.01]}}
                """);
        assertTrue(Pruner.of(hb) instanceof HyperbandPruner);
        SweepSpec median = read("""
                experiment: MnistSimpleCnn
                search: {kind: random, trials: 8}
                pruner: {kind: median, startup_trials: 3}
                objective: {metric: val_loss}
                space: {lr: {log_uniform: [0.0001, 0.01]}}
                """);
        assertTrue(Pruner.of(median) instanceof MedianPruner);
        assertFalse(Sampler.of(median).adaptive());
        assertTrue(assertThrows(ConfigException.class, () -> read("""
                experiment: MnistSimpleCnn
                search: {kind: halving, rungs: [1]}
                pruner: {kind: median}
                objective: {metric: val_loss}
                space: {lr: {log_uniform: [0.0001, 0.01]}}
                """)).getMessage().contains("one pruner per sweep"));
        assertTrue(assertThrows(ConfigException.class, () -> read("""
                experiment: MnistSimpleCnn
                search: {kind: hyperband, min_epochs: 2, max_epochs: 4}
                objective: {metric: val_loss}
                space: {lr: {log_uniform: [0.0001, 0.01]}}
                """)).getMessage().contains("max_epochs"));
    }
}
