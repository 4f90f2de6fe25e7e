package cnnlabs.experiments.transfer;

import cnnlabs.architectures.MobileNetV2;
import cnnlabs.architectures.ModelSummary;
import cnnlabs.datasets.ImageDataset;
import cnnlabs.run.ExperimentContext;
import cnnlabs.run.settings.Common;
import cnnlabs.run.settings.Training;
import cnnlabs.training.Evaluator;
import cnnlabs.training.Trainer;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import cnnlabs.training.History;

/**
 * One stage of transfer learning, trained and measured: one row of the results table and of {@code summary.json}.
 *
 * @param trains       which layers train, in words
 * @param learningRate Adam's rate(s), as written in the table
 * @param seconds      wall time of its epochs
 */
public record Stage(String name, String trains, long totalParams, long trainableParams, int epochs, String learningRate,
                    double valAccuracy, double testAccuracy, double seconds) {

    /**
     * Trains {@code graph} for {@code epochs} epochs on {@code data}, then measures it on {@code test}, writing its
     * confusion matrix and per-class metrics.
     */
    static Stage train(ExperimentContext<?> ctx, String name, String trains, ComputationGraph graph,
                       ImageDataset.Split data, ImageDataset test, int epochs, String learningRate) {
        return train(ctx, name, trains, graph, data, test, epochs, learningRate, true);
    }

    /** As above; {@code classMetrics}: whether to write the test set's confusion matrix and per-class metrics. */
    static Stage train(ExperimentContext<?> ctx, String name, String trains, ComputationGraph graph,
                       ImageDataset.Split data, ImageDataset test, int epochs, String learningRate,
                       boolean classMetrics) {
        Training cfg = ctx.training();
        Common common = ctx.common();
        ModelSummary s = ModelSummary.of(graph, MobileNetV2.CIFAR);
        ctx.console().println(String.format(Locale.ROOT, "%s: %,d parameters, %,d trainable", name, s.totalParams(),
                s.trainableParams()));
        History history = ctx.trainer().fit(name, graph, data.train().batches(cfg.batchSize(), true, common.seed()),
                data.validation().batches(cfg.batchSize(), false, common.seed()), epochs);
        Evaluator.Result testResult = Evaluator.evaluate(graph, test.batches(256, false, common.seed()), common.maxBatches());
        if (classMetrics) {
            ctx.classMetrics(name, "test", testResult, test.classNames());
        }
        double seconds = history.epochs().stream().mapToDouble(e -> e.seconds()).sum();
        return new Stage(name, trains, s.totalParams(), s.trainableParams(), epochs, learningRate,
                history.last().valAcc(), testResult.accuracy(), seconds);
    }
}
