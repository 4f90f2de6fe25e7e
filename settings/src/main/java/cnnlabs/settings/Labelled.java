package cnnlabs.settings;

/**
 * An enum setting spelt on the command line and in {@code config.json} as its {@link #label()} ({@code val_loss}) rather
 * than as its lower-cased name with hyphens ({@code val-loss}); the parser reads either.
 */
public interface Labelled {

    String label();
}
