package cnnlabs.architectures;

import java.util.function.BiFunction;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * A registered building block, alone in a graph: its input feeds the block, the block's last vertex is the
 * graph's output (a feature map, no classifier). {@code body} adds the block to the graph after the given
 * input vertex and returns its output vertex, the same method any model calls to use the block.
 */
public record Block(String name, String source, String description, InputShape inputShape,
                    BiFunction<GraphBlocks, String, String> body) implements GraphSpec {

    @Override
    public ComputationGraphConfiguration configure(BuildOptions options) {
        GraphBlocks g = GraphBlocks.pytorch(options, inputShape);
        return g.build(body.apply(g, GraphBlocks.INPUT));
    }
}
