package cnnlabs.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Files inside a .tar.gz archive at a URL (e.g. the CIFAR-10 binary archive): downloaded with progress,
 * checked against the archive's official checksum, then only the wanted entries are extracted.
 */
public record TarGzArchiveSource(String url, Checksum archiveChecksum, String dirInArchive) implements FileSource {

    @Override
    public String description() {
        return url;
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public void fetch(List<String> names, Path targetDir) throws IOException {
        Path scratch = Fetching.scratchDir(targetDir);
        try {
            Path archive = scratch.resolve("archive.tar.gz");
            HttpDownload.download(url, archive);
            MessageDigest digest = archiveChecksum.newDigest();
            try (InputStream in = new DigestInputStream(Files.newInputStream(archive), digest)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            if (!archiveChecksum.matches(digest.digest())) {
                throw new IOException("the archive downloaded from " + url + " does not have the official "
                        + archiveChecksum.algorithm() + " " + archiveChecksum.hex() + " (incomplete or altered download)");
            }
            Map<String, Path> targets = new LinkedHashMap<>();
            for (String name : names) {
                targets.put(dirInArchive + "/" + name, targetDir.resolve(name));
            }
            Archives.extractTarGz(archive, targets);
        } finally {
            Fetching.deleteTree(scratch);
        }
    }
}
