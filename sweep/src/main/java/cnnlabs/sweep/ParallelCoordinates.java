package cnnlabs.sweep;

import cnnlabs.run.plots.Viridis;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Optuna's {@code plot_parallel_coordinate}: one vertical axis per searched setting and one for the objective, each
 * completed trial a line across them coloured by its score (viridis, as the colour bar says), the best trials drawn
 * last so they lie on top, the best one outlined. A choice's axis has its values as ticks, a log_uniform one its
 * decades. A setting that a trial does not have (its condition left it out) puts the line on the axis's "n/a" mark,
 * below the axis.
 */
final class ParallelCoordinates {

    static final String FILE = "parallel-coordinates.png";

    private static final int SPACING = 150;
    private static final int LEFT = 70;
    private static final int BAR = 130; // the colour bar's column
    private static final int TOP = 84;
    private static final int HEIGHT = 470;
    private static final int BOTTOM = 64;

    private ParallelCoordinates() {
    }

    /** One axis: its title, its scale, and for a conditional setting a mark below it for trials without the setting. */
    record Axis(String title, Scale scale, boolean conditional) {
    }

    /** The axes in order: each searched setting (key order), then the objective over the completed trials' scores. */
    static List<Axis> axes(SweepSpec spec, List<Trial> completed) {
        List<Axis> out = new ArrayList<>();
        spec.space().forEach((k, d) -> out.add(new Axis(k, Scale.of(d), !d.when().isEmpty())));
        out.add(new Axis(spec.objective().metric() + " (" + spec.objective().direction().label() + ")", scoreScale(completed),
                false));
        return out;
    }

    /** The picture, of the completed trials with a score (an empty plot with a note when there are none). */
    static BufferedImage plot(SweepSpec spec, Collection<Trial> trials) {
        SweepSpec.Objective objective = spec.objective();
        List<Trial> completed = new ArrayList<>(trials.stream()
                .filter(t -> t.status() == Trial.Status.COMPLETED && Double.isFinite(t.score())).toList());
        // worst first, so the best are drawn last, on top
        completed.sort(Comparator.comparingDouble((Trial t) -> objective.direction() == SweepSpec.Objective.Direction.MAX
                ? t.score() : -t.score()).thenComparing(Trial::trial, Comparator.reverseOrder()));
        List<Axis> axes = axes(spec, completed);
        List<String> keys = List.copyOf(spec.space().keySet());
        int width = LEFT + SPACING * (axes.size() - 1) + BAR + 40;
        BufferedImage image = new BufferedImage(Math.max(width, 560), HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = PlotKit.canvas(image);
        try {
            double top = TOP;
            double bottom = HEIGHT - BOTTOM;
            g.setFont(PlotKit.TITLE);
            g.setColor(PlotKit.TEXT);
            PlotKit.text(g, PlotKit.fit(g, "Parallel coordinates: " + completed.size() + " completed trials, coloured by "
                    + objective.metric() + (completed.isEmpty() ? "" : "; the best, trial "
                    + completed.get(completed.size() - 1).trial() + ", outlined"), image.getWidth() - 24), 12, 18, 0, 0.5);
            Scale colour = axes.get(axes.size() - 1).scale();
            for (int i = 0; i < completed.size(); i++) {
                Trial t = completed.get(i);
                Path2D.Double line = new Path2D.Double();
                for (int a = 0; a < axes.size(); a++) {
                    double y = a < keys.size() ? y(axes.get(a), t.params().get(keys.get(a)), top, bottom)
                            : y(axes.get(a), t.score(), top, bottom);
                    if (a == 0) {
                        line.moveTo(LEFT + a * SPACING, y);
                    } else {
                        line.lineTo(LEFT + a * SPACING, y);
                    }
                }
                if (i == completed.size() - 1) { // the best: a dark outline under its own colour
                    g.setColor(PlotKit.TEXT);
                    g.setStroke(new BasicStroke(4.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                    g.draw(line);
                }
                g.setColor(new Color(Viridis.rgb(colour.fraction(colour.units(t.score())))));
                g.setStroke(new BasicStroke(i == completed.size() - 1 ? 2.4f : 1.6f, BasicStroke.CAP_ROUND,
                        BasicStroke.JOIN_ROUND));
                g.draw(line);
            }
            for (int a = 0; a < axes.size(); a++) {
                axis(g, axes.get(a), LEFT + a * SPACING, top, bottom);
            }
            PlotKit.colourBar(g, new Rectangle2D.Double(LEFT + (axes.size() - 1) * SPACING + 70, top, 16, bottom - top),
                    colour, objective.metric());
            if (completed.isEmpty()) {
                g.setFont(PlotKit.LABEL);
                g.setColor(PlotKit.TEXT);
                PlotKit.text(g, "no completed trial yet", image.getWidth() / 2.0, (top + bottom) / 2, 0.5, 0.5);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static Scale scoreScale(List<Trial> completed) {
        double min = completed.stream().mapToDouble(Trial::score).min().orElse(0);
        double max = completed.stream().mapToDouble(Trial::score).max().orElse(1);
        return Scale.metric(min, max);
    }

    /** Where a setting's value lies on its axis, in pixels; the "n/a" mark when the trial does not have it. */
    private static double y(Axis axis, String value, double top, double bottom) {
        double u = axis.scale().units(value);
        return Double.isNaN(u) ? bottom + 24 : bottom - axis.scale().fraction(u) * (bottom - top);
    }

    private static double y(Axis axis, double score, double top, double bottom) {
        return bottom - axis.scale().fraction(axis.scale().units(score)) * (bottom - top);
    }

    /** An axis: its line, ticks and labels on a white backing (readable over the lines), its title above it. */
    private static void axis(Graphics2D g, Axis axis, double x, double top, double bottom) {
        g.setStroke(new BasicStroke(1.2f));
        g.setColor(PlotKit.AXIS);
        g.draw(new Line2D.Double(x, top, x, bottom));
        g.setFont(PlotKit.TICK);
        for (Scale.Tick t : axis.scale().ticks()) {
            double f = axis.scale().fraction(t.at());
            if (f < -1e-9 || f > 1 + 1e-9) {
                continue;
            }
            double y = bottom - f * (bottom - top);
            g.setColor(PlotKit.AXIS);
            g.draw(new Line2D.Double(x - (t.major() ? 5 : 3), y, x, y));
            if (t.major()) {
                label(g, PlotKit.fit(g, t.label(), SPACING - 30), x - 8, y);
            }
        }
        if (axis.conditional()) {
            g.setColor(PlotKit.AXIS);
            g.draw(new Line2D.Double(x - 5, bottom + 24, x, bottom + 24));
            label(g, "n/a", x - 8, bottom + 24);
        }
        g.setFont(PlotKit.LABEL);
        g.setColor(PlotKit.TEXT);
        PlotKit.text(g, PlotKit.fit(g, axis.title(), SPACING - 8), x, top - 14, 0.5, 1);
    }

    /** A tick label right-aligned at (x, y) on a translucent white box. */
    private static void label(Graphics2D g, String s, double x, double y) {
        int w = g.getFontMetrics().stringWidth(s);
        int h = g.getFontMetrics().getHeight();
        g.setColor(new Color(255, 255, 255, 210));
        g.fill(new Rectangle2D.Double(x - w - 2, y - h / 2.0, w + 4, h));
        g.setColor(PlotKit.TEXT);
        PlotKit.text(g, s, x, y, 1, 0.5);
    }
}
