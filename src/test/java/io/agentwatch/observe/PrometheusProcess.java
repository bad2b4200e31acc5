package io.agentwatch.observe;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus server, started from the {@code prometheus} binary for one test: it scrapes
 * one target every second, listens on a free loopback port and keeps its data in a temporary
 * directory that {@link #close()} deletes.
 */
public final class PrometheusProcess implements AutoCloseable {

    static final String INSTALL_HINT =
            "apt-get update && apt-get install -y --no-install-recommends prometheus";

    private static final Path DEBIAN_BINARY = Path.of("/usr/bin/prometheus");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path dir;
    private final URI baseUri;

    private PrometheusProcess(Process process, Path dir, URI baseUri) {
        this.process = process;
        this.dir = dir;
        this.baseUri = baseUri;
    }

    /**
     * Starts Prometheus scraping {@code http://<target><metricsPath>} under job "agentwatch" and
     * returns once it is ready to answer queries.
     *
     * @param target host:port of the metrics endpoint, such as {@code 127.0.0.1:8080}
     * @throws IllegalStateException when the binary is missing, or Prometheus exits or is not ready in time
     */
    public static PrometheusProcess start(String target, String metricsPath) throws IOException {
        Path binary = binary().orElseThrow(() -> new IllegalStateException(
                "prometheus binary not found on PATH or at " + DEBIAN_BINARY
                        + "; install the Debian package: " + INSTALL_HINT));
        Path dir = Files.createTempDirectory("prometheus-");
        Path config = dir.resolve("prometheus.yml");
        // The timeout must not exceed the interval, or Prometheus refuses the configuration.
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: agentwatch
                    metrics_path: %s
                    static_configs:
                      - targets: ["%s"]
                """.formatted(metricsPath, target));
        String listen = "127.0.0.1:" + freePort();
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(List.of(
                binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=" + listen))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        PrometheusProcess prometheus = new PrometheusProcess(process, dir, URI.create("http://" + listen));
        try {
            prometheus.awaitReady();
        } catch (RuntimeException e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    /** Where Prometheus answers, such as {@code http://127.0.0.1:41234}. */
    public URI baseUri() {
        return baseUri;
    }

    public PrometheusClient client() {
        return new PrometheusClient(baseUri);
    }

    /** Prometheus' own log so far, for failure messages. */
    public String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteRecursively(dir);
    }

    private void awaitReady() {
        PrometheusClient client = client();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!client.ready()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + ":\n" + log());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("prometheus not ready within " + START_TIMEOUT + ":\n" + log());
            }
            PrometheusClient.sleep(Duration.ofMillis(200));
        }
    }

    static Optional<Path> binary() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.concat(
                        Stream.of(path.split(File.pathSeparator)).filter(p -> !p.isEmpty()).map(p -> Path.of(p, "prometheus")),
                        Stream.of(DEBIAN_BINARY))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * A port free now on loopback. Another process could take it before Prometheus binds it; then
     * Prometheus exits and {@link #start} reports its log.
     */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
