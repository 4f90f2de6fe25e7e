package cnnlabs.experiments.common;

import cnnlabs.run.ExperimentContext;
import cnnlabs.run.TrainingData;
import cnnlabs.run.results.RunHistory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/** Models that earlier runs saved ({@code model.zip}), for experiments that would rather look at a fully trained one. */
public final class SavedModels {

    private SavedModels() {
    }

    /**
     * The newest completed, full (not smoke) MnistSimpleCnn run's model.zip that learned {@code data}'s images (a run
     * from before {@code -Ddataset} learned MNIST), if any. None for a folder of images: its held-out images are a
     * seeded split of the same folder, which another run (another seed, split or subset) may have trained on.
     */
    public static Optional<Path> latestSimpleCnn(Path resultsRoot, TrainingData data) {
        if (data.testIsValidation()) {
            return Optional.empty();
        }
        return RunHistory.latestFile(resultsRoot, "MnistSimpleCnn", "model.zip",
                summary -> summary.path("total_params").asLong() == 93_322
                        && summary.path("dataset").asText("MNIST").equals(data.name()));
    }

    /**
     * A saved graph, through the run's engine, named {@code name}; empty, with a line on the console, where it cannot be
     * read (a model saved by a cnnlabs older than its oneDNN runtime names cnnlabs' own layer classes): the caller then
     * trains its own or says it has none.
     */
    public static Optional<ComputationGraph> restore(ExperimentContext<?> ctx, String name, Path modelZip) {
        try {
            return Optional.of(ctx.engine().adopt(name, ModelSerializer.restoreComputationGraph(modelZip.toFile(), false)));
        } catch (IOException | RuntimeException e) {
            ctx.console().println("Cannot read the saved " + name + " " + modelZip + " (" + e.getMessage() + ").");
            return Optional.empty();
        }
    }
}
