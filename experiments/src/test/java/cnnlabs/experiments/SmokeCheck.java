package cnnlabs.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a smoke run of an experiment ({@code -Dmax.batches}) must leave in its run folder, as the experiment itself
 * knows it; the test suite runs every experiment so and checks it. Built fluently:
 * {@code SmokeCheck.table("| Model | Parameters |").metricRows(3).picture("filters.png", 720, 552)}.
 *
 * @param tableShows  for each required line of {@code table.md}, the texts of which one must appear
 * @param metricRows  rows of {@code metrics.csv} (one per model and epoch), or -1 where the experiment trains nothing
 *                    and writes none
 * @param pictures    PNG files besides the training curves, with their width and height in pixels
 * @param files       other files that must exist, with their number of lines (-1: any)
 */
public record SmokeCheck(List<List<String>> tableShows, int metricRows, Map<String, int[]> pictures,
                         Map<String, Integer> files) {

    public SmokeCheck {
        tableShows = List.copyOf(tableShows);
        pictures = Map.copyOf(pictures);
        files = Map.copyOf(files);
    }

    /** A check that the table shows each of {@code lines}; nothing trained, no pictures. */
    public static SmokeCheck table(String... lines) {
        List<List<String>> shows = new ArrayList<>();
        for (String line : lines) {
            shows.add(List.of(line));
        }
        return new SmokeCheck(shows, -1, Map.of(), Map.of());
    }

    /** Also: the table shows one of {@code alternatives} (what it says depends on the machine, e.g. data present). */
    public SmokeCheck tableShowsOneOf(String... alternatives) {
        List<List<String>> shows = new ArrayList<>(tableShows);
        shows.add(List.of(alternatives));
        return new SmokeCheck(shows, metricRows, pictures, files);
    }

    /** Also: {@code metrics.csv} has {@code rows} rows. */
    public SmokeCheck metricRows(int rows) {
        return new SmokeCheck(tableShows, rows, pictures, files);
    }

    /** Also: {@code name} is a {@code width} x {@code height} PNG. */
    public SmokeCheck picture(String name, int width, int height) {
        Map<String, int[]> more = new LinkedHashMap<>(pictures);
        more.put(name, new int[] {width, height});
        return new SmokeCheck(tableShows, metricRows, more, files);
    }

    /** Also: file {@code name} exists with {@code lines} lines (-1: any number). */
    public SmokeCheck file(String name, int lines) {
        Map<String, Integer> more = new LinkedHashMap<>(files);
        more.put(name, lines);
        return new SmokeCheck(tableShows, metricRows, pictures, more);
    }
}
