package io.agentwatch.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a server's {@code run.sh} (the schema registry's, Keycloak's): it prepares the
 * server if needed (a build, a download, cached), starts it and prints its URL as its only
 * stdout line; {@link #close()} stops it. A failed start is kept as a failure message, so that
 * every test that asks for the server fails with it.
 */
final class ScriptedServer implements AutoCloseable {

    /**
     * What to run: {@code name} for messages and the log file, the script (overridable with the
     * system property {@code scriptProperty}) and the time it may take (seconds, property
     * {@code timeoutProperty}).
     */
    record Spec(String name, String logName, String defaultScript, String scriptProperty, String timeoutProperty,
                long defaultTimeoutSeconds) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ScriptedServer.class);
    private static final int LOG_TAIL_LINES = 30;

    private final Process process;
    private final String url;
    private final String failure;

    private ScriptedServer(Process process, String url, String failure) {
        this.process = process;
        this.url = url;
        this.failure = failure;
    }

    static ScriptedServer start(Spec spec) {
        Path script = Path.of(System.getProperty(spec.scriptProperty(), spec.defaultScript())).toAbsolutePath();
        if (!Files.isRegularFile(script)) {
            return failed(spec, "cannot find " + script + ": run the tests from the project directory, or set -D"
                    + spec.scriptProperty() + "=<path of run.sh>");
        }
        Duration timeout = Duration.ofSeconds(Long.getLong(spec.timeoutProperty(), spec.defaultTimeoutSeconds()));
        Path log = logFile(spec);
        long startNanos = System.nanoTime();
        Process process;
        try {
            // stderr (Maven's output while preparing, then the server's log) goes to a file: an
            // undrained pipe would fill and stall the server.
            process = new ProcessBuilder("bash", script.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(log.toFile())
                    .start();
        } catch (IOException e) {
            return failed(spec, "cannot run " + script + ": " + e.getMessage());
        }
        // Stops the server also when the test JVM is ended early (Ctrl-C, a fork timeout),
        // when the root store never gets to close it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), spec.logName() + "-stop"));
        try {
            String line = firstLineOf(process, spec).get(timeout.toSeconds(), TimeUnit.SECONDS);
            if (line == null || !line.startsWith("http://")) {
                int exit = process.waitFor();
                return failed(spec, "run.sh ended with exit code " + exit + " before the server answered", tail(log));
            }
            LOG.info("{} answers at {} after {} s (a first run includes preparing it); log: {}", spec.name(),
                    line, Duration.ofNanos(System.nanoTime() - startNanos).toMillis() / 1000.0, log);
            return new ScriptedServer(process, line.strip(), null);
        } catch (TimeoutException e) {
            stop(process);
            return failed(spec, "no answer within " + timeout.toSeconds() + " s (raise -D" + spec.timeoutProperty()
                    + " on a slow network)", tail(log));
        } catch (ExecutionException e) {
            stop(process);
            return failed(spec, "cannot read run.sh's output: " + e.getCause(), tail(log));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(process);
            return failed(spec, "interrupted while waiting for the server");
        }
    }

    /** The URL run.sh printed; throws the start failure if the server did not start. */
    String url() {
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return url;
    }

    @Override
    public void close() {
        if (process != null) {
            stop(process);
        }
    }

    private static ScriptedServer failed(Spec spec, String reason) {
        return failed(spec, reason, "");
    }

    private static ScriptedServer failed(Spec spec, String reason, String logTail) {
        String message = spec.name() + " (needed by this integration test) could not be started: " + reason
                + ". The test fails rather than skips; leave integration tests out with -DskipITs." + logTail;
        LOG.error(message);
        return new ScriptedServer(null, null, message);
    }

    /** run.sh prints the URL as its only stdout line once the server answers; null if it ends first. */
    private static CompletableFuture<String> firstLineOf(Process process, Spec spec) {
        CompletableFuture<String> firstLine = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                firstLine.complete(out.readLine());
                while (out.readLine() != null) {
                    // Keep draining until run.sh's stdout closes.
                }
            } catch (IOException e) {
                firstLine.completeExceptionally(e);
            }
        }, spec.logName() + "-stdout");
        reader.setDaemon(true);
        reader.start();
        return firstLine;
    }

    /**
     * SIGTERM, then SIGKILL. Descendants first: the process is bash, and the work happens in its
     * children (Maven while preparing, the server's JVM).
     */
    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static Path logFile(Spec spec) {
        Path dir = Files.isDirectory(Path.of("target")) ? Path.of("target") : Path.of(System.getProperty("java.io.tmpdir"));
        return dir.resolve(spec.logName() + "-" + ProcessHandle.current().pid() + ".log").toAbsolutePath();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "\nLast lines of " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return " (its log " + log + " is unreadable: " + e + ")";
        }
    }
}
