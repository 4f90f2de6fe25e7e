package cnnlabs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnlabs.architectures.Architecture;
import cnnlabs.architectures.Architectures;
import cnnlabs.architectures.BuildOptions;
import cnnlabs.onednn.FastGraph;
import cnnlabs.onednn.OneDnnRuntime;
import cnnlabs.onednn.RuntimePlan;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import cnnlabs.settings.ConfigException;
import cnnlabs.settings.SettingsParser;

/**
 * The engines over the registered architectures, which are declared in plain DL4J: through the oneDNN runtime
 * every one computes what DL4J's own graph computes, and the lab's models run every layer the runtime covers on
 * its layers; {@code -Dcnnlabs.fast} chooses.
 */
class EngineTest {

    static Stream<Architecture> registered() {
        return Architectures.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registered")
    void everyArchitectureGivesDl4jsOutputsThroughTheRuntime(Architecture architecture) {
        ComputationGraph dl4j = architecture.build(BuildOptions.defaults());
        Engine engine = Engine.fast();
        ComputationGraph fast = engine.init(architecture, BuildOptions.defaults());
        assertInstanceOf(FastGraph.class, fast);
        assertEquals(dl4j.params(), fast.params(), "the same seed draws the same weights");
        assertEquals(dl4j.getConfiguration().toJson(), fast.getConfiguration().toJson());
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, architecture.inputShape().batchShape(2));
        INDArray expected = dl4j.outputSingle(x);
        INDArray actual = fast.outputSingle(x);
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff < 1e-4, architecture.name() + ": outputs differ by " + diff);
        Map<?, ?> entry = (Map<?, ?>) ((List<?>) engine.report().get("graphs")).get(0);
        assertEquals(architecture.name(), entry.get("graph"), "env.json names the graph");
    }

    /**
     * Lab 3's four models: every convolution, pooling, batch norm, ReLU and addition on the runtime's layers; what
     * stays DL4J's own is the dense, dropout, global pooling and output layers.
     */
    @Test
    void labThreesModelsRunEveryCoveredLayerFast() {
        Assumptions.assumeTrue(OneDnnRuntime.available(), OneDnnRuntime.unavailableReason());
        Set<String> plainTypes = Set.of("DropoutLayer", "GlobalPoolingLayer", "OutputLayer");
        // fast and plain counts: 3 convs + 2 pools + 1 dense; 2 convs + 2 average pools + 2 dense; 4 convs + 2 pools +
        // 1 dense; the stem's conv, BN and ReLU and three residual blocks (7, 9 and 9 layers with the additions)
        Map<String, List<Long>> counts = Map.of("simple-cnn", List.of(6L, 2L), "lenet5", List.of(6L, 1L),
                "vgg-style", List.of(7L, 2L), "resnet-style", List.of(28L, 2L));
        for (Map.Entry<String, List<Long>> c : counts.entrySet()) {
            RuntimePlan plan = OneDnnRuntime.plan(Architectures.get(c.getKey()).configure(BuildOptions.defaults()));
            assertEquals(c.getValue(), List.of(plan.fastCount(), plan.plainCount()), c.getKey() + ": " + plan.summary());
            for (RuntimePlan.Entry e : plan.entries()) {
                assertEquals(!plainTypes.contains(e.type()), e.fast(), c.getKey() + ": " + e);
            }
        }
    }

    /**
     * MobileNetV2 from its {@code t,c,n,s} table: its depthwise convolutions and ReLU6 activations run on the
     * runtime's layers too, as do the zero paddings before its stride-2 ones; only the classifier head stays DL4J's.
     */
    @Test
    void mobileNetV2RunsItsDepthwiseConvolutionsAndRelu6Fast() {
        Assumptions.assumeTrue(OneDnnRuntime.available(), OneDnnRuntime.unavailableReason());
        RuntimePlan plan = OneDnnRuntime.plan(Architectures.get("mobilenetv2").configure(BuildOptions.defaults()));
        Set<String> plainTypes = Set.of("DropoutLayer", "GlobalPoolingLayer", "OutputLayer");
        long depthwise = 0;
        for (RuntimePlan.Entry e : plan.entries()) {
            assertEquals(!plainTypes.contains(e.type()), e.fast(), "mobilenetv2: " + e);
            depthwise += e.type().equals("DepthwiseConvolution2D") ? 1 : 0;
        }
        assertEquals(17, depthwise, "one depthwise convolution per inverted residual block (1+2+3+4+3+3+1)");
    }

    @Test
    void theSwitchChoosesTheEngine() {
        Properties p = new Properties();
        assertTrue(SettingsParser.parse(RunOptions.DEFAULTS, p).fast(), "the runtime by default");
        p.setProperty(Engine.PROPERTY, "false");
        assertFalse(SettingsParser.parse(RunOptions.DEFAULTS, p).fast());
        Engine plain = Engine.plain();
        assertFalse(plain.isFast());
        ComputationGraph graph = plain.init(Architectures.get("lenet5"), BuildOptions.defaults());
        assertEquals(ComputationGraph.class, graph.getClass(), "plain DL4J's own graph");
        assertEquals("dl4j", plain.report().get("engine"));
        p.setProperty(Engine.PROPERTY, "TRUE");
        assertTrue(SettingsParser.parse(RunOptions.DEFAULTS, p).fast());
        p.setProperty(Engine.PROPERTY, "fast");
        ConfigException e = assertThrows(ConfigException.class, () -> SettingsParser.parse(RunOptions.DEFAULTS, p));
        assertTrue(e.getMessage().contains("-Dcnnlabs.fast=false"), e.getMessage());
    }

    @Test
    void aGraphBuiltElsewhereIsAdopted() {
        ComputationGraph dl4j = Architectures.get("simple-cnn").build(BuildOptions.defaults());
        ComputationGraph fast = Engine.fast().adopt("loaded", dl4j);
        assertInstanceOf(FastGraph.class, fast);
        assertEquals(dl4j.params(), fast.params());
        assertTrue(Engine.plain().adopt("loaded", dl4j) == dl4j, "plain DL4J keeps the graph as it is");
    }
}
