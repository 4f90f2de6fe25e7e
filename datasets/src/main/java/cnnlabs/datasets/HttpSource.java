package cnnlabs.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Files downloaded one by one from the first of several mirrors that has them ({@code base + name + suffix}). */
public record HttpSource(List<String> baseUrls, String suffix) implements FileSource {

    public HttpSource {
        baseUrls = List.copyOf(baseUrls);
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("at least one base URL is needed");
        }
    }

    @Override
    public String description() {
        return String.join(" or ", baseUrls);
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public void fetch(List<String> names, Path targetDir) throws IOException {
        for (String name : names) {
            List<String> failures = new ArrayList<>();
            for (String base : baseUrls) {
                try {
                    HttpDownload.download(base + name + suffix, targetDir.resolve(name + suffix));
                    break;
                } catch (IOException e) {
                    failures.add(e.getMessage());
                }
            }
            if (failures.size() == baseUrls.size()) {
                throw new IOException(String.join("; ", failures));
            }
        }
    }
}
