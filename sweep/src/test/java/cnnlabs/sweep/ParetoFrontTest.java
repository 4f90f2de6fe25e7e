package cnnlabs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Pareto front of a hand-made set of trials, for each pair of directions. */
class ParetoFrontTest {

    /** (objective, second objective) by trial number; 7 was pruned, 8 has no second value. */
    private static final double[][] POINTS = {
            {0.90, 100}, {0.95, 200}, {0.93, 300}, {0.80, 50}, {0.85, 150}, {0.95, 200}, {0.99, 10}, {0.99, Double.NaN},
            {0.70, 400}};

    private static List<Trial> trials() {
        List<Trial> out = new ArrayList<>();
        for (int i = 0; i < POINTS.length; i++) {
            int n = i + 1;
            out.add(new Trial(n, Map.of("lr", "0.001"), n == 7 ? Trial.Status.PRUNED : Trial.Status.COMPLETED,
                    POINTS[i][0], 1, 1.0, "", "trials/" + n, Map.of(), 1, POINTS[i][1]));
        }
        return out;
    }

    private static List<Integer> front(String first, String firstDirection, String second, String secondDirection) {
        return ParetoFront.of(new SweepSpec.Objective(first, SweepSpec.Objective.Direction.of(firstDirection)),
                new SweepSpec.Objective(second, SweepSpec.Objective.Direction.of(secondDirection)), trials()).stream()
                .map(Trial::trial).toList();
    }

    @Test
    void accuracyUpParametersDown() {
        // 3 loses to 2 on both, 5 to 1, 9 to 1; 2 and 6 tie and neither beats the other; 7 (pruned) and 8 (no count)
        // are not candidates. Best second objective (fewest parameters) first.
        assertEquals(List.of(4, 1, 2, 6), front("val_acc", "max", "total_params", "min"));
    }

    @Test
    void bothUp() {
        assertEquals(List.of(9, 3, 2, 6), front("val_acc", "max", "images_per_sec", "max"));
    }

    @Test
    void bothDown() {
        assertEquals(List.of(4, 9), front("val_loss", "min", "seconds", "min"));
    }

    @Test
    void lossDownSpeedUp() {
        assertEquals(List.of(9), front("val_loss", "min", "images_per_sec", "max"));
    }

    @Test
    void dominationNeedsBetterOnOneAndNoWorseOnTheOther() {
        SweepSpec.Objective acc = new SweepSpec.Objective("val_acc", null);
        SweepSpec.Objective params = new SweepSpec.Objective("total_params", null);
        List<Trial> t = trials();
        assertTrue(ParetoFront.dominates(t.get(1), t.get(2), acc, params));
        assertFalse(ParetoFront.dominates(t.get(1), t.get(5), acc, params), "a tie dominates neither way");
        assertFalse(ParetoFront.dominates(t.get(0), t.get(1), acc, params));
        assertEquals("1,234,567", ParetoFront.format(1_234_567));
        assertEquals("12.35", ParetoFront.format(12.3456));
    }
}
