package cnnlabs.sweep;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;

/**
 * A sweep's objective as Arbiter's {@link ScoreFunction}, for Arbiter's description of the sweep
 * ({@link SweepMonitor}): the metric and whether it is minimised. It scores nothing itself: each trial's run
 * reports its metric, which {@link Sweep} reads from the run's summary.
 */
final class SweepObjective implements ScoreFunction {

    private String metric;
    private boolean minimize;

    SweepObjective(SweepSpec.Objective objective) {
        this.metric = objective.metric();
        this.minimize = objective.direction() == SweepSpec.Objective.Direction.MIN;
    }

    /** For Arbiter's JSON reader. */
    private SweepObjective() {
    }

    String metric() {
        return metric;
    }

    @Override
    public double score(Object model, DataProvider dataProvider, Map<String, Object> dataParameters) {
        throw new UnsupportedOperationException("a sweep's trial reports its own " + metric);
    }

    @Override
    public double score(Object model, Class<? extends DataSource> dataSource, Properties dataSourceProperties) {
        throw new UnsupportedOperationException("a sweep's trial reports its own " + metric);
    }

    @Override
    public boolean minimize() {
        return minimize;
    }

    @Override
    public List<Class<?>> getSupportedModelTypes() {
        return List.of();
    }

    @Override
    public List<Class<?>> getSupportedDataTypes() {
        return List.of();
    }

    @Override
    public String toString() {
        return (minimize ? "minimise " : "maximise ") + metric;
    }
}
