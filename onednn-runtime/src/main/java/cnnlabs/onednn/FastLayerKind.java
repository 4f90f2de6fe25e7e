package cnnlabs.onednn;

import java.util.function.Function;
import java.util.function.Predicate;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * One kind of the runtime's fast layers, an entry of {@link FastLayerKinds}: the DL4J configuration class it covers
 * (matched exactly: a subclass is somebody's own layer, with its own behaviour), when it covers a configuration of
 * that class and why not where it does not, how its fast layer is created, and how that layer treats channels-last
 * activations. {@link RuntimePlan}, {@link StandIns} and {@link FastGraph} all ask these entries.
 */
sealed interface FastLayerKind {

    /** The DL4J configuration class this kind covers. */
    Class<?> configuration();

    /**
     * Whether {@code built}, a layer or vertex of an initialised graph (or null), is this kind's fast one at work:
     * the object {@link #channelsLast} describes.
     */
    Predicate<Object> isFast();

    /** How this kind's fast layer treats channels-last activations. */
    ChannelsLastUse channelsLast();

    /**
     * How a fast layer treats channels-last activations ({@link ChannelsLast}: (N, C, H, W) arrays to every reader,
     * laid out (N, H, W, C) in memory). {@link FastGraph} lets a layer write channels-last only where every reader
     * of its output takes such arrays: one that {@code READS}, {@code WRITES}, or {@code PASSES_ON} to readers that
     * take them in turn.
     */
    enum ChannelsLastUse {
        /** Takes no part: its readers get an ordinary NCHW output from it. */
        NONE,
        /** Reads channels-last input where it lies; its output is NCHW. */
        READS,
        /**
         * Reads channels-last input where it lies, and writes its output channels-last where {@link FastGraph} says
         * every reader takes it (its layer implements {@link FastGraph.ChannelsLastWriter}).
         */
        WRITES,
        /**
         * Reads channels-last input where it lies and hands it on: its output, and the gradient it returns, are
         * channels-last where its input is, so its own readers must take channels-last too.
         */
        PASSES_ON
    }

    /** Creates a layer kind's fast layer, validating the configuration as DL4J's own configuration class does. */
    @FunctionalInterface
    interface LayerFactory {
        org.deeplearning4j.nn.api.Layer create(NeuralNetConfiguration conf, int index, DataType dataType);
    }

    /**
     * A kind of layer: a layer configuration in a {@code LayerVertex}, also inside DL4J's frozen wrappers (then the
     * fast layer is created for the layer they hold, and wrapped as DL4J wraps its own).
     *
     * @param whyNot null where the runtime covers the configuration, else why it stays DL4J's own layer
     * @param factory creates the fast layer
     */
    record OfLayer<C extends Layer>(Class<C> configuration, Function<C, String> whyNot, LayerFactory factory,
                                    Predicate<Object> isFast, ChannelsLastUse channelsLast) implements FastLayerKind {

        /** {@link #whyNot} for {@code layer}, a configuration of exactly this kind's class. */
        String whyPlain(Layer layer) {
            return whyNot.apply(configuration.cast(layer));
        }
    }

    /**
     * A kind of graph vertex (not a layer).
     *
     * @param type the vertex as the plan names it
     * @param whyNot null where the runtime covers the configuration, else why it stays DL4J's own vertex
     * @param standIn the vertex configuration that creates the fast vertex while DL4J initialises the graph
     */
    record OfVertex<C extends GraphVertex>(Class<C> configuration, Function<C, String> type,
                                           Function<C, String> whyNot, Function<C, GraphVertex> standIn,
                                           Predicate<Object> isFast, ChannelsLastUse channelsLast)
            implements FastLayerKind {

        String typeOf(GraphVertex vertex) {
            return type.apply(configuration.cast(vertex));
        }

        String whyPlain(GraphVertex vertex) {
            return whyNot.apply(configuration.cast(vertex));
        }

        GraphVertex standInFor(GraphVertex vertex) {
            return standIn.apply(configuration.cast(vertex));
        }
    }
}
