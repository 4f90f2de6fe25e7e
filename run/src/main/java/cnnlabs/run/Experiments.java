package cnnlabs.run;

import cnnlabs.architectures.Registry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The experiments on the class path. Each registers itself beside its code as a {@link ServiceLoader} service of
 * {@link Experiment} ({@code @AutoService(Experiment.class)} writes its {@code META-INF/services} entry), so nothing
 * keeps a list of them: a module of labs on the class path brings its experiments, and a failed lookup lists the
 * names there are. They are found through the calling thread's class loader (on a Spark executor, the one holding the
 * application's jars), each call afresh.
 */
public final class Experiments {

    private Experiments() {
    }

    /** Every experiment, by name. */
    public static List<Experiment<?>> all() {
        List<Experiment<?>> out = new ArrayList<>();
        for (Experiment<?> e : ServiceLoader.load(Experiment.class, loader())) {
            out.add(e);
        }
        out.sort(Comparator.comparing(Experiment::name));
        return out;
    }

    /** The experiment called {@code name} (any case); throws {@code UnknownNameException} listing the names. */
    public static Experiment<?> get(String name) {
        return registry().get(name);
    }

    public static List<String> names() {
        return registry().names();
    }

    private static Registry<Experiment<?>> registry() {
        Registry<Experiment<?>> registry = new Registry<>("experiment", Experiment::name);
        all().forEach(registry::register);
        return registry;
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Experiments.class.getClassLoader();
    }
}
