package cnnlabs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The axes of the sweep's pictures (categories by value, log ranges by decade) and the pictures themselves. */
class SweepPicturesTest {

    @TempDir
    Path dir;

    private static List<String> labels(Scale s) {
        return s.ticks().stream().filter(Scale.Tick::major).map(Scale.Tick::label).toList();
    }

    @Test
    void aChoiceIsOneLabelledSlotPerValue() {
        Scale momentum = Scale.of(SweepDimension.choice(0.9, 0.99));
        assertEquals(List.of("0.9", "0.99"), labels(momentum), "bn.momentum reads as its values, not as 0-1");
        assertEquals(List.of(0.0, 1.0), momentum.ticks().stream().map(Scale.Tick::at).toList());
        assertEquals(1.0, momentum.units("0.99"));
        assertTrue(Double.isNaN(momentum.units("0.5")) && Double.isNaN(momentum.units(null)));
        assertEquals(0.25, momentum.fraction(0), 1e-12, "slots are spread evenly, half a slot from each end");
        for (int t = 1; t <= 200; t++) {
            assertTrue(Math.abs(SweepPlots.jitter(t)) <= 0.15, "jittered within the slot");
            assertEquals(SweepPlots.jitter(t), SweepPlots.jitter(t), "the same trial sits at the same place");
        }
    }

    @Test
    void aLogRangeIsTickedByDecade() {
        assertEquals(List.of("1e-4", "1e-3", "1e-2", "1e-1"), labels(Scale.of(SweepDimension.logUniform(1e-4, 0.1))));
        assertEquals(List.of("0.001", "0.01", "0.1", "1"), labels(Scale.of(SweepDimension.logUniform(0.001, 1))));
        Scale lr = Scale.of(SweepDimension.logUniform(3e-5, 0.03));
        assertEquals(List.of("1e-4", "1e-3", "1e-2"), labels(lr));
        assertEquals(-3.0, lr.units("0.001"), 1e-12);
        assertTrue(lr.ticks().stream().anyMatch(t -> !t.major()), "the 2..9 of each decade as minor ticks");
        // less than two decades: the range's own round values, still placed on a log axis
        Scale narrow = Scale.of(SweepDimension.logUniform(0.001, 0.005));
        assertEquals(List.of("0.001", "0.002", "0.003", "0.004", "0.005"), labels(narrow));
        assertEquals(Math.log10(0.002), narrow.ticks().get(1).at(), 1e-12);
    }

    @Test
    void rangesAndMetricsAreLinearWithRoundTicks() {
        assertEquals(List.of("0.80", "0.85", "0.90", "0.95"), labels(Scale.of(SweepDimension.uniform(0.8, 0.95))));
        assertEquals(List.of("1", "2", "3", "4"), labels(Scale.of(new SweepDimension(null, null, List.of(1, 4), null))));
        assertEquals(List.of("0.92", "0.94", "0.96", "0.98"), labels(Scale.metric(0.913, 0.981)));
        assertTrue(Scale.metric(2_000, 5_000_000).logarithmic(), "parameter counts over orders of magnitude");
        assertEquals(List.of("1e4", "1e5", "1e6"), labels(Scale.metric(2_000, 5_000_000)));
    }

    @Test
    void theScorePanelsLeaveOutTrialsWithoutTheSetting() throws Exception {
        SweepSpec spec = SweepTrials.spec(dir, "");
        Map<Integer, Trial> trials = SweepTrials.trials(12, 5, SweepTrials::lrOnly);
        Scale momentum = Scale.of(spec.space().get("momentum"));
        for (Trial t : trials.values()) {
            assertEquals(t.params().get("optimizer").equals("adam"), Double.isNaN(SweepPlots.position(momentum, t,
                    "momentum")), t.params().toString());
        }
        BufferedImage scores = png(SweepPlots.scores(spec, trials.values()));
        assertEquals(3 * 400, scores.getWidth(), "three panels to a row");
        assertEquals(56 + 2 * 300, scores.getHeight(), "four settings: two rows");
    }

    @Test
    void parallelCoordinatesHaveAnAxisPerSettingAndTheObjective() throws Exception {
        SweepSpec spec = SweepTrials.spec(dir, "");
        Map<Integer, Trial> trials = SweepTrials.trials(20, 5, SweepTrials::lrOnly);
        List<Trial> completed = trials.values().stream().filter(t -> t.status() == Trial.Status.COMPLETED).toList();
        List<ParallelCoordinates.Axis> axes = ParallelCoordinates.axes(spec, completed);
        assertEquals(List.of("epochs", "lr", "momentum", "optimizer", "val_acc (max)"),
                axes.stream().map(ParallelCoordinates.Axis::title).toList());
        assertEquals(List.of("adam", "sgd", "nesterov"), labels(axes.get(3).scale()));
        assertEquals(List.of("1e-4", "1e-3", "1e-2", "1e-1"), labels(axes.get(1).scale()));
        assertTrue(axes.get(2).conditional() && !axes.get(1).conditional(), "momentum has an n/a mark");
        BufferedImage image = png(ParallelCoordinates.plot(spec, trials.values()));
        assertEquals(70 + 150 * 4 + 130 + 40, image.getWidth());
        assertEquals(470, image.getHeight());
    }

    /** The picture written as a PNG and decoded again, as the report's reader gets it. */
    static BufferedImage png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, "png", out));
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(image.getWidth(), back.getWidth());
        return back;
    }
}
