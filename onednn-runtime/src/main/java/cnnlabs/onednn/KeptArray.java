package cnnlabs.onednn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A layer's training output, kept for its backward pass and valid only for the input it was computed from. */
final class KeptArray {

    private INDArray output;
    private INDArray input;

    void keep(INDArray output, INDArray input) {
        this.output = output;
        this.input = input;
    }

    /** The kept output if it was computed from this very {@code input} object, else null. */
    INDArray forInput(INDArray input) {
        return output != null && this.input == input ? output : null;
    }

    void forget() {
        output = null;
        input = null;
    }
}
