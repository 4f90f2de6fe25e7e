package cnnlabs.experiments.performance;

import cnnlabs.experiments.SmokeCheck;
import cnnlabs.experiments.SmokeExpectations;
import com.google.auto.service.AutoService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import cnnlabs.architectures.Architecture;
import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.run.tables.MarkdownTable;

/** What a smoke run of each experiment of {@code performance} must leave in its run folder. */
@AutoService(SmokeExpectations.class)
public final class PerformanceSmokeChecks implements SmokeExpectations {

    @Override
    public Map<String, Function<Record, SmokeCheck>> expectations() {
        Map<String, Function<Record, SmokeCheck>> out = new LinkedHashMap<>();
        out.put(new Throughput().name(), s -> {
            Throughput.Settings settings = (Throughput.Settings) s;
            List<String> rows = new ArrayList<>();
            rows.add("| Model | Params | DL4J img/s | PyTorch img/s | PyTorch | Ratio | Overlap |");
            for (String model : Throughput.selected(settings.models())) {
                Architecture a = Architectures.get(model);
                rows.add("| " + model + " | " + MarkdownTable.count(a.summary(BuildOptions.defaults()).totalParams()) + " |");
            }
            // either PyTorch ran, or the table says why not
            return SmokeCheck.table(rows.toArray(String[]::new)).tableShowsOneOf("PyTorch: torch ", "PyTorch: not run (");
        });
        out.put(new LabWallTime().name(), s -> SmokeCheck.table(
                "| Part | Model | Keras fit (s) | cnnlabs epochs (s) | cnnlabs / Keras |",
                "| 2 | simple-cnn | – |", "| 3 | lenet5 | – |", "| 3 | resnet-style | – |", "| 4 | with-augmentation | – |",
                "| 2 | MnistSimpleCnn | – |", "Keras original: not run (a smoke run)"));
        return out;
    }
}
