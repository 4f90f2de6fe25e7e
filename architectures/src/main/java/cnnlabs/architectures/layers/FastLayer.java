package cnnlabs.architectures.layers;

/**
 * A cnnlabs layer configuration that is a drop-in for one of DL4J's: same parameters, names, shapes and results,
 * a faster layer behind it. Summaries show the DL4J layer it stands for.
 */
public interface FastLayer {

    /** The DL4J layer configuration this one is a drop-in for. */
    Class<? extends org.deeplearning4j.nn.conf.layers.Layer> standsFor();
}
