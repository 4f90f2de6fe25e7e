package cnnlabs.experiments.basics;

import cnnlabs.experiments.SmokeCheck;
import cnnlabs.experiments.SmokeExpectations;
import com.google.auto.service.AutoService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.BlockCatalog;
import cnnlabs.run.settings.CommonSettings;

/** What a smoke run of each experiment of {@code basics} must leave in its run folder. */
@AutoService(SmokeExpectations.class)
public final class BasicsSmokeChecks implements SmokeExpectations {

    @Override
    public Map<String, Function<Record, SmokeCheck>> expectations() {
        Map<String, Function<Record, SmokeCheck>> out = new LinkedHashMap<>();
        out.put(new ConvolutionBasics().name(), s -> {
            return SmokeCheck.table(
                    "| [[6, 0, -5], [0, -2, -2], [-4, 0, 1]] | [[6, 0, -5], [0, -2, -2], [-4, 0, 1]] | yes |",
                    "**VGG-like stack**: receptive field 16", "**Dilated stack**: receptive field 15",
                    "| [16, 3, 3, 3] | [16] | 448 |");
        });
        out.put(new ModelZoo().name(), s -> {
            CommonSettings settings = (CommonSettings) s;
            List<String> rows = new ArrayList<>();
            Architectures.names().forEach(name -> rows.add("| " + name + " | architecture |"));
            BlockCatalog.names().forEach(name -> rows.add("| " + name + " | block |"));
            rows.add("| small-cnn | architecture | seed 000 SmallCNN | 3x32x32 | 10 | 545,482 | 545,290 | 545,290 |");
            rows.add(settings.common().smokeRunNote("latencies from " + settings.common().maxBatches()
                    + " pass(es), not a measurement").strip());
            return SmokeCheck.table(rows.toArray(String[]::new))
                    .file("model-zoo.csv", 1 + Architectures.names().size() + BlockCatalog.names().size());
        });
        out.put(new PoolingBasics().name(), s -> {
            return SmokeCheck.table(
                    "| Max pooling 2x2, stride 2 | SubsamplingLayer(MAX) | [1, 1, 2, 2] | [[6, 8], [14, 16]] |",
                    "[[3.5, 5.5], [11.5, 13.5]]", "| Global average pooling | GlobalPoolingLayer(AVG) | [1, 1] | 8.5 |",
                    "Output shape [1, 3, 7, 7]", "| Indices (flattened positions) | [[5, 7], [13, 15]] |",
                    "the two agree here");
        });
        out.put(new ReceptiveField().name(), s -> {
            return SmokeCheck.table("| (8, 8) of 16x16 | 10 x 10 | 10 x 10 | yes |")
                    .picture("receptive-field.png", 640, 600);
        });
        return out;
    }
}
