package cnnlabs.run.plots;

import cnnlabs.run.tables.ClassMetrics;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * A confusion matrix as a heat map, as scikit-learn's {@code ConfusionMatrixDisplay} draws it: true class down, predicted
 * class across, each cell coloured by its share of its true class (viridis) and labelled with its count.
 */
public final class ConfusionPlot {

    public static final int WIDTH = 620;
    public static final int HEIGHT = 600;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private ConfusionPlot() {
    }

    public static BufferedImage render(ClassMetrics m) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(TITLE);
            String title = String.format(Locale.ROOT, "%s, %s set: accuracy %.4f, macro F1 %.4f", m.model(), m.split(),
                    m.accuracy(), m.macroF1());
            FontMetrics tm = g.getFontMetrics();
            g.drawString(title, (WIDTH - tm.stringWidth(title)) / 2, 26);

            int n = m.classes().size();
            int left = 130;
            int top = 50;
            int size = Math.min(WIDTH - left - 20, HEIGHT - top - 110);
            int cell = size / Math.max(1, n);
            g.setFont(LABEL);
            FontMetrics fm = g.getFontMetrics();
            for (int t = 0; t < n; t++) {
                int rowTotal = 0;
                for (int p = 0; p < n; p++) {
                    rowTotal += m.confusion()[t][p];
                }
                for (int p = 0; p < n; p++) {
                    int count = m.confusion()[t][p];
                    double share = rowTotal == 0 ? 0 : (double) count / rowTotal;
                    g.setColor(new Color(Viridis.rgb(share)));
                    g.fillRect(left + p * cell, top + t * cell, cell, cell);
                    g.setColor(share > 0.6 ? Color.BLACK : Color.WHITE);
                    String text = Integer.toString(count);
                    if (fm.stringWidth(text) < cell - 2) {
                        g.drawString(text, left + p * cell + (cell - fm.stringWidth(text)) / 2,
                                top + t * cell + (cell + fm.getAscent()) / 2 - 2);
                    }
                }
                g.setColor(Color.BLACK);
                String name = shorten(m.classes().get(t), fm, left - 12);
                g.drawString(name, left - 6 - fm.stringWidth(name), top + t * cell + (cell + fm.getAscent()) / 2 - 2);
            }
            AffineTransform straight = g.getTransform();
            boolean fit = m.classes().stream().allMatch(c -> fm.stringWidth(c) < cell - 4);
            for (int p = 0; p < n; p++) {
                if (fit) { // short names (digits) read across, under their column
                    String name = m.classes().get(p);
                    g.drawString(name, left + p * cell + (cell - fm.stringWidth(name)) / 2, top + n * cell + 16);
                    continue;
                }
                String name = shorten(m.classes().get(p), fm, 80);
                g.setTransform(straight);
                g.translate(left + p * cell + cell / 2 + fm.getAscent() / 2, top + n * cell + 6);
                g.rotate(Math.PI / 2);
                g.drawString(name, 0, 0);
            }
            g.setTransform(straight);
            String predicted = "Predicted class";
            g.drawString(predicted, left + (n * cell - fm.stringWidth(predicted)) / 2,
                    fit ? top + n * cell + 38 : HEIGHT - 12);
            g.translate(18, top + (n * cell + fm.stringWidth("True class")) / 2);
            g.rotate(-Math.PI / 2);
            g.drawString("True class", 0, 0);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static String shorten(String s, FontMetrics fm, int width) {
        String out = s;
        while (out.length() > 1 && fm.stringWidth(out) > width) {
            out = out.substring(0, out.length() - 1);
        }
        return out.equals(s) ? s : out + ".";
    }
}
