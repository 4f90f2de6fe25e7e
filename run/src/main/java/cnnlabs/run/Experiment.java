package cnnlabs.run;

import cnnlabs.run.settings.ExperimentSettings;
import cnnlabs.settings.ConfigException;

/**
 * One lab section as a runnable experiment. {@link #run} does the work, writes its files into the run folder as it
 * goes, and returns its result; it never exits the JVM and never prints stack traces. Everything it needs comes in
 * through its {@link ExperimentContext}.
 *
 * <p>An experiment registers itself beside its code as a {@link java.util.ServiceLoader} service of this interface
 * ({@code @AutoService(Experiment.class)} on the class), which is how {@link Experiments} finds it.
 *
 * @param <S> its settings: a record of {@code -D} settings with the lab's values as {@link #defaults()}, validated
 *            when built ({@link cnnlabs.settings.SettingsParser})
 */
public interface Experiment<S extends Record & ExperimentSettings> {

    /** The name users pass as {@code -Dexp=NAME}. */
    String name();

    /** One line for {@code -Dexp=list}. */
    String description();

    /** The lab's settings. */
    S defaults();

    ExperimentResult run(ExperimentContext<S> context) throws Exception;

    /**
     * Checks what {@code settings} name outside themselves (a file, a folder, another experiment) before the run folder
     * exists; throws {@link ConfigException} with the fix. By default, an experiment that trains needs a validation
     * split (its lab holds one out; one that evaluates on the test set each epoch instead overrides this), the images
     * its {@code -Ddataset} names must be usable ({@link TrainingData#check}: a folder's layout and every image), and
     * class weights must be one per class.
     */
    default void check(S settings, RunRoots roots) {
        if (settings.trains() && settings.training().validationSplit() == 0) {
            throw new ConfigException("-Dvalidation.split=0 does not work for " + name() + ": it holds out a "
                    + "validation split as its lab does and reports on it. Give a fraction such as -Dvalidation.split="
                    + defaults().training().validationSplit() + " (its default), or leave the setting out.");
        }
        int classes = settings.choosesDataset() ? TrainingData.check(settings.dataset(), roots) : CLASSES;
        int weights = settings.trains() ? settings.training().loss().weights().length : 0;
        if (weights > 0 && weights != classes) {
            throw new ConfigException("-Dclass.weights gives " + weights + " weights, but " + name() + " classifies "
                    + classes + " classes here: give one weight per class, in class order, e.g. -Dclass.weights="
                    + String.join(",", java.util.Collections.nCopies(classes - 1, "1")) + ",5.");
        }
    }

    /**
     * The models a run with {@code settings} trains, by their fits' names, when it trains more than one (Lab 3's
     * comparison); empty for one. A sweep's objective over such an experiment names which, or a mean, least or most.
     */
    default java.util.List<String> models(S settings) {
        return java.util.List.of();
    }

    /** The classes every dataset the labs train on has (MNIST, Fashion-MNIST, CIFAR-10); a folder has its own. */
    int CLASSES = 10;
}
