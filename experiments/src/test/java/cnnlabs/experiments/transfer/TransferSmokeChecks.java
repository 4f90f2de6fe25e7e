package cnnlabs.experiments.transfer;

import cnnlabs.experiments.SmokeCheck;
import cnnlabs.experiments.SmokeExpectations;
import com.google.auto.service.AutoService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import cnnlabs.run.plots.ConfusionPlot;
import cnnlabs.run.settings.TrainingSettings;

/** What a smoke run of each experiment of {@code transfer} must leave in its run folder. */
@AutoService(SmokeExpectations.class)
public final class TransferSmokeChecks implements SmokeExpectations {

    @Override
    public Map<String, Function<Record, SmokeCheck>> expectations() {
        Map<String, Function<Record, SmokeCheck>> out = new LinkedHashMap<>();
        out.put(new FreezeBackbone().name(), s -> {
            TrainingSettings settings = (TrainingSettings) s;
            return SmokeCheck.table("| SmallCNN, backbone frozen | 545,290 | 545,482 | 525,706 |",
                    "Backbone unchanged: **yes**; every classifier parameter moved: **yes**")
                    .metricRows(settings.training().epochs())
                    .picture("confusion-small-cnn-frozen.png", ConfusionPlot.WIDTH, ConfusionPlot.HEIGHT);
        });
        out.put(new MobileNetTransfer().name(), s -> {
            MobileNetTransfer.Settings settings = (MobileNetTransfer.Settings) s;
            int epochs = settings.training().epochs();
            // offline source pretraining, feature extraction, fine-tuning, from scratch for both stages' epochs
            return SmokeCheck.table("| Stage | Trains | Total params | Trainable | Epochs | Adam lr | Val acc | Test acc |",
                            "| feature-extraction | the new head only (base frozen) | 2,270,794 | 12,810 | " + epochs + " | 0.001 |",
                            "| fine-tuning | the base's last 20 layers and the head | 2,270,794 | 1,218,890 | " + epochs
                                    + " | 0.0001 |",
                            "| from-scratch | every layer, random initialisation | 2,270,794 | 2,236,682 | " + 2 * epochs + " |",
                            "**Offline protocol, not the lab's ImageNet-to-CIFAR-10 numbers:**", "| pretrain-fashion-mnist |")
                    .metricRows(settings.pretrainEpochs() + 4 * epochs).picture(Embeddings.PLOT, 620, 520);
        });
        out.put(new TransferCurves().name(), s -> {
            TransferCurves.Settings settings = (TransferCurves.Settings) s;
            // per protocol: the source's epochs, then per size frozen 1, fine-tuned 1, from scratch 2 (a smoke run's)
            int protocols = settings.protocolList().size();
            int sizes = TransferCurves.sizes(settings.targetSizes()).length;
            return SmokeCheck.table("| Target images (N) | Epochs per stage | Frozen base | Fine-tuned | From scratch | "
                            + "Best |", "## MNIST digits 0-4 -> MNIST digits 5-9", "## Fashion-MNIST -> MNIST digits",
                            "| 250 | 1 |", "| 1,000 | 1 |", "| 5,000 | 1 |", "the base's last 20 Keras layers")
                    .metricRows(protocols * (settings.sourceEpochs() + 4 * sizes))
                    .picture(TransferCurvesPlot.FILE, 920, 380);
        });
        return out;
    }
}
