package cnnlabs.sweep;

import cnnlabs.sweep.SamplerBenchmark.Curve;
import cnnlabs.sweep.SamplerBenchmark.Row;
import cnnlabs.run.plots.ImageGrid;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** {@link SamplerBenchmark}'s picture: the median best so far by trial of random search and TPE, a panel a problem. */
final class SamplerBenchmarkPlot {

    private static final Color RANDOM_COLOR = new Color(0x7f7f7f);
    private static final Color TPE_COLOR = new Color(0x1f77b4);

    private SamplerBenchmarkPlot() {
    }

    /** One panel per problem: the median over seeds of the best so far by trial, random and TPE. */
    static BufferedImage plot(List<Row> rows, List<Curve> curves) {
        Map<String, Row> firstRow = new LinkedHashMap<>();
        rows.forEach(r -> firstRow.putIfAbsent(r.problem(), r));
        List<BufferedImage> panels = new ArrayList<>();
        for (Row problem : firstRow.values()) {
            boolean max = problem.direction().equals("max");
            boolean regret = !problem.problem().equals(SamplerBenchmark.MNIST);
            XYChart chart = new XYChartBuilder().width(420).height(320).title(problem.problem())
                    .xAxisTitle("trial").yAxisTitle(regret ? "median best - minimum" : "median best val_acc").build();
            chart.getStyler().setChartBackgroundColor(Color.WHITE);
            chart.getStyler().setPlotBackgroundColor(Color.WHITE);
            chart.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
            chart.getStyler().setXAxisDecimalPattern("0");
            chart.getStyler().setYAxisLogarithmic(regret);
            chart.getStyler().setLegendPosition(regret ? Styler.LegendPosition.InsideNE
                    : Styler.LegendPosition.InsideSE);
            Map<String, List<Curve>> bySampler = new LinkedHashMap<>();
            for (Curve c : curves) {
                if (c.problem().equals(problem.problem())) {
                    bySampler.computeIfAbsent(c.sampler(), k -> new ArrayList<>()).add(c);
                }
            }
            int series = 0;
            for (Map.Entry<String, List<Curve>> e : bySampler.entrySet()) {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                int length = e.getValue().get(0).best().length;
                for (int i = 0; i < length; i++) {
                    int trial = i;
                    double m = SamplerBenchmark.median(e.getValue().stream().mapToDouble(c -> c.best()[trial]).toArray(), max);
                    double v = regret ? Math.max(m - problem.optimum(), 1e-6) : m;
                    if (Double.isFinite(v)) {
                        x.add(i + 1.0);
                        y.add(v);
                    }
                }
                if (!x.isEmpty()) {
                    XYSeries xy = chart.addSeries(e.getKey(), x, y);
                    Color color = e.getKey().equals("TPE") ? TPE_COLOR : RANDOM_COLOR;
                    xy.setLineColor(color);
                    xy.setMarkerColor(color);
                    xy.setMarker(SeriesMarkers.NONE);
                    xy.setLineStyle(new BasicStroke(2f));
                    series++;
                }
            }
            if (series > 0) {
                int last = bySampler.values().iterator().next().get(0).best().length;
                double t = regret ? problem.target() - problem.optimum() : problem.target();
                XYSeries target = chart.addSeries("target", List.of(1.0, (double) Math.max(last, 2)), List.of(t, t));
                target.setLineColor(new Color(0xd62728));
                target.setMarker(SeriesMarkers.NONE);
                target.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {4f, 4f}, 0f));
            } else {
                chart.addSeries("no values", List.of(1.0), List.of(regret ? 1.0 : 0.0));
            }
            panels.add(BitmapEncoder.getBufferedImage(chart));
        }
        return ImageGrid.sideBySide(panels);
    }
}
