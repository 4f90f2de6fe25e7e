package cnnlabs.experiments.transfer;

import cnnlabs.experiments.transfer.TransferCurves.Curve;
import cnnlabs.experiments.transfer.TransferCurves.Method;
import cnnlabs.experiments.transfer.TransferCurves.Point;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.plots.ImageGrid;
import cnnlabs.run.tables.MarkdownTable;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** {@link TransferCurves}' table and picture: test accuracy against target-set size, per protocol and method. */
final class TransferCurvesPlot {

    static final String FILE = "transfer-curves.png";
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x7f7f7f)};

    private TransferCurvesPlot() {
    }

    /**
     * One panel per protocol: x the labelled target-set sizes, evenly spaced and labelled with their values (the usual
     * sizes grow by about 4x each, so this is close to a log scale), y the test accuracy, a line per method.
     */
    static BufferedImage render(List<Curve> curves) {
        List<BufferedImage> panels = new ArrayList<>();
        for (Curve c : curves) {
            CategoryChart chart = new CategoryChartBuilder().width(460).height(380)
                    .title(c.source() + " -> " + c.target()).xAxisTitle("labelled target images")
                    .yAxisTitle("test accuracy").build();
            chart.getStyler().setChartBackgroundColor(Color.WHITE);
            chart.getStyler().setPlotBackgroundColor(Color.WHITE);
            chart.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
            chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
            chart.getStyler().setOverlapped(true); // every method at the same x, not side by side as bars
            chart.getStyler().setYAxisDecimalPattern("0.00");
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
            List<Integer> sizes = c.points().stream().map(Point::images).distinct().sorted().toList();
            List<String> labels = sizes.stream().map(n -> String.format(Locale.ROOT, "%,d", n)).toList();
            Method[] methods = Method.values();
            for (int m = 0; m < methods.length; m++) {
                String method = methods[m].label;
                List<Double> y = new ArrayList<>();
                for (int n : sizes) {
                    c.points().stream().filter(p -> p.method().equals(method) && p.images() == n).findFirst()
                            .ifPresent(p -> y.add(p.testAccuracy()));
                }
                if (y.size() == sizes.size()) { // a method trains at every size; a partial line would mislabel x
                    CategorySeries s = chart.addSeries(method, labels, y);
                    s.setLineColor(COLORS[m]);
                    s.setMarkerColor(COLORS[m]);
                    s.setMarker(SeriesMarkers.CIRCLE);
                    s.setLineStyle(new BasicStroke(2f));
                }
            }
            panels.add(BitmapEncoder.getBufferedImage(chart));
        }
        return ImageGrid.sideBySide(panels);
    }

    /** The run's table: per protocol, a row per target-set size with each method's test accuracy. */
    static String table(ExperimentContext<TransferCurves.Settings> ctx, List<Curve> curves) {
        TransferCurves.Settings s = ctx.settings();
        StringBuilder out = new StringBuilder("# Transfer learning by target-set size (Lab 3, Part 5's lesson)\n\n");
        out.append(String.format(Locale.ROOT, "The lab's MobileNetV2 (32x32x3) with a new head. For each target-set "
                        + "size N: the first N target training images, 80%% training and 20%% validation; frozen base "
                        + "(Adam %s), then fine-tuned (the base's last %d Keras layers, Adam %s), and from scratch (both "
                        + "stages' epochs); batch %d. Each stage trains the lab's %d epochs at its %,d training images, "
                        + "proportionally more below. Test accuracy on the target's whole official test split.%n%n",
                cnnlabs.settings.SettingsParser.shortest(ctx.training().learningRate()), s.fineTuneLayers(),
                cnnlabs.settings.SettingsParser.shortest(s.fineTuneLr()), ctx.training().batchSize(), ctx.training().epochs(),
                TransferCurves.LAB_TRAINING_IMAGES));
        for (Curve c : curves) {
            out.append("## ").append(c.source()).append(" -> ").append(c.target()).append("\n\n");
            out.append(Double.isNaN(c.sourceTestAccuracy()) ? "Source: " + c.source() + ".\n\n"
                    : String.format(Locale.ROOT, "Source model trained here: %d epochs on every %s training image "
                    + "(10%% held out); its test accuracy on %s: %.4f.%n%n", s.sourceEpochs(), c.source(), c.source(),
                    c.sourceTestAccuracy()));
            MarkdownTable t = new MarkdownTable("Target images (N)", "Epochs per stage", "Frozen base", "Fine-tuned",
                    "From scratch", "Best");
            List<Integer> sizes = c.points().stream().map(Point::images).distinct().toList();
            for (int n : sizes) {
                List<Point> row = c.points().stream().filter(p -> p.images() == n).toList();
                Point best = row.stream().max(java.util.Comparator.comparingDouble(Point::testAccuracy)).orElseThrow();
                t.row(String.format(Locale.ROOT, "%,d", n), String.valueOf(row.get(0).epochs()),
                        accuracy(row, Method.FROZEN), accuracy(row, Method.FINE_TUNED), accuracy(row, Method.SCRATCH),
                        best.method());
            }
            out.append(t).append('\n');
        }
        out.append("Picture: `").append(FILE).append("` (test accuracy against N, one panel per protocol).\n");
        out.append(ctx.common().smokeRunNote("not a measurement"));
        return out.toString();
    }

    private static String accuracy(List<Point> row, Method m) {
        return row.stream().filter(p -> p.method().equals(m.label)).findFirst()
                .map(p -> String.format(Locale.ROOT, "%.4f", p.testAccuracy())).orElse("–");
    }
}
