package cnnlabs.experiments.training;

import cnnlabs.experiments.ConfigException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;
import org.deeplearning4j.optimize.api.TrainingListener;

/**
 * DL4J's own training UI ({@code deeplearning4j-ui}: a Vert.x server on localhost with the score chart, update ratios
 * and layer statistics), fed by a {@code StatsListener} on every fit while it is attached ({@code -Dui=true}). The UI
 * is not in the default build, which stays free of its web server: {@code mvn -Pui} puts it on the class path, and
 * without it {@link #start} says so. Reached through reflection for that reason.
 */
public final class TrainingUi {

    /** The property that turns it on. */
    public static final String PROPERTY = "ui";
    /** DL4J's own property for the port (default 9000). */
    public static final String PORT_PROPERTY = "org.deeplearning4j.ui.port";

    private static final String SERVER = "org.deeplearning4j.ui.api.UIServer";
    private static final String STORAGE = "org.deeplearning4j.ui.model.storage.InMemoryStatsStorage";
    private static final String LISTENER = "org.deeplearning4j.ui.model.stats.StatsListener";

    private static volatile TrainingUi attached;

    private final Object server;
    private final Object storage;
    private final int port;

    private TrainingUi(Object server, Object storage, int port) {
        this.server = server;
        this.storage = storage;
        this.port = port;
    }

    /** Whether DL4J's UI is on the class path (a build with {@code -Pui}). */
    public static boolean installed() {
        try {
            Class.forName(SERVER);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * Starts DL4J's UI server (or takes the running one), attaches fresh in-memory statistics, and makes every later
     * fit report to it until {@link #stop}.
     */
    public static synchronized TrainingUi start() {
        if (attached != null) {
            return attached;
        }
        if (!installed()) {
            throw new ConfigException("-D" + PROPERTY + "=true needs DL4J's training UI, which the default build leaves "
                    + "out. Build and run with the ui profile: mvn -Pui install -DskipTests, then mvn -Pui exec:java "
                    + "-Dexp=NAME -D" + PROPERTY + "=true.");
        }
        try {
            Class<?> serverClass = Class.forName(SERVER);
            Object server = serverClass.getMethod("getInstance").invoke(null);
            Object storage = Class.forName(STORAGE).getConstructor().newInstance();
            method(serverClass, "attach").invoke(server, storage);
            int port = (int) serverClass.getMethod("getPort").invoke(server);
            attached = new TrainingUi(server, storage, port);
            return attached;
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("DL4J's training UI did not start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DL4J's training UI is on the class path but not as expected: " + e, e);
        }
    }

    /** The UI fits report to now, if one was started. */
    public static Optional<TrainingUi> current() {
        return Optional.ofNullable(attached);
    }

    /** The overview page: the score chart, update ratios, the model's summary. */
    public String address() {
        return "http://localhost:" + port + "/train/overview";
    }

    public int port() {
        return port;
    }

    /** A new listener that sends one fit's statistics to the UI. */
    public TrainingListener listener() {
        try {
            for (Constructor<?> c : Class.forName(LISTENER).getConstructors()) {
                if (c.getParameterCount() == 1 && c.getParameterTypes()[0].isInstance(storage)) {
                    return (TrainingListener) c.newInstance(storage);
                }
            }
            throw new IllegalStateException("no StatsListener(StatsStorageRouter) constructor");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create DL4J's StatsListener: " + e, e);
        }
    }

    /** Stops the server; later fits report nowhere. */
    public static synchronized void stop() {
        if (attached == null) {
            return;
        }
        try {
            Class.forName(SERVER).getMethod("stopInstance").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot stop DL4J's training UI: " + e, e);
        } finally {
            attached = null;
        }
    }

    private static Method method(Class<?> type, String name) throws NoSuchMethodException {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1) {
                return m;
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name);
    }
}
