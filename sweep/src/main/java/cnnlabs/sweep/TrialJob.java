package cnnlabs.sweep;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One trial to run, as plain data: all a worker needs, in this JVM or in a Spark executor on another machine, which
 * shares nothing with the driver but the sweep folder.
 *
 * @param sweepFolder the sweep's run folder, on a file system every worker mounts at the same path (the trial goes
 *                    into {@code trials/<n>/} there, and so do its pruning reports)
 * @param spec        the sweep file as JSON (see {@link SweepSpec#toJson()})
 * @param repository  the repository root, where experiments find their reference files
 * @param dataDir     the dataset cache
 * @param cifar10     the user's CIFAR-10 folder; empty for none
 * @param maxBatches  the sweep's smoke-run length, passed to the trial (0 = full)
 * @param fast        through the oneDNN runtime, or plain DL4J
 * @param startBy     the sweep's time budget: a trial not started by then (epoch milliseconds) is not run
 */
public record TrialJob(String sweepFolder, String spec, int n, Map<String, String> params, String repository,
                       String dataDir, String cifar10, int maxBatches, boolean fast, long startBy)
        implements Serializable {

    public TrialJob {
        params = new LinkedHashMap<>(params);
    }
}
