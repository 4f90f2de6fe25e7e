package cnnlabs.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.maven.repository.internal.MavenRepositorySystemUtils;
import org.apache.maven.settings.Mirror;
import org.apache.maven.settings.Profile;
import org.apache.maven.settings.Proxy;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.DefaultSettingsBuilderFactory;
import org.apache.maven.settings.building.DefaultSettingsBuildingRequest;
import org.apache.maven.settings.building.SettingsBuildingException;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;
import org.eclipse.aether.util.repository.AuthenticationBuilder;
import org.eclipse.aether.util.repository.DefaultAuthenticationSelector;
import org.eclipse.aether.util.repository.DefaultMirrorSelector;
import org.eclipse.aether.util.repository.DefaultProxySelector;

/**
 * The kernel's {@code %maven group:artifact[:extension[:classifier]]:version ...}: resolves artifacts with their
 * runtime dependencies as Maven does, with Maven's own resolver and the user's settings: the local repository,
 * {@code <offline>}, mirrors, proxies, servers' plain-text credentials and the repositories of active profiles, from
 * {@code ~/.m2/settings.xml} over the installation's {@code conf/settings.xml}; Maven Central otherwise. Encrypted
 * passwords ({@code settings-security.xml}) are not read.
 */
final class MavenArtifacts {

    static final String CENTRAL = "https://repo.maven.apache.org/maven2/";

    private final Settings settings;
    private final RepositorySystem system;

    private MavenArtifacts(Settings settings) {
        this.settings = settings;
        this.system = new RepositorySystemSupplier().get();
    }

    /** The user's settings ({@code ~/.m2/settings.xml}) over the Maven installation's, where each exists. */
    static MavenArtifacts userSettings() throws IOException {
        Path user = Path.of(System.getProperty("user.home"), ".m2", "settings.xml");
        return fromSettings(user, installationSettings());
    }

    /** {@code user} over {@code global} (either may be null or absent). */
    static MavenArtifacts fromSettings(Path user, Path global) throws IOException {
        DefaultSettingsBuildingRequest request = new DefaultSettingsBuildingRequest();
        if (user != null && Files.isRegularFile(user)) {
            request.setUserSettingsFile(user.toFile());
        }
        if (global != null && Files.isRegularFile(global)) {
            request.setGlobalSettingsFile(global.toFile());
        }
        request.setSystemProperties(System.getProperties());
        request.setUserProperties(new Properties());
        try {
            return new MavenArtifacts(new DefaultSettingsBuilderFactory().newInstance().build(request)
                    .getEffectiveSettings());
        } catch (SettingsBuildingException e) {
            throw new IOException("%maven: cannot read Maven's settings (" + e.getMessage().strip() + ")", e);
        }
    }

    /** {@code conf/settings.xml} of the Maven on this machine: MAVEN_HOME, M2_HOME, or the mvn on the PATH. */
    static Path installationSettings() {
        for (String env : List.of("MAVEN_HOME", "M2_HOME")) {
            String home = System.getenv(env);
            if (home != null && !home.isBlank()) {
                return Path.of(home, "conf", "settings.xml");
            }
        }
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
            Path mvn = Path.of(dir, "mvn");
            if (Files.isExecutable(mvn)) {
                try {
                    return mvn.toRealPath().getParent().getParent().resolve("conf/settings.xml");
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The local repository the settings name, else {@code ~/.m2/repository}. */
    Path localRepository() {
        String local = settings.getLocalRepository();
        return local != null && !local.isBlank() ? Path.of(local)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /**
     * The jar files of {@code coordinates} and of their compile and runtime dependencies, resolved (downloaded into
     * the local repository where needed).
     */
    List<Path> resolve(List<String> coordinates) throws IOException {
        if (coordinates.isEmpty()) {
            throw new IOException("%maven: name at least one artifact, e.g. %maven org.apache.commons:commons-math3:3.6.1");
        }
        DefaultRepositorySystemSession session = session();
        List<RemoteRepository> repositories = system.newResolutionRepositories(session, remotes());
        Set<Path> jars = new LinkedHashSet<>();
        for (String coordinate : coordinates) {
            DefaultArtifact artifact;
            try {
                artifact = new DefaultArtifact(coordinate.strip());
            } catch (IllegalArgumentException e) {
                throw new IOException("%maven: '" + coordinate + "' is not an artifact; write "
                        + "group:artifact:version (or group:artifact:extension:classifier:version), e.g. "
                        + "org.apache.commons:commons-math3:3.6.1");
            }
            CollectRequest collect = new CollectRequest(new Dependency(artifact, JavaScopes.RUNTIME), repositories);
            try {
                for (ArtifactResult r : system.resolveDependencies(session, new DependencyRequest(collect,
                        DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME))).getArtifactResults()) {
                    jars.add(r.getArtifact().getFile().toPath());
                }
            } catch (DependencyResolutionException e) {
                throw new IOException("%maven: cannot resolve " + coordinate + " from " + localRepository()
                        + (session.isOffline() ? " (offline, as Maven's settings say)" : " or "
                        + repositories.stream().map(RemoteRepository::getUrl).toList()) + ": "
                        + rootMessage(e), e);
            }
        }
        return List.copyOf(jars);
    }

    private DefaultRepositorySystemSession session() {
        DefaultRepositorySystemSession session = MavenRepositorySystemUtils.newSession();
        session.setLocalRepositoryManager(system.newLocalRepositoryManager(session,
                new LocalRepository(localRepository().toFile())));
        session.setOffline(settings.isOffline());
        DefaultMirrorSelector mirrors = new DefaultMirrorSelector();
        for (Mirror m : settings.getMirrors()) {
            mirrors.add(m.getId(), m.getUrl(), m.getLayout(), false, m.isBlocked(), m.getMirrorOf(),
                    m.getMirrorOfLayouts());
        }
        session.setMirrorSelector(mirrors);
        DefaultProxySelector proxies = new DefaultProxySelector();
        for (Proxy p : settings.getProxies()) {
            if (p.isActive()) {
                proxies.add(new org.eclipse.aether.repository.Proxy(p.getProtocol(), p.getHost(), p.getPort(),
                        new AuthenticationBuilder().addUsername(p.getUsername()).addPassword(p.getPassword()).build()),
                        p.getNonProxyHosts());
            }
        }
        session.setProxySelector(proxies);
        DefaultAuthenticationSelector auth = new DefaultAuthenticationSelector();
        for (Server s : settings.getServers()) {
            auth.add(s.getId(), new AuthenticationBuilder().addUsername(s.getUsername()).addPassword(s.getPassword())
                    .addPrivateKey(s.getPrivateKey(), s.getPassphrase()).build());
        }
        session.setAuthenticationSelector(auth);
        return session;
    }

    /** Maven Central, then the repositories of the settings' active profiles. */
    private List<RemoteRepository> remotes() {
        List<RemoteRepository> out = new ArrayList<>();
        out.add(new RemoteRepository.Builder("central", "default", CENTRAL).build());
        for (Profile p : settings.getProfiles()) {
            boolean active = settings.getActiveProfiles().contains(p.getId())
                    || (p.getActivation() != null && p.getActivation().isActiveByDefault());
            if (active) {
                p.getRepositories().forEach(r -> out.add(new RemoteRepository.Builder(r.getId(), r.getLayout(),
                        r.getUrl()).build()));
            }
        }
        return out;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage()).strip();
    }
}
