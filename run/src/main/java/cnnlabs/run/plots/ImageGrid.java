package cnnlabs.run.plots;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A grid of 2-D maps drawn as images, like matplotlib's {@code plt.subplots(rows, cols)} with {@code imshow} and
 * {@code axis('off')} in every panel, as the labs draw filters and feature maps: each map scaled to its own
 * minimum and maximum (imshow's default), enlarged with nearest-neighbour pixels, its title above it.
 */
public final class ImageGrid {

    /** How values become colours. */
    public enum ColorMap {
        /** black (minimum) to white (maximum), matplotlib's {@code cmap='gray'} */
        GRAY,
        /** matplotlib's default {@code viridis} */
        VIRIDIS
    }

    /** How each panel's values map to the colour range. */
    public enum Scaling {
        /** each panel stretched to its own minimum and maximum (imshow's default) */
        PER_PANEL,
        /** one range for all panels, so they compare (seed 002's {@code visualize_filters}) */
        SHARED
    }

    /**
     * One panel: a title and a map, {@code values[row][column]}, or a ready picture ({@code image}, e.g. an RGB
     * photo, drawn as it is); neither leaves the cell blank.
     */
    public record Panel(String title, double[][] values, BufferedImage image) {

        public Panel(String title, double[][] values) {
            this(title, values, null);
        }

        /** A panel showing {@code image} as it is (no colour map). */
        public static Panel of(String title, BufferedImage image) {
            return new Panel(title, null, image);
        }

        int height(int cellPixels) {
            if (image != null) {
                return cellPixels * image.getHeight() / image.getWidth();
            }
            return values == null ? 0 : cellPixels * values.length / values[0].length;
        }
    }

    private static final int MARGIN = 12;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font SUPTITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);

    private ImageGrid() {
    }

    /**
     * Renders {@code panels} in rows of {@code columns}, each map drawn {@code cellPixels} wide (its height in
     * proportion), under {@code title}.
     */
    public static BufferedImage render(String title, List<Panel> panels, int columns, int cellPixels, ColorMap map) {
        return render(title, panels, columns, cellPixels, map, Scaling.PER_PANEL);
    }

    public static BufferedImage render(String title, List<Panel> panels, int columns, int cellPixels, ColorMap map,
                                       Scaling scaling) {
        if (panels.isEmpty() || columns < 1 || cellPixels < 1) {
            throw new IllegalArgumentException("need at least one panel, one column and one pixel per cell");
        }
        int rows = (panels.size() + columns - 1) / columns;
        int maxHeight = 0;
        for (Panel p : panels) {
            maxHeight = Math.max(maxHeight, p.height(cellPixels));
        }
        double[] shared = scaling == Scaling.SHARED ? range(panels.stream().map(Panel::values).toList()) : null;
        int titleHeight = 22;
        int top = title == null || title.isEmpty() ? MARGIN : 36;
        int width = columns * (cellPixels + MARGIN) + MARGIN;
        int height = top + rows * (titleHeight + maxHeight + MARGIN);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            if (top > MARGIN) {
                g.setFont(SUPTITLE);
                centered(g, title, 0, width, 24);
            }
            g.setFont(TITLE);
            for (int i = 0; i < panels.size(); i++) {
                Panel p = panels.get(i);
                int x = MARGIN + (i % columns) * (cellPixels + MARGIN);
                int y = top + (i / columns) * (titleHeight + maxHeight + MARGIN);
                g.setColor(Color.BLACK);
                centered(g, p.title(), x, cellPixels, y + 15);
                BufferedImage tile = p.image();
                if (tile == null && p.values() != null) {
                    double[] r = shared != null ? shared : range(p.values());
                    tile = tile(p.values(), map, r[0], r[1]);
                }
                if (tile != null) {
                    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
                    g.drawImage(tile, x, y + titleHeight, cellPixels, p.height(cellPixels), null);
                }
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** One map at one pixel per value, scaled to its own range (a constant map is drawn at the low colour). */
    public static BufferedImage tile(double[][] values, ColorMap map) {
        double[] r = range(values);
        return tile(values, map, r[0], r[1]);
    }

    /** One map at one pixel per value, {@code min} at the low end of the colour map and {@code max} at the high end. */
    public static BufferedImage tile(double[][] values, ColorMap map, double min, double max) {
        double range = max - min;
        BufferedImage tile = new BufferedImage(values[0].length, values.length, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < values.length; y++) {
            for (int x = 0; x < values[0].length; x++) {
                double t = range > 0 ? (values[y][x] - min) / range : 0;
                tile.setRGB(x, y, colour(t, map));
            }
        }
        return tile;
    }

    /** Charts side by side, left to right, top-aligned on white, as tall as the tallest. */
    public static BufferedImage sideBySide(List<BufferedImage> charts) {
        int width = charts.stream().mapToInt(BufferedImage::getWidth).sum();
        int height = charts.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
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

    /** {min, max} of one map. */
    public static double[] range(double[][] map) {
        return range(java.util.Collections.singletonList(map));
    }

    /** {min, max} over every value of the (non-null) maps. */
    private static double[] range(List<double[][]> maps) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[][] m : maps) {
            if (m == null) {
                continue;
            }
            for (double[] row : m) {
                for (double v : row) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        return new double[] {min, max};
    }

    static int colour(double t, ColorMap map) {
        if (map == ColorMap.VIRIDIS) {
            return Viridis.rgb(t);
        }
        int v = (int) Math.round(Math.max(0, Math.min(1, t)) * 255);
        return (v << 16) | (v << 8) | v;
    }

    private static void centered(Graphics2D g, String text, int x, int width, int baseline) {
        if (text == null) {
            return;
        }
        FontMetrics fm = g.getFontMetrics();
        String shown = text;
        while (fm.stringWidth(shown) > width + 2 * MARGIN - 4 && shown.length() > 4) {
            shown = shown.substring(0, shown.length() - 2);
        }
        if (!shown.equals(text)) {
            shown = shown + "…";
        }
        g.drawString(shown, x + (width - fm.stringWidth(shown)) / 2, baseline);
    }
}
