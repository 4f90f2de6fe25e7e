package cnnlabs.kernel;

import cnnlabs.notebooks.JavaSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/**
 * What Jupyter starts (the {@code argv} of the {@code kernel.json} that {@link InstallKernel} writes): reads the
 * connection file Jupyter names, binds the kernel's five sockets, and serves cells until Jupyter shuts it down.
 */
public final class KernelMain {

    private KernelMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            fail("the cnnlabs kernel takes one argument, the connection file Jupyter writes ({connection_file} in "
                    + "kernel.json); got " + args.length + ". Start it from Jupyter after installing it with "
                    + "'mvn -q -pl kernel exec:java -Dkernel.exec.skip=false'.");
            return;
        }
        Path file = Path.of(args[0]);
        KernelConnectionProperties properties;
        try {
            properties = KernelConnectionProperties.parse(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            fail("cannot read the connection file " + file + " (" + e.getMessage() + "). Jupyter writes it when it "
                    + "starts a kernel; start the kernel from Jupyter.");
            return;
        }
        JupyterConnection connection;
        try {
            connection = new JupyterConnection(properties);
        } catch (GeneralSecurityException e) {
            fail("the connection file " + file + " has a signature scheme or key this JVM cannot use ("
                    + e.getMessage() + ").");
            return;
        }
        CnnlabsKernel kernel = new CnnlabsKernel(JavaSession.here());
        kernel.onStartup();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
    }

    private static void fail(String message) {
        System.err.println("ERROR: " + message);
        System.exit(2); // main only: the kernel process's exit status
    }
}
