package cnnlabs.architectures;

import java.util.Collection;

/** A name looked up in a {@link Registry} that holds no entry of that name; the message lists the valid names. */
public class UnknownNameException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public UnknownNameException(String kind, String name, Collection<String> valid) {
        super("Unknown " + kind + " '" + name + "'. Valid names: " + String.join(", ", valid) + ".");
    }
}
