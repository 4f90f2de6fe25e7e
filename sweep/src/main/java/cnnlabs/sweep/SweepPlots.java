package cnnlabs.sweep;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A sweep's pictures of its trials: the score against each searched setting, and the best score so far by trial. */
final class SweepPlots {

    private static final int WIDTH = 420;
    private static final int HEIGHT = 320;
    private static final int PANEL_WIDTH = 400;
    private static final int PANEL_HEIGHT = 300;
    private static final int HEADER = 56;
    private static final int COLUMNS = 3;
    private static final Color COMPLETED = PlotKit.COMPLETED;
    private static final Color PRUNED_DOT = new Color(0xff, 0x7f, 0x0e, 200);

    private SweepPlots() {
    }

    /**
     * The score against each searched setting, one panel per setting (three to a row), all on the same score axis: a
     * choice's values as labelled slots (points jittered a little within their slot), a log_uniform range in decades,
     * uniform and int ranges linear. Completed and pruned trials in two colours, the best completed trial as a star;
     * a trial without the setting (its condition left it out) is not in that panel.
     */
    static BufferedImage scores(SweepSpec spec, Collection<Trial> trials) {
        List<Trial> drawn = trials.stream().filter(t -> Double.isFinite(t.score())
                && (t.status() == Trial.Status.COMPLETED || t.status() == Trial.Status.PRUNED)).toList();
        Trial best = best(spec, trials);
        Scale y = Scale.metric(drawn.stream().mapToDouble(Trial::score).min().orElse(0),
                drawn.stream().mapToDouble(Trial::score).max().orElse(1));
        List<String> keys = List.copyOf(spec.space().keySet());
        int columns = Math.min(COLUMNS, keys.size());
        int rows = (keys.size() + columns - 1) / columns;
        BufferedImage image = new BufferedImage(columns * PANEL_WIDTH, HEADER + rows * PANEL_HEIGHT,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = PlotKit.canvas(image);
        try {
            String metric = spec.objective().metric() + " (" + spec.objective().direction().label() + ")";
            g.setFont(PlotKit.TITLE);
            g.setColor(PlotKit.TEXT);
            PlotKit.text(g, PlotKit.fit(g, metric + " against each searched setting", image.getWidth() - 24), 12, 16,
                    0, 0.5);
            double x = PlotKit.legend(g, PlotKit.COMPLETED, false, "completed", 12, 42);
            x = PlotKit.legend(g, PlotKit.PRUNED, false, "pruned", x, 42);
            PlotKit.legend(g, PlotKit.BEST, true, "best completed", x, 42);
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i);
                SweepDimension d = spec.space().get(key);
                PlotKit.Frame frame = new PlotKit.Frame(new Rectangle2D.Double(
                        (i % columns) * PANEL_WIDTH + 78, HEADER + (i / columns) * PANEL_HEIGHT + 10,
                        PANEL_WIDTH - 96, PANEL_HEIGHT - 62), Scale.of(d), y);
                frame.draw(g, key + kind(d), metric);
                panel(g, frame, key, drawn, best);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** One setting's points: pruned trials under completed ones, the best on top. */
    private static void panel(Graphics2D g, PlotKit.Frame frame, String key, List<Trial> trials, Trial best) {
        Shape clip = g.getClip();
        g.clip(frame.area());
        for (Trial.Status status : List.of(Trial.Status.PRUNED, Trial.Status.COMPLETED)) {
            Color c = status == Trial.Status.COMPLETED ? PlotKit.COMPLETED : PRUNED_DOT;
            for (Trial t : trials) {
                double u = position(frame.x(), t, key);
                if (t.status() == status && !Double.isNaN(u)) {
                    PlotKit.dot(g, c, frame.px(u), frame.py(t.score()), 8);
                }
            }
        }
        if (best != null && !Double.isNaN(position(frame.x(), best, key))) {
            PlotKit.star(g, PlotKit.BEST, frame.px(position(frame.x(), best, key)), frame.py(best.score()), 16);
        }
        g.setClip(clip);
    }

    /** Where a trial lies on a setting's axis (NaN without the setting), a choice's slot jittered by its number. */
    static double position(Scale x, Trial t, String key) {
        double u = x.units(t.params().get(key));
        return x.categorical() && !Double.isNaN(u) ? u + jitter(t.trial()) : u;
    }

    /** A trial's offset within its slot, in [-0.15, 0.15): the same for the same trial number at every redraw. */
    static double jitter(int trial) {
        long h = (trial + 1) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        return ((h >>> 11) / (double) (1L << 53) - 0.5) * 0.3;
    }

    /** The best completed trial, or null. */
    static Trial best(SweepSpec spec, Collection<Trial> trials) {
        return Scores.ranked(spec.objective(), trials).stream()
                .filter(t -> t.status() == Trial.Status.COMPLETED && Double.isFinite(t.score())).findFirst().orElse(null);
    }

    /** What the x axis's title says of the setting: its kind, and the condition that leaves it out of some trials. */
    private static String kind(SweepDimension d) {
        String kind = d.choice() != null ? "choice" : d.logScale() ? "log scale" : d.integer() != null ? "int" : "";
        List<String> when = d.when().entrySet().stream().map(e -> e.getKey() + " " + e.getValue().stream()
                .map(String::valueOf).collect(Collectors.joining("/"))).toList();
        String condition = when.isEmpty() ? "" : "when " + String.join(", ", when);
        String all = kind.isEmpty() ? condition : condition.isEmpty() ? kind : kind + "; " + condition;
        return all.isEmpty() ? "" : " (" + all + ")";
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
}
