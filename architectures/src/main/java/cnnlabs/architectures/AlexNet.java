package cnnlabs.architectures;

import static cnnlabs.architectures.GraphBlocks.INPUT;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * AlexNet as seed 004 uses it: torchvision's {@code alexnet} layout (no local response normalisation), for
 * 224x224 RGB input and the 1000 ImageNet classes. 61,100,840 parameters.
 */
public final class AlexNet {

    public static final InputShape INPUT_SHAPE = new InputShape(3, 224, 224);
    public static final int CLASSES = 1000;
    /** The 4096-d embedding seed 004 takes from before the last linear layer ({@code classifier[:6]}). */
    public static final String EMBEDDING = "classifier.relu2";

    private AlexNet() {
    }

    /**
     * {@code features}: conv 64 (11x11/4, padding 2) - ReLU - max pool 3/2, conv 192 (5x5, padding 2) - ReLU -
     * max pool 3/2, conv 384, 256, 256 (3x3, padding 1) each with ReLU, max pool 3/2; {@code avgpool}: adaptive
     * average pooling to 6x6; {@code classifier}: dropout 0.5, linear 9216 -> 4096, ReLU, dropout 0.5, linear
     * 4096 -> 4096, ReLU, linear 4096 -> 1000.
     */
    public static ComputationGraphConfiguration alexnet(BuildOptions options) {
        GraphBlocks g = GraphBlocks.pytorch(options, INPUT_SHAPE);
        String x = g.relu("features.relu1", g.conv2d("features.conv1", INPUT, 64, 11, 4, 2, true));
        x = g.maxPool("features.pool1", x, 3, 2, 0);
        x = g.relu("features.relu2", g.conv2d("features.conv2", x, 192, 5, 1, 2, true));
        x = g.maxPool("features.pool2", x, 3, 2, 0);
        x = g.relu("features.relu3", g.conv2d("features.conv3", x, 384, 3, 1, 1, true));
        x = g.relu("features.relu4", g.conv2d("features.conv4", x, 256, 3, 1, 1, true));
        x = g.relu("features.relu5", g.conv2d("features.conv5", x, 256, 3, 1, 1, true));
        x = g.maxPool("features.pool3", x, 3, 2, 0);
        x = g.adaptiveAvgPool("avgpool", x, 6, 6);
        x = g.flatten("flatten", x);
        x = g.dropout("classifier.dropout1", x, 0.5);
        x = g.relu("classifier.relu1", g.linear("classifier.fc1", x, 4096, true));
        x = g.dropout("classifier.dropout2", x, 0.5);
        x = g.relu(EMBEDDING, g.linear("classifier.fc2", x, 4096, true));
        return g.softmaxOutput("classifier.fc3", x, CLASSES);
    }
}
