package cnnlabs.training;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.deeplearning4j.optimize.api.TrainingListener;

/**
 * DL4J's own training UI ({@code deeplearning4j-ui}: a Vert.x server on localhost with the score chart, update ratios
 * and layer statistics), fed by a {@code StatsListener} on each fit that has its {@link #callback()}. The UI is an
 * optional dependency (cnnlabs' default build leaves its web server out), so it is reached through reflection:
 * {@link #installed()} says whether it is on the class path.
 */
public final class TrainingUi {

    /** DL4J's own property for the port (default 9000). */
    public static final String PORT_PROPERTY = "org.deeplearning4j.ui.port";

    private static final String SERVER = "org.deeplearning4j.ui.api.UIServer";
    private static final String STORAGE = "org.deeplearning4j.ui.model.storage.InMemoryStatsStorage";
    private static final String LISTENER = "org.deeplearning4j.ui.model.stats.StatsListener";

    private final Object storage;
    private final int port;

    private TrainingUi(Object storage, int port) {
        this.storage = storage;
        this.port = port;
    }

    /** Whether DL4J's UI is on the class path. */
    public static boolean installed() {
        try {
            Class.forName(SERVER);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Starts DL4J's UI server (or takes the running one) and attaches fresh in-memory statistics to it. */
    public static TrainingUi start() {
        if (!installed()) {
            throw new IllegalStateException("DL4J's training UI (org.deeplearning4j:deeplearning4j-ui) is not on the "
                    + "class path");
        }
        try {
            Class<?> serverClass = Class.forName(SERVER);
            Object server = serverClass.getMethod("getInstance").invoke(null);
            Object storage = Class.forName(STORAGE).getConstructor().newInstance();
            method(serverClass, "attach").invoke(server, storage);
            return new TrainingUi(storage, (int) serverClass.getMethod("getPort").invoke(server));
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("DL4J's training UI did not start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DL4J's training UI is on the class path but not as expected: " + e, e);
        }
    }

    /** The overview page: the score chart, update ratios, the model's summary. */
    public String address() {
        return "http://localhost:" + port + "/train/overview";
    }

    public int port() {
        return port;
    }

    /** A callback that sends each fit it is given to (a fresh one per fit) to this UI. */
    public Callback callback() {
        return new Callback() {
            @Override
            public void onTrainStart(Fit fit) {
                fit.listen(listener());
            }
        };
    }

    /** A new listener that sends one fit's statistics to the UI. */
    TrainingListener listener() {
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

    /** Stops DL4J's UI server. */
    public static void stop() {
        try {
            Class.forName(SERVER).getMethod("stopInstance").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot stop DL4J's training UI: " + e, e);
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
