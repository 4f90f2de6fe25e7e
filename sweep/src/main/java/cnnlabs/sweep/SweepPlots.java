package cnnlabs.sweep;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A sweep's pictures: the score against each searched setting, and the best score so far by trial. */
final class SweepPlots {

    private static final int WIDTH = 420;
    private static final int HEIGHT = 320;
    private static final Color COMPLETED = new Color(0x1f77b4);
    private static final Color PRUNED = new Color(0xff7f0e);

    private SweepPlots() {
    }

    /** One scatter per setting, side by side (choices at their index in the list, log ranges on a log axis). */
    static BufferedImage scores(SweepSpec spec, Iterable<Trial> trials) {
        List<BufferedImage> charts = new ArrayList<>();
        for (Map.Entry<String, SweepSpec.Dimension> e : spec.space().entrySet()) {
            String key = e.getKey();
            SweepSpec.Dimension d = e.getValue();
            XYChart chart = chart(key, key + (d.choice() != null ? " (choice index: " + d.choice() + ")" : ""),
                    spec.objective().metric());
            chart.getStyler().setXAxisLogarithmic(d.logScale());
            for (Trial.Status status : List.of(Trial.Status.COMPLETED, Trial.Status.PRUNED)) {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (Trial t : trials) {
                    String v = t.params().get(key);
                    if (t.status() == status && Double.isFinite(t.score()) && v != null) { // null: left out by its condition
                        x.add(d.choice() != null ? (double) d.choice().stream().map(String::valueOf).toList().indexOf(v)
                                : Double.parseDouble(v));
                        y.add(t.score());
                    }
                }
                if (!x.isEmpty()) {
                    XYSeries s = chart.addSeries(status.label(), x, y);
                    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                    s.setMarker(SeriesMarkers.CIRCLE);
                    s.setMarkerColor(status == Trial.Status.COMPLETED ? COMPLETED : PRUNED);
                }
            }
            charts.add(BitmapEncoder.getBufferedImage(chart));
        }
        return sideBySide(charts);
    }

    /** The best objective among the trials finished so far, by trial number (completed trials only). */
    static BufferedImage bestSoFar(SweepSpec spec, Iterable<Trial> trials) {
        XYChart chart = chart("Best " + spec.objective().metric() + " so far", "trial", spec.objective().metric());
        chart.getStyler().setXAxisDecimalPattern("0");
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        double best = Double.NaN;
        for (Trial t : trials) {
            if (t.status() == Trial.Status.COMPLETED && spec.objective().better(t.score(), best)) {
                best = t.score();
            }
            if (!Double.isNaN(best)) {
                x.add((double) t.trial());
                y.add(best);
            }
        }
        if (!x.isEmpty()) {
            XYSeries s = chart.addSeries("best so far", x, y);
            s.setLineColor(COMPLETED);
            s.setMarkerColor(COMPLETED);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    private static XYChart chart(String title, String xLabel, String yLabel) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        chart.getStyler().setLegendVisible(true);
        return chart;
    }

    private static BufferedImage sideBySide(List<BufferedImage> charts) {
        int width = charts.stream().mapToInt(BufferedImage::getWidth).sum();
        int height = charts.stream().mapToInt(BufferedImage::getHeight).max().orElse(HEIGHT);
        BufferedImage out = new BufferedImage(Math.max(1, width), height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            int x = 0;
            for (BufferedImage c : charts) {
                g.drawImage(c, x, 0, null);
                x += c.getWidth();
            }
        } finally {
            g.dispose();
        }
        return out;
    }
}
