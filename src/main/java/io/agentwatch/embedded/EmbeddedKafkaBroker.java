package io.agentwatch.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) running in a
 * child JVM, for the {@code demo} command and end-to-end tests.
 *
 * <p>The child runs the broker from the jars on this JVM's class path with a plain
 * {@code server.properties}, as an operator would, rather than Kafka's in-process test kit, which
 * enables unreleased features and swaps in test fault handlers. The broker listens on free
 * loopback ports and keeps its data, and its log, in a temporary directory that {@link #close()}
 * deletes. A JVM shutdown hook closes it too, so Ctrl-C does not leave a broker behind, but last:
 * it waits for the owner to close it after its clients; if this JVM is killed outright, the
 * broker notices its parent is gone and stops (see {@link KafkaBrokerMain}).
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
 *     props.put("bootstrap.servers", broker.bootstrapServers());
 *     ...
 * }
 * }</pre>
 *
 * <p>Exactly-once works: the transaction and offset topics are created with one replica.
 * Topics are not created automatically, as on most production clusters: create them first
 * ({@code TopicSetup}).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** Longest wait for the broker to answer; generous because other builds may share the CPUs. */
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    /** How long the shutdown hook waits for the owner to close the broker before it stops it itself. */
    private static final Duration OWNER_CLOSE_GRACE = Duration.ofSeconds(20);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final int PORT_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 40;

    private final Path directory;
    private final int brokerPort;
    private final Map<Listener, Integer> extraPorts;
    private final String clusterId;
    private volatile ChildJvm child;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private volatile Duration startupTime;

    /**
     * A client listener besides PLAINTEXT, such as {@code new Listener("SECURE", "SASL_SSL")}: its
     * port is picked at start ({@link #bootstrapServers(Listener)}), its settings go in the
     * server properties under {@code listener.name.secure.}. The broker itself, and the check
     * that it is ready, keep using PLAINTEXT.
     */
    public record Listener(String name, String securityProtocol) {
    }

    private EmbeddedKafkaBroker(Path directory, int brokerPort, Map<Listener, Integer> extraPorts, String clusterId,
                                ChildJvm child) {
        this.directory = directory;
        this.brokerPort = brokerPort;
        this.extraPorts = extraPorts;
        this.clusterId = clusterId;
        this.child = child;
        this.shutdownHook = new Thread(this::stopLast, "embedded-kafka-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a broker with the default settings and waits until it answers. */
    public static EmbeddedKafkaBroker start() {
        return start(Map.of());
    }

    /**
     * Starts a broker and waits until it answers.
     *
     * @param serverProperties broker settings that override the defaults (for example
     *     {@code num.partitions}); the listeners and {@code log.dirs} are best left alone
     * @throws IllegalStateException if the broker does not answer within {@link #READY_TIMEOUT};
     *     the message ends with the last lines of the broker's log
     */
    public static EmbeddedKafkaBroker start(Map<String, String> serverProperties) {
        return start(serverProperties, List.of());
    }

    /** As {@link #start(Map)}, with further client listeners (TLS, SASL) on ports of their own. */
    public static EmbeddedKafkaBroker start(Map<String, String> serverProperties, List<Listener> extraListeners) {
        long startNanos = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            EmbeddedKafkaBroker broker = launch(serverProperties, extraListeners);
            try {
                broker.awaitReady(startNanos + READY_TIMEOUT.toNanos());
            } catch (RuntimeException e) {
                boolean portTaken = broker.lostPortRace();
                broker.close();
                if (!portTaken || attempt == PORT_ATTEMPTS) {
                    throw e;
                }
                LOG.warn("another process took the port chosen for the embedded Kafka broker; retrying with new ports");
                continue;
            }
            broker.startupTime = Duration.ofNanos(System.nanoTime() - startNanos);
            LOG.info("Kafka broker (pid {}) ready at {} after {} ms; broker log: {}",
                    broker.child.pid(), broker.bootstrapServers(), broker.startupTime.toMillis(), broker.logFile());
            return broker;
        }
    }

    private static EmbeddedKafkaBroker launch(Map<String, String> overrides, List<Listener> extraListeners) {
        Path directory = createDirectory();
        try {
            int[] ports = BrokerProperties.freePorts(2 + extraListeners.size());
            int brokerPort = ports[0];
            int controllerPort = ports[1];
            Map<Listener, Integer> extraPorts = new java.util.LinkedHashMap<>();
            for (int i = 0; i < extraListeners.size(); i++) {
                extraPorts.put(extraListeners.get(i), ports[2 + i]);
            }
            BrokerProperties.write(BrokerProperties.of(brokerPort, controllerPort, directory.resolve("data"), extraPorts,
                    overrides), directory.resolve("server.properties"));
            String clusterId = Uuid.randomUuid().toString();
            ChildJvm child = startChild(directory, clusterId);
            LOG.debug("started Kafka broker child JVM {} in {}", child.pid(), directory);
            return new EmbeddedKafkaBroker(directory, brokerPort, extraPorts, clusterId, child);
        } catch (RuntimeException e) {
            TempDirectories.deleteRecursively(directory);
            throw e;
        }
    }

    /** {@code host:port} of a listener given at start. */
    public String bootstrapServers(Listener listener) {
        Integer port = extraPorts.get(listener);
        if (port == null) {
            throw new IllegalArgumentException("the broker was started without listener " + listener);
        }
        return BrokerProperties.HOST + ":" + port;
    }

    /** The broker's JVM on the properties in {@code directory}; appends to its log, so a restart keeps the old lines. */
    private static ChildJvm startChild(Path directory, String clusterId) {
        List<String> jvmOptions = List.of(
                "-Xmx512m",
                // C1 only: the broker answers in 2-3 s instead of 3-6 s on two busy cores. It
                // costs peak throughput, which a demo or a test never needs; benchmark elsewhere.
                "-XX:TieredStopAtLevel=1",
                // A broker out of heap should die, and be reported, rather than limp on.
                "-XX:+ExitOnOutOfMemoryError",
                "-Dlogback.configurationFile=" + writeLogbackConfig(directory));
        return ChildJvm.start(jvmOptions, KafkaBrokerMain.class,
                List.of(directory.resolve("server.properties").toString(), clusterId), directory.resolve("broker.log"));
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return BrokerProperties.HOST + ":" + brokerPort;
    }

    /** The broker's own log (its stdout and stderr); deleted by {@link #close()}. */
    public Path logFile() {
        return directory.resolve("broker.log");
    }

    /** The temporary directory holding the broker's data, configuration and log. */
    public Path directory() {
        return directory;
    }

    /** From the call to {@link #start()} until the broker answered. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The broker's process, for tests that check it is gone. */
    ProcessHandle process() {
        return child.handle();
    }

    /**
     * Stops the broker process (controlled shutdown, as an operator's restart does) and keeps its
     * data and ports, so {@link #restart()} brings the same broker back: for tests of a broker
     * outage. Clients see the broker gone until then.
     */
    public void stop() {
        child.stop(STOP_GRACE);
        LOG.info("Kafka broker at {} stopped; its data is kept for a restart", bootstrapServers());
    }

    /** Starts the broker stopped by {@link #stop()} again, on the same ports and data, and waits until it answers. */
    public void restart() {
        if (child.isAlive()) {
            throw new IllegalStateException("the broker at " + bootstrapServers() + " is running: stop() it first");
        }
        long startNanos = System.nanoTime();
        child = startChild(directory, clusterId);
        awaitReady(startNanos + READY_TIMEOUT.toNanos());
        LOG.info("Kafka broker at {} restarted in {} ms", bootstrapServers(),
                (System.nanoTime() - startNanos) / 1_000_000);
    }

    /** Stops the broker (SIGTERM, then a kill after 15 s) and deletes its directory. Idempotent. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or about to run: it waits for this close, and closed makes that harmless.
        }
        stopAndDelete();
    }

    /**
     * The JVM is exiting (Ctrl-C, SIGTERM, the end of main). The owner's own shutdown path
     * (the demo's, a test's) closes its clients and then this broker; were the broker stopped
     * first, those clients would retry it until their timeouts, with a warning per retry. So
     * the hook waits for that close, and stops the broker itself only when nobody does.
     */
    private void stopLast() {
        try {
            if (closedLatch.await(OWNER_CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopAndDelete();
    }

    private void stopAndDelete() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            child.stop(STOP_GRACE);
            TempDirectories.deleteRecursively(directory);
            LOG.info("Kafka broker at {} stopped", bootstrapServers());
        } finally {
            closedLatch.countDown();
        }
    }

    private void awaitReady(long deadlineNanos) {
        // Wait for the port before asking an Admin client: it would log a warning per refused connection.
        while (!acceptsConnections()) {
            checkStillStarting(deadlineNanos, "the broker did not open port " + brokerPort);
            sleep(POLL_INTERVAL);
        }
        // The port opens before the broker has joined its own quorum; an answer to
        // describeCluster means it has, and is serving requests.
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "embedded-broker-readiness"))) {
            Exception lastError = null;
            while (true) {
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(1_000)).nodes().get();
                    return;
                } catch (ExecutionException e) {
                    lastError = e;
                    sleep(POLL_INTERVAL);
                }
                checkStillStarting(deadlineNanos, "the broker did not answer describeCluster (last error: "
                        + lastError.getCause() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the embedded Kafka broker to start", e);
        }
    }

    private void checkStillStarting(long deadlineNanos, String timeoutReason) {
        if (!child.isAlive()) {
            throw startFailure("the broker process exited with code " + child.exitValue() + " while starting");
        }
        if (System.nanoTime() > deadlineNanos) {
            throw startFailure(timeoutReason + " within " + READY_TIMEOUT.toSeconds() + " s");
        }
    }

    private IllegalStateException startFailure(String reason) {
        return new IllegalStateException("Embedded Kafka broker did not start: " + reason + ". Last lines of "
                + logFile() + " (deleted on close):\n" + logTail());
    }

    private boolean lostPortRace() {
        return !child.isAlive() && logTail().contains("Address already in use");
    }

    private String logTail() {
        try (Stream<String> lines = Files.lines(logFile(), StandardCharsets.UTF_8)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - LOG_TAIL_LINES), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read the broker log: " + e + ")";
        }
    }

    private boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(BrokerProperties.HOST, brokerPort), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path createDirectory() {
        try {
            return Files.createTempDirectory("agentwatch-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the embedded Kafka broker", e);
        }
    }

    /** The broker logs to stdout (a file, see {@link ChildJvm}), at INFO, whatever logback.xml the class path has. */
    private static Path writeLogbackConfig(Path directory) {
        String config = """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """;
        Path file = directory.resolve("broker-logback.xml");
        try {
            Files.writeString(file, config, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private static void sleep(Duration duration) {
        try {
            TimeUnit.MILLISECONDS.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the embedded Kafka broker to start", e);
        }
    }
}
