package io.agentwatch.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The {@code server.properties} of a single-node KRaft broker that is also its own controller. */
final class BrokerProperties {
    static final String HOST = "127.0.0.1";

    private BrokerProperties() {
    }

    /**
     * Properties for a combined broker and controller listening on loopback only.
     *
     * @param overrides applied last, so a caller can change any of the defaults
     */
    static Properties of(int brokerPort, int controllerPort, Path logDir, Map<String, String> overrides) {
        return of(brokerPort, controllerPort, logDir, Map.of(), overrides);
    }

    /**
     * @param extraListeners further client listeners by name (e.g. SECURE), with their security
     *     protocol and port; their settings (keystores, SASL) come in {@code overrides} under
     *     {@code listener.name.<name>.}
     */
    static Properties of(int brokerPort, int controllerPort, Path logDir,
                         Map<EmbeddedKafkaBroker.Listener, Integer> extraListeners, Map<String, String> overrides) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
        StringBuilder listeners = new StringBuilder("PLAINTEXT://" + HOST + ":" + brokerPort);
        StringBuilder advertised = new StringBuilder(listeners);
        StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        extraListeners.forEach((listener, port) -> {
            String address = listener.name() + "://" + HOST + ":" + port;
            listeners.append(',').append(address);
            advertised.append(',').append(address);
            protocols.append(',').append(listener.name()).append(':').append(listener.securityProtocol());
        });
        p.setProperty("listeners", listeners + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.setProperty("advertised.listeners", advertised.toString());
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", protocols.toString());
        p.setProperty("log.dirs", logDir.toAbsolutePath().toString());

        // One node: every internal topic must fit on it, or transactions and groups never start.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        // The first group join and the first transaction create these topics; 50 partitions each
        // (the default) cost seconds on a small machine and buy nothing on one node.
        p.setProperty("offsets.topic.num.partitions", "5");
        p.setProperty("transaction.state.log.num.partitions", "5");
        // No one else joins late: do not hold the first rebalance back.
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // As on a production cluster: a misspelt topic name is an error, not a new topic.
        p.setProperty("auto.create.topics.enable", "false");

        p.putAll(overrides);
        return p;
    }

    static void write(Properties properties, Path file) {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(out, "single-node KRaft broker started by agentwatch");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * {@code count} different loopback ports that were free a moment ago (another process may
     * take one before the broker binds it; {@link EmbeddedKafkaBroker} retries with new ports
     * when that happens). The sockets are held open together while they are chosen: one after
     * the other, the system may hand out the same port twice, and the broker refuses two
     * listeners on one port.
     */
    static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // the port is only a suggestion; a socket that will not close keeps it from us, no more
                }
            }
        }
    }
}
