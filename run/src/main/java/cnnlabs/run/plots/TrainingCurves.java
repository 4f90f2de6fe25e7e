package cnnlabs.run.plots;

import cnnlabs.training.EpochMetrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The labs' training curves ({@code plt.plot(history.history['loss'])} ...): loss and accuracy per epoch, training
 * (solid) against validation (dashed), one colour per model, as two XChart line charts side by side.
 */
public final class TrainingCurves {

    /** matplotlib's default colour cycle ("tab10"), so models get the colours a Keras user expects. */
    static final Color[] TAB10 = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf)};

    private static final int WIDTH = 560;
    private static final int HEIGHT = 400;

    private TrainingCurves() {
    }

    /** Both charts for the epochs so far (any number of models), as one image. */
    public static BufferedImage render(List<EpochMetrics> epochs) {
        return render(epochs, "validation");
    }

    /** As {@link #render(List)}, the dashed curves named after {@code evaluated} (the split of the val_* metrics). */
    public static BufferedImage render(List<EpochMetrics> epochs, String evaluated) {
        Map<String, List<EpochMetrics>> byModel = new LinkedHashMap<>();
        for (EpochMetrics m : epochs) {
            byModel.computeIfAbsent(m.model(), k -> new ArrayList<>()).add(m);
        }
        // Legends where the curves usually are not: loss falls (top right is free), accuracy rises (bottom right).
        XYChart loss = chart("Loss", "loss", byModel, EpochMetrics::trainLoss, EpochMetrics::valLoss,
                Styler.LegendPosition.InsideNE, evaluated);
        XYChart accuracy = chart("Accuracy", "accuracy", byModel, EpochMetrics::trainAcc, EpochMetrics::valAcc,
                Styler.LegendPosition.InsideSE, evaluated);
        BufferedImage left = BitmapEncoder.getBufferedImage(loss);
        BufferedImage right = BitmapEncoder.getBufferedImage(accuracy);
        BufferedImage both = new BufferedImage(left.getWidth() + right.getWidth(), Math.max(left.getHeight(), right.getHeight()),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, both.getWidth(), both.getHeight());
            g.drawImage(left, 0, 0, null);
            g.drawImage(right, left.getWidth(), 0, null);
        } finally {
            g.dispose();
        }
        return both;
    }

    private static XYChart chart(String title, String yLabel, Map<String, List<EpochMetrics>> byModel,
                                 ToDoubleFunction<EpochMetrics> train, ToDoubleFunction<EpochMetrics> validation,
                                 Styler.LegendPosition legend, String evaluated) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("epoch")
                .yAxisTitle(yLabel).build();
        XYStyler styler = chart.getStyler();
        styler.setXAxisDecimalPattern("0");
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(0xdddddd));
        styler.setLegendPosition(legend);
        int colour = 0;
        for (Map.Entry<String, List<EpochMetrics>> e : byModel.entrySet()) {
            String prefix = byModel.size() > 1 ? e.getKey() + " " : "";
            Color c = TAB10[colour++ % TAB10.length];
            add(chart, prefix + "train", e.getValue(), train, c, new BasicStroke(2f));
            add(chart, prefix + evaluated, e.getValue(), validation, c,
                    new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        }
        return chart;
    }

    private static void add(XYChart chart, String name, List<EpochMetrics> rows, ToDoubleFunction<EpochMetrics> value,
                            Color colour, BasicStroke stroke) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (EpochMetrics m : rows) {
            double v = value.applyAsDouble(m);
            if (Double.isFinite(v)) {
                x.add((double) m.epoch());
                y.add(v);
            }
        }
        if (x.isEmpty()) {
            return;
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setLineColor(colour);
        series.setMarkerColor(colour);
        series.setLineStyle(stroke);
        series.setMarker(SeriesMarkers.CIRCLE);
    }
}
