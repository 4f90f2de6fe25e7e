package cnnlabs.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Downloads a URL to a file, logging progress every 10% (or every 16 MB when the size is unknown). */
public final class HttpDownload {

    private static final Logger log = LoggerFactory.getLogger(HttpDownload.class);
    private static final long UNKNOWN_SIZE_STEP = 16L << 20;

    private HttpDownload() {
    }

    public static void download(String url, Path target) throws IOException {
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2)).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + url, e);
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IOException("cannot reach " + url + ": " + why, e);
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException(url + " answered HTTP " + response.statusCode());
            }
            long size = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            log.info("Downloading {} ({})", url, size > 0 ? String.format("%.1f MB", size / 1e6) : "size unknown");
            copyWithProgress(body, tmp, size, target.getFileName().toString());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void copyWithProgress(InputStream in, Path out, long size, String name) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long done = 0;
        long nextReport = size > 0 ? size / 10 : UNKNOWN_SIZE_STEP;
        long start = System.nanoTime();
        try (OutputStream os = Files.newOutputStream(out)) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                os.write(buffer, 0, n);
                done += n;
                if (done >= nextReport) {
                    double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
                    if (size > 0) {
                        log.info("  {}: {}% ({} of {} MB, {} MB/s)", name, done * 100 / size, done >> 20, size >> 20,
                                String.format("%.1f", done / 1e6 / seconds));
                        nextReport += size / 10;
                    } else {
                        log.info("  {}: {} MB", name, done >> 20);
                        nextReport += UNKNOWN_SIZE_STEP;
                    }
                }
            }
        }
        if (size > 0 && done != size) {
            throw new IOException("download of " + name + " ended after " + done + " of " + size + " bytes");
        }
    }
}
