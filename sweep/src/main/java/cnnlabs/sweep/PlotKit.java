package cnnlabs.sweep;

import cnnlabs.run.plots.Viridis;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * What the sweep's Java2D pictures share: fonts, colours, text, markers, and a {@link Frame} (a plot area with an x
 * and a y {@link Scale}, its grid, ticks and titles).
 */
final class PlotKit {

    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Color TEXT = new Color(0x222222);
    static final Color AXIS = new Color(0x555555);
    static final Color GRID = new Color(0xe3e3e3);
    static final Color COMPLETED = new Color(0x1f77b4);
    static final Color PRUNED = new Color(0xff7f0e);
    static final Color BEST = new Color(0xd62728);

    private PlotKit() {
    }

    /** A white picture and its graphics, antialiased. */
    static Graphics2D canvas(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        return g;
    }

    /** {@code s} at (x, y), anchored by fractions of its box: (0, 0) its top left, (0.5, 0.5) its centre. */
    static void text(Graphics2D g, String s, double x, double y, double ax, double ay) {
        FontMetrics m = g.getFontMetrics();
        g.drawString(s, (float) (x - ax * m.stringWidth(s)), (float) (y - ay * m.getHeight() + m.getAscent()));
    }

    /** {@code s} turned a quarter left, centred on (x, y) (a y axis's title). */
    static void textUp(Graphics2D g, String s, double x, double y) {
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, x, y);
        text(g, s, x, y, 0.5, 0.5);
        g.setTransform(saved);
    }

    /** {@code s}, cut with an ellipsis to fit {@code width} pixels in the current font. */
    static String fit(Graphics2D g, String s, double width) {
        FontMetrics m = g.getFontMetrics();
        if (m.stringWidth(s) <= width) {
            return s;
        }
        String cut = s;
        while (!cut.isEmpty() && m.stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }

    /** A filled circle of diameter {@code size} centred on (x, y). */
    static void dot(Graphics2D g, Color c, double x, double y, double size) {
        g.setColor(c);
        g.fill(new Ellipse2D.Double(x - size / 2, y - size / 2, size, size));
    }

    /** A five-pointed star centred on (x, y), outlined in white (the best trial). */
    static void star(Graphics2D g, Color c, double x, double y, double size) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < 10; i++) {
            double r = (i % 2 == 0 ? size : size * 0.45) / 2;
            double a = -Math.PI / 2 + i * Math.PI / 5;
            if (i == 0) {
                p.moveTo(x + r * Math.cos(a), y + r * Math.sin(a));
            } else {
                p.lineTo(x + r * Math.cos(a), y + r * Math.sin(a));
            }
        }
        p.closePath();
        g.setColor(c);
        g.fill(p);
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(1f));
        g.draw(p);
    }

    /** A legend entry: a dot (or a star) of {@code c} and its label, from (x, y); returns where the next one starts. */
    static double legend(Graphics2D g, Color c, boolean star, String label, double x, double y) {
        g.setFont(LABEL);
        if (star) {
            star(g, c, x + 6, y, 13);
        } else {
            dot(g, c, x + 6, y, 9);
        }
        g.setColor(TEXT);
        text(g, label, x + 15, y, 0, 0.5);
        return x + 15 + g.getFontMetrics().stringWidth(label) + 16;
    }

    /** A vertical colour bar of viridis over {@code area}, low values at the bottom, ticked by {@code scale}. */
    static void colourBar(Graphics2D g, Rectangle2D area, Scale scale, String title) {
        for (int py = 0; py < (int) area.getHeight(); py++) {
            g.setColor(new Color(Viridis.rgb(1 - py / area.getHeight())));
            g.fillRect((int) area.getX(), (int) area.getY() + py, (int) area.getWidth(), 1);
        }
        g.setColor(AXIS);
        g.draw(area);
        g.setFont(TICK);
        for (Scale.Tick t : scale.ticks()) {
            double f = scale.fraction(t.at());
            if (t.major() && f >= -1e-9 && f <= 1 + 1e-9) {
                double y = area.getMaxY() - f * area.getHeight();
                g.draw(new Line2D.Double(area.getMaxX(), y, area.getMaxX() + 4, y));
                g.setColor(TEXT);
                text(g, t.label(), area.getMaxX() + 6, y, 0, 0.5);
                g.setColor(AXIS);
            }
        }
        g.setFont(LABEL);
        g.setColor(TEXT);
        text(g, title, area.getCenterX(), area.getY() - 8, 0.5, 1);
    }

    /** A plot area with its two scales: maps axis units to pixels and draws the grid, the ticks and the titles. */
    record Frame(Rectangle2D area, Scale x, Scale y) {

        double px(double units) {
            return area.getX() + x.fraction(units) * area.getWidth();
        }

        double py(double units) {
            return area.getMaxY() - y.fraction(units) * area.getHeight();
        }

        /** The frame, its grid at the major ticks, tick labels (cut to fit), and the axis titles. */
        void draw(Graphics2D g, String xTitle, String yTitle) {
            g.setStroke(new BasicStroke(1f));
            g.setFont(TICK);
            List<Scale.Tick> xs = x.ticks();
            double slot = area.getWidth() / Math.max(1, xs.stream().filter(Scale.Tick::major).count());
            for (Scale.Tick t : xs) {
                double px = px(t.at());
                if (px < area.getX() - 0.5 || px > area.getMaxX() + 0.5) {
                    continue;
                }
                if (t.major()) {
                    g.setColor(GRID);
                    g.draw(new Line2D.Double(px, area.getY(), px, area.getMaxY()));
                    g.setColor(TEXT);
                    text(g, fit(g, t.label(), slot - 4), px, area.getMaxY() + 6, 0.5, 0);
                }
                g.setColor(AXIS);
                g.draw(new Line2D.Double(px, area.getMaxY(), px, area.getMaxY() + (t.major() ? 5 : 3)));
            }
            for (Scale.Tick t : y.ticks()) {
                double py = py(t.at());
                if (py < area.getY() - 0.5 || py > area.getMaxY() + 0.5) {
                    continue;
                }
                if (t.major()) {
                    g.setColor(GRID);
                    g.draw(new Line2D.Double(area.getX(), py, area.getMaxX(), py));
                    g.setColor(TEXT);
                    text(g, t.label(), area.getX() - 7, py, 1, 0.5);
                }
                g.setColor(AXIS);
                g.draw(new Line2D.Double(area.getX() - (t.major() ? 5 : 3), py, area.getX(), py));
            }
            g.setColor(AXIS);
            g.draw(area);
            g.setFont(LABEL);
            g.setColor(TEXT);
            text(g, fit(g, xTitle, area.getWidth()), area.getCenterX(), area.getMaxY() + 26, 0.5, 0);
            textUp(g, fit(g, yTitle, area.getHeight()), area.getX() - 52, area.getCenterY());
        }
    }
}
