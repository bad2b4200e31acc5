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
 * One run of {@code src/test/registry/run.sh}: builds the registry if needed, starts it, and
 * stops it on {@link #close()}. A failed start is kept as a failure message, so that every
 * test that asks for the registry fails with it.
 */
final class RegistryProcess implements AutoCloseable {

    static final String SCRIPT_PROPERTY = "agentwatch.registry.script";
    static final String TIMEOUT_PROPERTY = "agentwatch.registry.timeout.seconds";

    private static final Logger LOG = LoggerFactory.getLogger(RegistryProcess.class);
    private static final String DEFAULT_SCRIPT = "src/test/registry/run.sh";
    private static final int LOG_TAIL_LINES = 30;

    private final Process process;
    private final String url;
    private final String failure;

    private RegistryProcess(Process process, String url, String failure) {
        this.process = process;
        this.url = url;
        this.failure = failure;
    }

    static RegistryProcess start() {
        Path script = Path.of(System.getProperty(SCRIPT_PROPERTY, DEFAULT_SCRIPT)).toAbsolutePath();
        if (!Files.isRegularFile(script)) {
            return failed("cannot find " + script + ": run the tests from the project directory, or set -D"
                    + SCRIPT_PROPERTY + "=<path of run.sh>");
        }
        Duration timeout = Duration.ofSeconds(Long.getLong(TIMEOUT_PROPERTY, 600));
        Path log = logFile();
        long startNanos = System.nanoTime();
        Process process;
        try {
            // stderr (Maven's output while building, then the registry's audit log, one line
            // per request) goes to a file: an undrained pipe would fill and stall the registry.
            process = new ProcessBuilder("bash", script.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(log.toFile())
                    .start();
        } catch (IOException e) {
            return failed("cannot run " + script + ": " + e.getMessage());
        }
        // Stops the registry also when the test JVM is ended early (Ctrl-C, a fork timeout),
        // when the root store never gets to close it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "apicurio-registry-stop"));
        try {
            String line = firstLineOf(process).get(timeout.toSeconds(), TimeUnit.SECONDS);
            if (line == null || !line.startsWith("http://")) {
                int exit = process.waitFor();
                return failed("run.sh ended with exit code " + exit + " before the registry answered", tail(log));
            }
            LOG.info("Apicurio Registry answers at {} after {} s (first run includes the build); log: {}",
                    line, Duration.ofNanos(System.nanoTime() - startNanos).toMillis() / 1000.0, log);
            return new RegistryProcess(process, line.strip(), null);
        } catch (TimeoutException e) {
            stop(process);
            return failed("no answer within " + timeout.toSeconds() + " s (raise -D" + TIMEOUT_PROPERTY
                    + " on a slow network)", tail(log));
        } catch (ExecutionException e) {
            stop(process);
            return failed("cannot read run.sh's output: " + e.getCause(), tail(log));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(process);
            return failed("interrupted while waiting for the registry");
        }
    }

    /** The registry's Confluent-API base URL; throws the start failure if it did not start. */
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

    private static RegistryProcess failed(String reason) {
        return failed(reason, "");
    }

    private static RegistryProcess failed(String reason, String logTail) {
        String message = "Apicurio Registry (needed by this integration test) could not be started: " + reason
                + ". The test fails rather than skips; leave integration tests out with -DskipITs." + logTail;
        LOG.error(message);
        return new RegistryProcess(null, null, message);
    }

    /** run.sh prints the URL as its only stdout line once the API answers; null if it ends first. */
    private static CompletableFuture<String> firstLineOf(Process process) {
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
        }, "apicurio-registry-stdout");
        reader.setDaemon(true);
        reader.start();
        return firstLine;
    }

    /**
     * SIGTERM (the registry stops in well under a second), then SIGKILL. Descendants first:
     * during the build the process is bash and the work happens in its Maven child.
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

    private static Path logFile() {
        Path dir = Files.isDirectory(Path.of("target")) ? Path.of("target") : Path.of(System.getProperty("java.io.tmpdir"));
        return dir.resolve("apicurio-registry-" + ProcessHandle.current().pid() + ".log").toAbsolutePath();
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
