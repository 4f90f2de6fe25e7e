package cnnlabs.settings;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one parser of {@code -D} settings: turns properties into an experiment's settings record, describes a record
 * for {@code -Dhelp} and {@code config.json}, and tells a misspelt or misplaced setting from the JVM's and Maven's own
 * properties.
 *
 * <p>A settings record's components are either settings ({@link Setting}: a key, help, an example; of type int,
 * long, double, boolean, String or an enum) or other settings records, composed (their settings are the outer
 * record's). Values are validated by the records' constructors, which throw {@link ConfigException}; a value that
 * does not parse is one too, naming the key, the value and an example.
 */
public final class SettingsParser {

    private SettingsParser() {
    }

    /** One setting of a record: its key, current value, help and example. */
    public record Described(String key, Object value, String help, String example) {
    }

    /** {@code defaults} with every one of its settings that {@code props} holds applied. */
    public static <R extends Record> R parse(R defaults, Properties props) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : keys(defaults)) {
            String value = props.getProperty(key);
            if (value != null) {
                values.put(key, value);
            }
        }
        return with(defaults, values);
    }

    /**
     * {@code settings} with {@code values} (key to the value as typed on a command line) applied; a key that is not
     * one of its settings is a {@link ConfigException}.
     */
    public static <R extends Record> R with(R settings, Map<String, String> values) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(keys(settings));
        if (!unknown.isEmpty()) {
            throw new ConfigException("Unknown setting " + String.join(", ", unknown.stream().map(k -> "-D" + k)
                    .toList()) + ". Valid settings: " + String.join(", ", keys(settings)) + ".");
        }
        return rebuild(settings, values);
    }

    @SuppressWarnings("unchecked")
    private static <R extends Record> R rebuild(R settings, Map<String, String> values) {
        RecordComponent[] components = settings.getClass().getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        boolean changed = false;
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            Object current = get(settings, c);
            Setting setting = c.getAnnotation(Setting.class);
            if (setting != null) {
                String value = values.get(setting.key());
                args[i] = value == null ? current : convert(setting, c.getType(), value.strip());
                changed |= value != null;
            } else if (current instanceof Record nested) {
                args[i] = rebuild(nested, values);
                changed |= args[i] != current;
            } else {
                args[i] = current; // not a setting: kept as the defaults have it
            }
        }
        if (!changed) {
            return settings;
        }
        try {
            Constructor<?> constructor = settings.getClass().getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return (R) constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // the record's own validation: a ConfigException naming the setting
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + settings.getClass().getName(), e);
        }
    }

    private static Object get(Record r, RecordComponent c) {
        try {
            c.getAccessor().setAccessible(true);
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass().getName(), e);
        }
    }

    private static Object convert(Setting setting, Class<?> type, String value) {
        try {
            if (type == int.class || type == Integer.class) {
                return Integer.parseInt(value.replace("_", ""));
            }
            if (type == long.class || type == Long.class) {
                return Long.parseLong(value.replace("_", ""));
            }
            if (type == double.class || type == Double.class) {
                double d = Double.parseDouble(value);
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException(value);
                }
                return d;
            }
            if (type == boolean.class || type == Boolean.class) {
                if (value.isEmpty()) {
                    return true; // a switch given without a value: -Dhelp
                }
                if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(value);
                }
                throw invalid(setting.key(), value, "true or false", setting.example());
            }
            if (type == String.class) {
                return value;
            }
            if (type.isEnum()) {
                for (Object constant : type.getEnumConstants()) {
                    if (((Enum<?>) constant).name().equalsIgnoreCase(value.replace('-', '_'))) {
                        return constant;
                    }
                }
                throw invalid(setting.key(), value, "one of " + enumNames(type), setting.example());
            }
        } catch (NumberFormatException e) {
            boolean whole = type == int.class || type == long.class || type == Integer.class || type == Long.class;
            throw invalid(setting.key(), value, whole ? "a whole number" : "a number", setting.example());
        }
        throw new IllegalStateException("setting -D" + setting.key() + " has a type the parser does not read: " + type);
    }

    private static String enumNames(Class<?> type) {
        List<String> names = new ArrayList<>();
        for (Object constant : type.getEnumConstants()) {
            names.add(((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return String.join(", ", names);
    }

    /** Every setting of {@code settings}, composed ones in place, with its value, help and example. */
    public static List<Described> describe(Record settings) {
        List<Described> out = new ArrayList<>();
        for (RecordComponent c : settings.getClass().getRecordComponents()) {
            Object value = get(settings, c);
            Setting setting = c.getAnnotation(Setting.class);
            if (setting != null) {
                out.add(new Described(setting.key(), value, setting.help(), setting.example()));
            } else if (value instanceof Record nested) {
                out.addAll(describe(nested));
            }
        }
        return out;
    }

    /** The keys of {@code settings}' settings, in order. */
    public static List<String> keys(Record settings) {
        return describe(settings).stream().map(Described::key).toList();
    }

    /** Key to value for every setting of {@code settings}: what {@code config.json} holds. */
    public static Map<String, Object> values(Record settings) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Described d : describe(settings)) {
            out.put(d.key(), d.value() instanceof Enum<?> ? shortest(d.value()) : d.value());
        }
        return out;
    }

    /**
     * Rejects a property in {@code props} that looks meant for cnnlabs but is none of {@code valid}: one that is
     * another experiment's setting ({@code elsewhere}: key to where it belongs), starts with {@code cnnlabs.}, or is
     * a near miss of a valid key ({@code -Dbatch_size}, {@code -Depoch}); the message says what was probably meant
     * and lists the valid settings. Every other property (the JVM's, Maven's) is left alone.
     */
    public static void rejectUnknown(Properties props, String experiment, Collection<String> valid,
                                     Map<String, String> elsewhere) {
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            if (valid.contains(key)) {
                continue;
            }
            String list = " Valid settings of " + experiment + ": " + String.join(", ", valid.stream()
                    .map(k -> "-D" + k).toList()) + " (mvn exec:java -Dexp=" + experiment + " -Dhelp explains them).";
            if (elsewhere.containsKey(key)) {
                throw new ConfigException("-D" + key + " is not a setting of " + experiment + " (it belongs to "
                        + elsewhere.get(key) + "), so it would be ignored." + list);
            }
            String near = nearest(key, valid);
            if (near != null) {
                throw new ConfigException("Unknown setting -D" + key + ": did you mean -D" + near + "?" + list);
            }
            if (key.startsWith("cnnlabs.")) {
                throw new ConfigException("Unknown setting -D" + key + "." + list);
            }
        }
    }

    /** The valid key {@code key} is a near miss of, or null: the same but for case and separators, or one or two edits. */
    static String nearest(String key, Collection<String> valid) {
        String k = normalise(key);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String v : valid) {
            String n = normalise(v);
            int distance = k.equals(n) ? 0 : editDistance(k, n);
            int allowed = k.equals(n) ? 0 : n.length() < 4 || k.length() < 4 ? -1 : n.length() >= 8 ? 2 : 1;
            if (distance <= allowed && distance < bestDistance) {
                best = v;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static String normalise(String key) {
        return key.toLowerCase(Locale.ROOT).replace(".", "").replace("_", "").replace("-", "");
    }

    /** Levenshtein distance. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    /**
     * Throws the invalid-value {@link ConfigException} for {@code -Dkey} unless {@code ok}: for records' constructors.
     */
    public static void require(boolean ok, String key, Object value, String expected, String example) {
        if (!ok) {
            throw invalid(key, shortest(value), expected, example);
        }
    }

    private static ConfigException invalid(String key, String value, String expected, String example) {
        return new ConfigException("Invalid value '" + value + "' for -D" + key + ": expected " + expected
                + ", e.g. -D" + key + "=" + example + ". Leave it out to use the experiment's default.");
    }

    /** A value as a command line writes it: numbers as briefly as they can be (0, not 0.0; 0.0001, not 1.0E-4). */
    public static String shortest(Object value) {
        if (value instanceof Double d && Double.isFinite(d)) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Labelled l) {
            return l.label(); // e.g. metric names as metrics.csv writes them: val_loss
        }
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        return String.valueOf(value);
    }
}
