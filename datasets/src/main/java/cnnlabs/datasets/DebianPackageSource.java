package cnnlabs.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Files inside a Debian package, fetched with {@code apt-get download} and unpacked with
 * {@code dpkg-deb -x} into a scratch directory: nothing is installed and no root is needed (apt's package
 * lists must exist; {@code apt-get update} makes them).
 */
public record DebianPackageSource(String packageName, String dirInPackage) implements FileSource {

    @Override
    public String description() {
        return "Debian package " + packageName;
    }

    @Override
    public String unavailableReason() {
        if (!Commands.onPath("apt-get")) {
            return "apt-get is not on the PATH";
        }
        return Commands.onPath("dpkg-deb") ? null : "dpkg-deb is not on the PATH";
    }

    @Override
    public void fetch(List<String> names, Path targetDir) throws IOException {
        Path scratch = Fetching.scratchDir(targetDir);
        try {
            Commands.run(scratch, List.of("apt-get", "download", packageName));
            Path deb = Fetching.onlyFile(scratch, "*.deb", "apt-get download " + packageName + " produced no .deb file");
            Path unpacked = scratch.resolve("unpacked");
            Commands.run(scratch, List.of("dpkg-deb", "-x", deb.toString(), unpacked.toString()));
            Path dir = unpacked.resolve(dirInPackage);
            for (String name : names) {
                Path found = DataFiles.find(dir, name)
                        .orElseThrow(() -> new IOException(packageName + " has no " + dirInPackage + "/" + name + "[.gz]"));
                try (InputStream in = Files.newInputStream(found)) {
                    Fetching.writeAtomically(in, targetDir.resolve(found.getFileName()));
                }
            }
        } finally {
            Fetching.deleteTree(scratch);
        }
    }
}
