package cnnlabs.architectures;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Entries registered explicitly under short names, in registration order (like timm's
 * {@code create_model} or torchvision's {@code get_model}). Lookup ignores case; a failed lookup throws
 * {@link UnknownNameException} listing every valid name.
 */
public final class Registry<T> {

    private final String kind;
    private final Function<T, String> nameOf;
    private final Map<String, T> byKey = new LinkedHashMap<>();

    /** @param kind what the entries are, for messages ("architecture", "experiment") */
    public Registry(String kind, Function<T, String> nameOf) {
        this.kind = kind;
        this.nameOf = nameOf;
    }

    public Registry<T> register(T entry) {
        String name = nameOf.apply(entry);
        if (byKey.putIfAbsent(name.toLowerCase(Locale.ROOT), entry) != null) {
            throw new IllegalStateException(kind + " '" + name + "' is registered twice");
        }
        return this;
    }

    public T get(String name) {
        T entry = name == null ? null : byKey.get(name.toLowerCase(Locale.ROOT));
        if (entry == null) {
            throw new UnknownNameException(kind, name, names());
        }
        return entry;
    }

    public List<String> names() {
        List<String> names = new ArrayList<>();
        byKey.values().forEach(e -> names.add(nameOf.apply(e)));
        return Collections.unmodifiableList(names);
    }

    public List<T> all() {
        return List.copyOf(byKey.values());
    }
}
