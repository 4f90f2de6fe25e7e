package cnnlabs.run.plots;

import java.awt.Color;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * matplotlib's viridis colour map: 256 perceptually uniform colours from dark purple (low) to yellow (high),
 * read from {@code viridis.csv} (matplotlib's own table, CC0).
 */
public final class Viridis {

    private static final int[] RGB = load();

    private Viridis() {
    }

    /** The colour of {@code t} in [0, 1] (clamped) as packed 0xRRGGBB. */
    public static int rgb(double t) {
        double clamped = Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t));
        return RGB[(int) Math.round(clamped * (RGB.length - 1))];
    }

    /** {@code n} colours evenly spaced along the map, for chart libraries that take a colour range. */
    public static Color[] colors(int n) {
        Color[] out = new Color[n];
        for (int i = 0; i < n; i++) {
            out[i] = new Color(rgb(n == 1 ? 0 : (double) i / (n - 1)));
        }
        return out;
    }

    private static int[] load() {
        try (InputStream in = Viridis.class.getResourceAsStream("viridis.csv")) {
            if (in == null) {
                throw new IllegalStateException("viridis.csv is missing from the classpath");
            }
            List<Integer> colours = new ArrayList<>();
            for (String line : new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] rgb = line.split(",");
                int r = (int) Math.round(Double.parseDouble(rgb[0]) * 255);
                int g = (int) Math.round(Double.parseDouble(rgb[1]) * 255);
                int b = (int) Math.round(Double.parseDouble(rgb[2]) * 255);
                colours.add((r << 16) | (g << 8) | b);
            }
            if (colours.size() != 256) {
                throw new IllegalStateException("viridis.csv has " + colours.size() + " colours, expected 256");
            }
            return colours.stream().mapToInt(Integer::intValue).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
