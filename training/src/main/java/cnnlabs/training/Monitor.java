package cnnlabs.training;

import cnnlabs.settings.Labelled;
import java.util.Locale;

/** An epoch metric that callbacks watch (early stopping, the plateau schedule, the best checkpoint, pruners). */
public enum Monitor implements Labelled {
    VAL_LOSS, VAL_ACC, LOSS, ACC, VAL_TOP_K, VAL_MACRO_F1, VAL_WEIGHTED_F1;

    /** Whether a larger value is better (accuracies, F1) rather than a smaller one (losses). */
    public boolean maximise() {
        return this != VAL_LOSS && this != LOSS;
    }

    /** As {@code metrics.csv} names it: {@code val_loss}. */
    @Override
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** This metric's value in {@code metrics}. */
    public double value(EpochMetrics metrics) {
        return switch (this) {
            case VAL_LOSS -> metrics.valLoss();
            case VAL_ACC -> metrics.valAcc();
            case LOSS -> metrics.trainLoss();
            case ACC -> metrics.trainAcc();
            case VAL_TOP_K -> metrics.valTopK();
            case VAL_MACRO_F1 -> metrics.valMacroF1();
            case VAL_WEIGHTED_F1 -> metrics.valWeightedF1();
        };
    }
}
