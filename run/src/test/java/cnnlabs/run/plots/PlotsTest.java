package cnnlabs.run.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import cnnlabs.training.EpochMetrics;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlotsTest {

    @Test
    void embeddingProjectionFindsTheDirectionThePointsLieAlong() {
        // Points t * (1, 2, 0, 0) + (5, -1, 3, 7): all the variance lies along one direction of length sqrt(5) per t.
        double[] t = {-2, -0.5, 0, 1, 3.5};
        org.nd4j.linalg.api.ndarray.INDArray e = org.nd4j.linalg.factory.Nd4j.create(t.length, 4);
        for (int i = 0; i < t.length; i++) {
            e.putRow(i, org.nd4j.linalg.factory.Nd4j.createFromArray(5 + t[i], -1 + 2 * t[i], 3.0, 7.0));
        }

        org.nd4j.linalg.api.ndarray.INDArray xy = EmbeddingPlot.project(e);

        assertEquals(List.of((long) t.length, 2L), List.of(xy.shape()[0], xy.shape()[1]));
        for (int i = 0; i < t.length; i++) {
            assertEquals(0, xy.getDouble(i, 1), 1e-6, "second component");
            // distances along PC 1 are the true distances (the sign of a principal component is arbitrary)
            assertEquals(Math.abs(t[i] - t[0]) * Math.sqrt(5), Math.abs(xy.getDouble(i, 0) - xy.getDouble(0, 0)), 1e-6);
        }
        BufferedImage image = EmbeddingPlot.render("test", e, new int[] {0, 1, 1, 0, 2}, List.of("a", "b", "c"));
        assertEquals(620, image.getWidth());
        assertEquals(520, image.getHeight());
    }

    @Test
    void viridisRunsFromMatplotlibsPurpleToItsYellow() {
        assertEquals(0x440154, Viridis.rgb(0));     // matplotlib's viridis(0.0) = (0.267004, 0.004874, 0.329415)
        assertEquals(0xfde725, Viridis.rgb(1));     // viridis(1.0) = (0.993248, 0.906157, 0.143936)
        assertEquals(Viridis.rgb(0), Viridis.rgb(-3));
        assertEquals(256, Viridis.colors(256).length);
    }

    @Test
    void grayTileMapsMinimumToBlackAndMaximumToWhite() {
        BufferedImage tile = ImageGrid.tile(new double[][] {{-2, 0}, {2, 1}}, ImageGrid.ColorMap.GRAY);
        assertEquals(0x000000, tile.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xFFFFFF, tile.getRGB(0, 1) & 0xFFFFFF);
        assertEquals(0x808080, tile.getRGB(1, 0) & 0xFFFFFF);   // 0 is half-way: 127.5 rounds to 128
    }

    @Test
    void sharedScalingKeepsPanelsComparable() {
        List<ImageGrid.Panel> panels = List.of(new ImageGrid.Panel("a", new double[][] {{0, 1}}),
                new ImageGrid.Panel("b", new double[][] {{0, 2}}));
        BufferedImage perPanel = ImageGrid.render(null, panels, 2, 20, ImageGrid.ColorMap.GRAY);
        BufferedImage shared = ImageGrid.render(null, panels, 2, 20, ImageGrid.ColorMap.GRAY, ImageGrid.Scaling.SHARED);
        // panel a's bright cell: white when a is scaled alone, mid-grey against b's range
        int x = 12 + 15;
        int y = 12 + 22 + 5;
        assertEquals(0xFFFFFF, perPanel.getRGB(x, y) & 0xFFFFFF);
        assertEquals(0x808080, shared.getRGB(x, y) & 0xFFFFFF);
    }

    @Test
    void gridHasTheGeometryItPromises() {
        List<ImageGrid.Panel> panels = List.of(new ImageGrid.Panel("a", new double[28][28]),
                new ImageGrid.Panel("b", new double[28][28]), new ImageGrid.Panel("c", new double[28][28]));
        BufferedImage grid = ImageGrid.render("title", panels, 2, 100, ImageGrid.ColorMap.VIRIDIS);
        assertEquals(2 * (100 + 12) + 12, grid.getWidth());
        assertEquals(36 + 2 * (22 + 100 + 12), grid.getHeight());
    }

    @Test
    void trainingCurvesDrawEveryModel() {
        List<EpochMetrics> epochs = List.of(new EpochMetrics("a", 1, 1.0, 0.5, 0.9, 0.6, 1e-3, 1, 100),
                new EpochMetrics("a", 2, 0.5, 0.8, 0.6, 0.7, 1e-3, 1, 100),
                new EpochMetrics("b", 1, 2.0, 0.1, Double.NaN, Double.NaN, 1e-3, 1, 100));
        BufferedImage curves = TrainingCurves.render(epochs);
        assertEquals(2 * 560, curves.getWidth());
        assertEquals(400, curves.getHeight());
        assertNotEquals(curves.getRGB(0, 0), 0);
    }
}
