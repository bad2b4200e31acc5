package io.agentwatch.testing;

import io.agentwatch.App;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.trust.Ed25519;
import io.agentwatch.trust.KeyFiles;
import io.agentwatch.embedded.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code agentwatch run} in a JVM of its own, as an operator runs it: a config file, the
 * command line, a log. Unlike an in-process detector it can be killed outright
 * ({@link #kill()}, {@code kill -9}: no shutdown hook, no last commit), which is what the fault
 * tests need. Each start writes its own log ({@code NAME.log} in the given directory).
 */
public final class AgentwatchProcess implements AutoCloseable {
    private static final Pattern HTTP_PORT = Pattern.compile("HTTP on port (\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final String name;
    private final ChildJvm jvm;
    private final Path log;
    private volatile int httpPort;

    private AgentwatchProcess(String name, ChildJvm jvm, Path log) {
        this.name = name;
        this.jvm = jvm;
        this.log = log;
    }

    /**
     * Writes {@code config} to {@code NAME.properties} in {@code directory} and starts
     * {@code agentwatch run --config} on it; returns at once (see {@link #awaitRunning()}).
     * Commands are signed, as {@code run} requires, with {@code agentwatch.key} of
     * {@code directory} (made on first use, shared by the instances there) unless the config names a key.
     */
    public static AgentwatchProcess start(Path directory, String name, Map<String, String> config) {
        Path configFile = directory.resolve(name + ".properties");
        Properties p = new Properties();
        p.put(AgentwatchConfig.RESPONSE_SIGNING_KEY_FILE, signingKey(directory).toString());
        p.putAll(config);
        try (Writer out = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
            p.store(out, "agentwatch under test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path log = directory.resolve(name + ".log");
        // C1 only: the JVM starts and reaches RUNNING sooner on a busy machine; tests never need peak throughput.
        ChildJvm jvm = ChildJvm.start(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError"), App.class,
                List.of("run", "--config", configFile.toString()), log);
        return new AgentwatchProcess(name, jvm, log);
    }

    private static synchronized Path signingKey(Path directory) {
        Path key = directory.resolve("agentwatch.key");
        if (!Files.exists(key)) {
            KeyFiles.write(Ed25519.generate(), key, directory.resolve("agentwatch.pub"));
        }
        return key;
    }

    /** Waits until the process serves HTTP and its Kafka Streams is RUNNING (GET /ready answers 200). */
    public AgentwatchProcess awaitRunning() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (httpPort == 0 || get("/ready").status() != 200) {
            if (!jvm.isAlive()) {
                throw new AssertionError(name + " exited with " + jvm.exitValue() + " while starting; log " + log
                        + ":\n" + logText());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " not RUNNING within " + START_TIMEOUT.toSeconds() + " s; log " + log);
            }
            if (httpPort == 0) {
                Matcher m = HTTP_PORT.matcher(logText());
                if (m.find()) {
                    httpPort = Integer.parseInt(m.group(1));
                }
            }
            Thread.sleep(200);
        }
        return this;
    }

    public String name() {
        return name;
    }

    /** The HTTP port the process listens on; known once {@link #awaitRunning()} returned. */
    public int httpPort() {
        return httpPort;
    }

    public long pid() {
        return jvm.pid();
    }

    public boolean isAlive() {
        return jvm.isAlive();
    }

    /** {@code kill -9}: the process dies at once, mid-transaction, without closing anything. */
    public void kill() throws InterruptedException {
        jvm.kill();
    }

    /** Waits at most {@code max} for the process to exit on its own; its exit code, or empty. */
    public OptionalInt awaitExit(Duration max) throws InterruptedException {
        return jvm.waitFor(max);
    }

    /** An HTTP answer; status 0 when the server did not answer (the body then says why). */
    public record Reply(int status, String body) {
    }

    /** GET on this instance's HTTP server. */
    public Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Reply post(String path, String authorization) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    public Path log() {
        return log;
    }

    /** Stops the process (SIGTERM, as a supervisor would) if it still runs. */
    @Override
    public void close() {
        jvm.stop(Duration.ofSeconds(30));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    private static Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Reply(0, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
