package cnnlabs.experiments.sweep;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One trial to run, as plain data: what a Spark task receives ({@link TrialRunner}), and what a local thread runs.
 *
 * @param sweepFolder the sweep's run folder (the trial goes into {@code trials/<n>/} there)
 * @param spec        the sweep file as JSON (see {@link SweepSpec#toJson()})
 * @param maxBatches  the sweep's smoke-run length, passed to the trial (0 = full)
 * @param fast        through the oneDNN runtime, or plain DL4J
 */
public record TrialJob(String sweepFolder, String spec, int n, Map<String, String> params, String dataDir,
                       int maxBatches, boolean fast) implements Serializable {

    public TrialJob {
        params = new LinkedHashMap<>(params);
    }
}
