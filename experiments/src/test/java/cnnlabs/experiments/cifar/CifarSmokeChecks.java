package cnnlabs.experiments.cifar;

import cnnlabs.experiments.SmokeCheck;
import cnnlabs.experiments.SmokeExpectations;
import com.google.auto.service.AutoService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import cnnlabs.run.plots.ConfusionPlot;

/** What a smoke run of each experiment of {@code cifar} must leave in its run folder. */
@AutoService(SmokeExpectations.class)
public final class CifarSmokeChecks implements SmokeExpectations {

    @Override
    public Map<String, Function<Record, SmokeCheck>> expectations() {
        Map<String, Function<Record, SmokeCheck>> out = new LinkedHashMap<>();
        out.put(new Cifar10ResNet().name(), s -> {
            Cifar10ResNet.Settings settings = (Cifar10ResNet.Settings) s;
            String model = settings.model();
            return SmokeCheck.table("SYNTHETIC FIXTURE, NOT CIFAR-10", "**Test accuracy: ", "| Epoch | Train loss |",
                            "| Class | Precision | Recall | F1 | Support |")
                    .metricRows(settings.training().epochs())
                    .picture("samples.png", 700, 812).picture("filters.png", 684, 884).picture("feature-maps.png", 922, 240)
                    .picture("confusion-" + model + ".png", ConfusionPlot.WIDTH, ConfusionPlot.HEIGHT)
                    .file("model.zip", -1).file("checkpoint-" + model + "-last.zip", -1)
                    .file("checkpoint-" + model + "-best.zip", -1).file("per-class-" + model + ".csv", 11);
        });
        out.put(new PlainVsBatchNorm().name(), s -> {
            PlainVsBatchNorm.Settings settings = (PlainVsBatchNorm.Settings) s;
            return SmokeCheck.table("SYNTHETIC FIXTURE, NOT CIFAR-10", "| " + PlainVsBatchNorm.PLAIN + " |", "| " + PlainVsBatchNorm.BATCH_NORM + " |",
                            "The exercise's bar")
                    .metricRows(2 * settings.training().epochs())
                    .picture("confusion-" + PlainVsBatchNorm.PLAIN + ".png", ConfusionPlot.WIDTH, ConfusionPlot.HEIGHT)
                    .picture("confusion-" + PlainVsBatchNorm.BATCH_NORM + ".png", ConfusionPlot.WIDTH, ConfusionPlot.HEIGHT)
                    .file("per-class-" + PlainVsBatchNorm.BATCH_NORM + ".csv", 11);
        });
        return out;
    }
}
