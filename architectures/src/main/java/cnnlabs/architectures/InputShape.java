package cnnlabs.architectures;

import org.deeplearning4j.nn.conf.inputs.InputType;

/** An image input, channels first as DL4J's graphs take it (Keras writes the same shape as H x W x C). */
public record InputShape(int channels, int height, int width) {

    public InputShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("input shape must be positive: " + channels + "x" + height + "x" + width);
        }
    }

    public InputType toInputType() {
        return InputType.convolutional(height, width, channels);
    }

    public long[] batchShape(int batch) {
        return new long[] {batch, channels, height, width};
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
