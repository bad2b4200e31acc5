package io.agentwatch.runtime;

import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.kafka.TopicSetup;
import io.agentwatch.topology.AgentwatchTopology;
import io.agentwatch.topology.MonitorServices;
import io.agentwatch.topology.TopicNames;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector running against a cluster: checks that the input topics exist and are
 * co-partitioned, builds the topology, starts Kafka Streams and reports how it ended. An
 * exception that escapes the dead-letter handlers (a registry outage, a broker problem) shuts
 * the client down, so a supervisor restarts it and the records are retried: nothing is skipped.
 * So does a cluster that has not answered for longer than {@code task.timeout.ms}
 * ({@link ClusterWatch}).
 */
public final class DetectorService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DetectorService.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final CloseOptions closeOptions;
    private final ClusterWatch clusterWatch;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean failed;
    private volatile String failure;

    private DetectorService(KafkaStreams streams, CloseOptions closeOptions, Properties props) {
        this.streams = streams;
        this.closeOptions = closeOptions;
        this.clusterWatch = new ClusterWatch(Admin.create(adminProperties(props)),
                Duration.ofMillis(new StreamsConfig(props).getLong(StreamsConfig.TASK_TIMEOUT_MS_CONFIG)), this::fail);
    }

    /**
     * @param applicationServer host:port of this instance's HTTP server, for interactive queries
     *                          routed between instances; null when there is none
     */
    public static DetectorService start(AgentwatchConfig config, MonitorServices services, String applicationServer) {
        Properties props = AgentwatchTopology.streamsProperties(config, services.observer());
        if (applicationServer != null) {
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        }
        if (props.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) == null) {
            throw new IllegalArgumentException("no Kafka cluster configured: set kafka.bootstrap.servers in the config"
                    + " file or AGENTWATCH_KAFKA_BOOTSTRAP_SERVERS");
        }
        verifyInputs(config, props);
        KafkaStreams streams = new KafkaStreams(AgentwatchTopology.build(config, services), props);
        DetectorService service = new DetectorService(streams, closeOptions(props), props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("Stream thread failed; shutting down so a restart can retry from the last commit", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR) {
                service.fail("Kafka Streams went to ERROR");
            } else if (now == KafkaStreams.State.NOT_RUNNING) {
                service.stopped.countDown();
            }
        });
        streams.start();
        service.clusterWatch.start();
        return service;
    }

    private void fail(String why) {
        LOG.error("{}: stopping, so that a supervisor restarts agentwatch", why);
        failure = why;
        failed = true;
        stopped.countDown();
    }

    /**
     * Kafka Streams' consumers stay in the group when closed, so their partitions would wait a
     * whole session timeout before another instance takes them over. A dynamic member leaves on
     * close, and the group rebalances at once. A static member ({@code group.instance.id}) stays:
     * its restart takes its own tasks back without any rebalance.
     */
    private static CloseOptions closeOptions(Properties props) {
        String key = ConsumerConfig.GROUP_INSTANCE_ID_CONFIG;
        boolean staticMember = props.get(key) != null || props.get(StreamsConfig.consumerPrefix(key)) != null
                || props.get(StreamsConfig.mainConsumerPrefix(key)) != null;
        return CloseOptions.groupMembershipOperation(staticMember
                        ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
                        : CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT);
    }

    /** The cluster settings of the Streams properties that an Admin client takes. */
    private static Properties adminProperties(Properties streamsProps) {
        Properties adminProps = new Properties();
        streamsProps.forEach((k, v) -> {
            String key = k.toString();
            if (AdminClientConfig.configNames().contains(key)) {
                adminProps.put(key, v);
            }
        });
        return adminProps;
    }

    private static void verifyInputs(AgentwatchConfig config, Properties streamsProps) {
        Properties adminProps = adminProperties(streamsProps);
        // Fail fast with a useful message when the cluster cannot be reached, instead of the
        // client's default minute and a message about node assignment.
        adminProps.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        adminProps.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        try (Admin admin = Admin.create(adminProps)) {
            TopicSetup.verifyInputs(admin, TopicNames.from(config).inputs());
        } catch (org.apache.kafka.common.KafkaException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new org.apache.kafka.common.KafkaException("cannot reach the Kafka cluster at "
                        + adminProps.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " within 20 s: check"
                        + " kafka.bootstrap.servers and the kafka.security.* / kafka.sasl.* settings", e);
            }
            throw e;
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Waits until Kafka Streams stops; true when it failed: it went to ERROR, or the cluster was gone too long. */
    public boolean awaitStop(Duration max) throws InterruptedException {
        stopped.await(max.toMillis(), TimeUnit.MILLISECONDS);
        return failed;
    }

    public boolean hasFailed() {
        return failed;
    }

    /** Why the service failed, or null. */
    public String failure() {
        return failure;
    }

    @Override
    public void close() {
        clusterWatch.close();
        streams.close(closeOptions);
    }
}
