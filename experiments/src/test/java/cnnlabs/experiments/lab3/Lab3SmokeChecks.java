package cnnlabs.experiments.lab3;

import cnnlabs.experiments.SmokeCheck;
import cnnlabs.experiments.SmokeExpectations;
import com.google.auto.service.AutoService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import cnnlabs.run.plots.ConfusionPlot;
import cnnlabs.run.settings.CommonSettings;
import cnnlabs.run.settings.DatasetTrainingSettings;

/** What a smoke run of each experiment of {@code lab3} must leave in its run folder. */
@AutoService(SmokeExpectations.class)
public final class Lab3SmokeChecks implements SmokeExpectations {

    @Override
    public Map<String, Function<Record, SmokeCheck>> expectations() {
        Map<String, Function<Record, SmokeCheck>> out = new LinkedHashMap<>();
        out.put(new ActivationVisualization().name(), s -> {
            DatasetTrainingSettings settings = (DatasetTrainingSettings) s;
            // the simple CNN for -Depochs (a smoke run never loads a saved one), the ResNet-style model for one epoch
            return SmokeCheck.table("| `stage3.block1.relu` | 256 x 7 x 7 |", "trained here")
                    .metricRows(settings.training().epochs() + 1).picture("activations.png", 700, 812)
                    .picture("filters.png", 684, 460).picture("feature-maps.png", 872, 230);
        });
        out.put(new ArchitectureComparison().name(), s -> {
            DatasetTrainingSettings settings = (DatasetTrainingSettings) s;
            return SmokeCheck.table("| Model | Parameters | Trainable | Final val acc | Training time (s) | Images/s |",
                            "| LeNet | 44,426 | 44,426 |", "| VGG-style | 1,867,466 | 1,867,466 |",
                            "| ResNet-style | 1,230,474 | 1,227,786 |", "momentum " + settings.training().bnMomentum(),
                            "`confusion-lenet5.png`")
                    .metricRows(ArchitectureComparison.MODELS.size() * settings.training().epochs())
                    .picture("confusion-lenet5.png", ConfusionPlot.WIDTH, ConfusionPlot.HEIGHT)
                    .picture("confusion-vgg-style.png", ConfusionPlot.WIDTH, ConfusionPlot.HEIGHT)
                    .picture("confusion-resnet-style.png", ConfusionPlot.WIDTH, ConfusionPlot.HEIGHT)
                    .file("per-class-resnet-style.csv", 11);
        });
        out.put(new AugmentationSamples().name(), s -> {
            // without CIFAR-10 (the test machines cannot fetch it) the colour pipelines must say they ran on a
            // generated image
            return SmokeCheck.table("| `mnist-keras.png` | keras-mnist |", "the first MNIST training digit (5)")
                    .tableShowsOneOf("GENERATED 32x32 test pattern", "the first CIFAR-10 training image")
                    .picture("mnist-keras.png", 772, 384).picture("cifar-crop-flip.png", 772, 384)
                    .picture("seed001.png", 772, 384);
        });
        out.put(new ConvolutionFilters().name(), s -> {
            CommonSettings settings = (CommonSettings) s;
            List<String> rows = new ArrayList<>();
            ConvolutionFilters.FILTERS.keySet().forEach(filter -> rows.add("| " + filter + " |"));
            rows.add("| 3 | 1 | 2 | 1 | 4x4 |");
            rows.add("| 3 | 2 | 1 | 2 | 8x8 |");
            return SmokeCheck.table(rows.toArray(String[]::new)).picture("filters.png", 720, 552)
                    .picture("conv-settings.png", 1032, 262);
        });
        out.put(new DataAugmentation().name(), s -> {
            DataAugmentation.Settings settings = (DataAugmentation.Settings) s;
            return SmokeCheck.table("| Model | Train acc | Val acc | Test acc | Train − val gap | Epoch time (s) |",
                            "| without-augmentation |", "| with-augmentation |", "Augmentation cost: an augmented epoch took",
                            "`confusion-with-augmentation.png`")
                    .metricRows(2 * settings.training().epochs())
                    .picture("confusion-without-augmentation.png", ConfusionPlot.WIDTH, ConfusionPlot.HEIGHT)
                    .picture("confusion-with-augmentation.png", ConfusionPlot.WIDTH, ConfusionPlot.HEIGHT)
                    .file("per-class-with-augmentation.csv", 11);
        });
        out.put(new GradCam().name(), s -> {
            DatasetTrainingSettings settings = (DatasetTrainingSettings) s;
            return SmokeCheck.table("| simple-cnn | `conv3` | 64 x 3 x 3 |", "| resnet-style | `stage3.block1.relu` | 256 x 7 x 7 |")
                    .metricRows(2 * settings.training().epochs())
                    .picture("gradcam-simple-cnn.png", 828, 284).picture("gradcam-resnet-style.png", 828, 284);
        });
        out.put(new MnistSimpleCnn().name(), s -> {
            DatasetTrainingSettings settings = (DatasetTrainingSettings) s;
            return SmokeCheck.table("**Test Accuracy: ", "93,322 parameters", "| Class | Precision | Recall | F1 | Support |",
                            "| macro average |")
                    .metricRows(settings.training().epochs()).file("model.zip", -1)
                    .picture("confusion-simple-cnn.png", ConfusionPlot.WIDTH, ConfusionPlot.HEIGHT)
                    .file("confusion-simple-cnn.csv", 11).file("per-class-simple-cnn.csv", 11);
        });
        return out;
    }
}
