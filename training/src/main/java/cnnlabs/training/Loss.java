package cnnlabs.training;

import cnnlabs.settings.ConfigException;
import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * How the training loss treats the labels.
 *
 * @param labelSmoothing PyTorch's {@code label_smoothing} and Keras' {@code CategoricalCrossentropy(label_smoothing)}:
 *                       the training targets become {@code (1 - e) * onehot + e / K}; 0 = off. Validation and test
 *                       losses are against the true labels.
 * @param classWeights   each class's weight in the training loss, in class order, comma-separated (Keras'
 *                       {@code class_weight}, DL4J's weighted {@code LossMCXENT}: an image's loss times its class's
 *                       weight, averaged over the batch); empty = every class 1
 */
public record Loss(
        @Setting(key = "label.smoothing", help = "PyTorch's label_smoothing: training targets (1-e)*onehot + e/K; "
                + "0 = off", example = "0.1") double labelSmoothing,
        @Setting(key = "class.weights", help = "each class's weight in the training loss, comma-separated in class "
                + "order (Keras' class_weight); empty = all 1", example = "1,1,1,1,1,1,1,1,1,5") String classWeights) {

    /** Hard labels, every class weighted 1. */
    public static final Loss PLAIN = new Loss(0, "");

    public Loss {
        SettingsParser.require(labelSmoothing >= 0 && labelSmoothing < 1, "label.smoothing", labelSmoothing,
                "a number in [0, 1)", "0.1");
        classWeights = classWeights == null ? "" : classWeights.strip();
        weights(classWeights);
    }

    /** The class weights, or an empty array for none. */
    public double[] weights() {
        return weights(classWeights);
    }

    private static double[] weights(String text) {
        if (text.isEmpty()) {
            return new double[0];
        }
        try {
            double[] w = Arrays.stream(text.split(",")).mapToDouble(s -> Double.parseDouble(s.strip())).toArray();
            if (Arrays.stream(w).allMatch(v -> v > 0 && Double.isFinite(v))) {
                return w;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new ConfigException("Invalid value '" + text + "' for -Dclass.weights: expected one positive weight per "
                + "class, comma-separated in class order, e.g. -Dclass.weights=1,1,1,1,1,1,1,1,1,5. Leave it out for "
                + "equal weights.");
    }

    /** {@code batch} with smoothed targets (a new data set; the batch's own arrays are left as they are). */
    public DataSet smooth(DataSet batch) {
        if (labelSmoothing == 0) {
            return batch;
        }
        INDArray labels = batch.getLabels();
        INDArray smoothed = labels.mul(1 - labelSmoothing).addi(labelSmoothing / labels.size(1));
        return new DataSet(batch.getFeatures(), smoothed, batch.getFeaturesMaskArray(), batch.getLabelsMaskArray());
    }
}
