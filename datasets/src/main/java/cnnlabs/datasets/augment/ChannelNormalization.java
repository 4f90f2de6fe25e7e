package cnnlabs.datasets.augment;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * torchvision's {@code Normalize(mean, std)} on [0, 1] NCHW batches: {@code (x - mean[c]) / std[c]} per channel,
 * with fixed, published statistics (never fitted on validation or test data). The same for every split.
 */
public final class ChannelNormalization implements DataSetPreProcessor {

    private static final long serialVersionUID = 1L;

    private final double[] mean;
    private final double[] std;

    public ChannelNormalization(double[] mean, double[] std) {
        if (mean.length != std.length || mean.length == 0 || Arrays.stream(std).anyMatch(s -> !(s > 0))) {
            throw new IllegalArgumentException("need one positive std per mean, got " + Arrays.toString(mean) + " / "
                    + Arrays.toString(std));
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public void preProcess(DataSet batch) {
        INDArray x = batch.getFeatures();
        if (x.rank() != 4 || x.size(1) != mean.length) {
            throw new IllegalArgumentException("expected (N, " + mean.length + ", H, W) features, got "
                    + Arrays.toString(x.shape()));
        }
        INDArray m = Nd4j.create(mean).castTo(x.dataType());
        INDArray s = Nd4j.create(std).castTo(x.dataType());
        x.subi(m.reshape(1, mean.length, 1, 1).broadcast(x.shape())).divi(s.reshape(1, std.length, 1, 1).broadcast(x.shape()));
    }
}
