package cnnlabs.settings;

/** An invalid setting (a {@code -D} value); the message names the property, the value and a valid example. */
public class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
