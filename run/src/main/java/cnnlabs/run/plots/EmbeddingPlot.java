package cnnlabs.run.plots;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dimensionalityreduction.PCA;

/**
 * Embeddings seen from above: the first two principal components of an (N, D) embedding matrix as a scatter plot,
 * one colour per class (matplotlib's tab10), like {@code plt.scatter(pca[:, 0], pca[:, 1], c=labels)}.
 */
public final class EmbeddingPlot {

    private static final int WIDTH = 620;
    private static final int HEIGHT = 520;

    private EmbeddingPlot() {
    }

    /** The (N, 2) projection of the centred rows of {@code embeddings} on their first two principal components. */
    public static INDArray project(INDArray embeddings) {
        if (embeddings.rank() != 2 || embeddings.rows() < 3 || embeddings.columns() < 2) {
            throw new IllegalArgumentException("need an (N >= 3, D >= 2) matrix, got " + java.util.Arrays.toString(embeddings.shape()));
        }
        INDArray centred = embeddings.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup();
        centred.subiRowVector(centred.mean(0));
        INDArray factor = PCA.pca_factor(centred.dup(), 2, false);
        return centred.mmul(factor);
    }

    /** The scatter plot of {@link #project}, points coloured by {@code labels} named by {@code classNames}. */
    public static BufferedImage render(String title, INDArray embeddings, int[] labels, List<String> classNames) {
        INDArray xy = project(embeddings);
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("PC 1")
                .yAxisTitle("PC 2").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(5);
        for (int c = 0; c < classNames.size(); c++) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    xs.add(xy.getDouble(i, 0));
                    ys.add(xy.getDouble(i, 1));
                }
            }
            if (!xs.isEmpty()) {
                XYSeries s = chart.addSeries(String.format(Locale.ROOT, "%s (%d)", classNames.get(c), xs.size()), xs, ys);
                s.setMarker(SeriesMarkers.CIRCLE);
                s.setMarkerColor(TrainingCurves.TAB10[c % TrainingCurves.TAB10.length]);
            }
        }
        return BitmapEncoder.getBufferedImage(chart);
    }
}
