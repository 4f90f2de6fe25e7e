package cnnlabs.sweep;

import cnnlabs.run.tables.Csv;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Accuracy against cost: the completed trials that no other completed trial beats on both the objective and the
 * second objective (each in its own direction), as Optuna's {@code study.best_trials} for two objectives; with
 * {@code pareto.csv} and {@code pareto.png} (every completed trial, the front as a step line).
 */
final class ParetoFront {

    static final String CSV = "pareto.csv";
    static final String PLOT = "pareto.png";
    static final String MARK = "Pareto";

    private ParetoFront() {
    }

    /** The front: the completed trials with both values that no other one dominates, best second objective first. */
    static List<Trial> of(SweepSpec.Objective first, SweepSpec.Objective second, Collection<Trial> trials) {
        List<Trial> scored = scored(trials);
        return scored.stream().filter(t -> scored.stream().noneMatch(o -> dominates(o, t, first, second)))
                .sorted(Comparator.comparingDouble((Trial t) -> second.direction() == SweepSpec.Objective.Direction.MIN
                        ? t.secondScore() : -t.secondScore()).thenComparing(Trial::trial)).toList();
    }

    /** Whether {@code a} is at least as good as {@code b} on both objectives and better on one. */
    static boolean dominates(Trial a, Trial b, SweepSpec.Objective first, SweepSpec.Objective second) {
        boolean noWorse = !first.better(b.score(), a.score()) && !second.better(b.secondScore(), a.secondScore());
        return noWorse && (first.better(a.score(), b.score()) || second.better(a.secondScore(), b.secondScore()));
    }

    /** The completed trials that have both values. */
    static List<Trial> scored(Collection<Trial> trials) {
        return trials.stream().filter(t -> t.status() == Trial.Status.COMPLETED && Double.isFinite(t.score())
                && Double.isFinite(t.secondScore())).toList();
    }

    /** A second objective's value for the table: whole numbers with thousands separators, else four digits. */
    static String format(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) v)
                : String.format(Locale.ROOT, "%.4g", v);
    }

    /** A number for a CSV: a whole number as it is (a parameter count), else six significant digits. */
    static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v)
                : String.format(Locale.ROOT, "%.6g", v);
    }

    /** pareto.csv: the front's trials, best second objective first, with both values and their settings. */
    static String csv(SweepSpec spec, List<Trial> front) {
        List<String> keys = List.copyOf(spec.space().keySet());
        StringBuilder out = new StringBuilder("trial,").append(spec.objective().metric()).append(',')
                .append(spec.secondObjective().metric());
        keys.forEach(k -> out.append(',').append(k));
        out.append('\n');
        for (Trial t : front) {
            out.append(t.trial()).append(',').append(plain(t.score())).append(',').append(plain(t.secondScore()));
            keys.forEach(k -> out.append(',').append(Csv.field(t.params().getOrDefault(k, ""))));
            out.append('\n');
        }
        return out.toString();
    }

    /** pareto.png: the second objective across, the objective up; every completed trial a dot, the front a step line. */
    static BufferedImage plot(SweepSpec spec, Collection<Trial> trials, List<Trial> front) {
        SweepSpec.Objective first = spec.objective();
        SweepSpec.Objective second = spec.secondObjective();
        List<Trial> scored = scored(trials);
        Scale x = Scale.metric(scored.stream().mapToDouble(Trial::secondScore).min().orElse(0),
                scored.stream().mapToDouble(Trial::secondScore).max().orElse(1));
        Scale y = Scale.metric(scored.stream().mapToDouble(Trial::score).min().orElse(0),
                scored.stream().mapToDouble(Trial::score).max().orElse(1));
        BufferedImage image = new BufferedImage(640, 460, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = PlotKit.canvas(image);
        try {
            g.setFont(PlotKit.TITLE);
            g.setColor(PlotKit.TEXT);
            PlotKit.text(g, PlotKit.fit(g, first.metric() + " against " + second.metric() + ": the Pareto front of "
                    + scored.size() + " completed trials", 616), 12, 16, 0, 0.5);
            double lx = PlotKit.legend(g, new Color(0x9aa7b4), false, "completed", 12, 42);
            PlotKit.legend(g, PlotKit.BEST, false, "Pareto front (" + front.size() + ")", lx, 42);
            PlotKit.Frame frame = new PlotKit.Frame(new Rectangle2D.Double(80, 66, 536, 330), x, y);
            frame.draw(g, second.metric() + " (" + direction(second) + ")",
                    first.metric() + " (" + direction(first) + ")");
            for (Trial t : scored) {
                PlotKit.dot(g, new Color(0x9aa7b4), frame.px(x.units(t.secondScore())), frame.py(y.units(t.score())), 8);
            }
            List<Trial> across = front.stream().sorted(Comparator.comparingDouble(Trial::secondScore)).toList();
            Path2D.Double step = new Path2D.Double();
            for (int i = 0; i < across.size(); i++) {
                Trial t = across.get(i);
                double px = frame.px(x.units(t.secondScore()));
                double py = frame.py(y.units(t.score()));
                if (i == 0) {
                    step.moveTo(px, py);
                } else { // to the corner both neighbours dominate, then to the point: the edge of what the front reaches
                    Trial prev = across.get(i - 1);
                    double cx = second.better(prev.secondScore(), t.secondScore()) ? px : frame.px(x.units(prev.secondScore()));
                    double cy = first.better(prev.score(), t.score()) ? py : frame.py(y.units(prev.score()));
                    step.lineTo(cx, cy);
                    step.lineTo(px, py);
                }
            }
            g.setColor(PlotKit.BEST);
            g.setStroke(new BasicStroke(1.8f));
            g.draw(step);
            for (Trial t : across) {
                PlotKit.dot(g, PlotKit.BEST, frame.px(x.units(t.secondScore())), frame.py(y.units(t.score())), 10);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static String direction(SweepSpec.Objective o) {
        return o.direction() == SweepSpec.Objective.Direction.MAX ? "max, higher is better" : "min, lower is better";
    }
}
