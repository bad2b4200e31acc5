package io.agentwatch.e2e;

import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.cli.Commands;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.kafka.TopicSetup;
import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.runtime.DetectorService;
import io.agentwatch.serde.AvroSerdes;
import io.agentwatch.testing.KafkaBrokerExtension;
import io.agentwatch.testing.StreamsProgress;
import io.agentwatch.testing.TopicRetention;
import io.agentwatch.topology.RegistrySerdes;
import io.agentwatch.topology.TopicNames;
import io.agentwatch.trace.TraceEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One agentwatch instance under test on the shared embedded broker: its own topics (a unique
 * prefix), application id and state directory, the real {@link DetectorService}, a producer
 * that writes Avro through the registry the way telemetry producers do, and read_committed
 * readers that decode agentwatch's output through the registry with serdes of their own.
 *
 * <p>{@link #awaitProcessed()} is the synchronisation point of the tests (see {@link StreamsProgress}):
 * the consumed offsets are committed in the same transaction as the outputs, so once the group's
 * committed offsets reach the end of every input and no output transaction is open, everything
 * agentwatch will ever emit for the input so far is readable. Tests can then assert exact
 * counts instead of polling for "eventually".
 */
final class DetectorHarness implements AutoCloseable {
    static final int PARTITIONS = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(60);

    private final String bootstrap;
    private final AgentwatchConfig config;
    private final TopicNames topics;
    private final String applicationId;
    private final Map<String, Object> serdeConfig;
    private final Admin admin;
    private final KafkaProducer<String, SpecificRecord> producer;
    private final KafkaProducer<String, byte[]> rawProducer;
    private DetectorService service;

    private DetectorHarness(String bootstrap, AgentwatchConfig config, String applicationId, String registryUrl) {
        this.bootstrap = bootstrap;
        this.config = config;
        this.topics = TopicNames.from(config);
        this.applicationId = applicationId;
        this.serdeConfig = Map.of(AgentwatchConfig.SCHEMA_REGISTRY_URL, registryUrl);
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(p, new StringSerializer(),
                new RegistrySerdes(new AgentwatchConfig(Map.of(AgentwatchConfig.SCHEMA_REGISTRY_URL, registryUrl)))
                        .anySerializer());
        this.rawProducer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Creates the topics (co-partitioned inputs, {@value #PARTITIONS} partitions each) and the
     * config of a new instance; {@code extra} adds or overrides config keys.
     */
    static DetectorHarness create(String registryUrl, Path stateDir, Map<String, String> extra) {
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        TopicNames names = TopicNames.defaults().withPrefix(KafkaBrokerExtension.uniqueName("e2e") + ".");
        Map<String, Object> c = new HashMap<>();
        c.put("kafka.bootstrap.servers", bootstrap);
        String applicationId = KafkaBrokerExtension.uniqueName("agentwatch-e2e");
        c.put("kafka.application.id", applicationId);
        c.put("kafka.state.dir", stateDir.toString());
        // exactly_once_v2 already commits every 100 ms; said here because the tests' wait relies on it.
        c.put("kafka.commit.interval.ms", "100");
        c.put(AgentwatchConfig.SCHEMA_REGISTRY_URL, registryUrl);
        c.putAll(names.toConfig());
        c.putAll(extra);
        DetectorHarness live = new DetectorHarness(bootstrap, new AgentwatchConfig(c), applicationId, registryUrl);
        TopicSetup.createTopics(live.admin, names, PARTITIONS, (short) 1);
        return live;
    }

    TopicNames topics() {
        return topics;
    }

    /** Starts a DetectorService (the same application id and state dir each time) and waits until it runs. */
    void start() throws InterruptedException {
        if (service != null) {
            throw new IllegalStateException("already started");
        }
        service = DetectorService.start(config,
                Commands.services(config, DetectionObserver.NONE, Clock.systemUTC(), false), null);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (service.streams().state() != KafkaStreams.State.RUNNING) {
            failIfStopped();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Kafka Streams not RUNNING after " + START_TIMEOUT.toSeconds() + " s: "
                        + service.streams().state());
            }
            Thread.sleep(50);
        }
    }

    /** Closes the DetectorService the way {@code run} does on SIGTERM. */
    void stop() {
        if (service != null) {
            service.close();
            if (service.hasFailed()) {
                throw new AssertionError("Kafka Streams went to ERROR before it was closed (see the test log)");
            }
            service = null;
        }
    }

    /** Sends an input event through the registry: key = agent id, timestamp = event time, as producers must. */
    void send(SpecificRecord event) {
        TraceEvent e = new TraceEvent(event, null);
        producer.send(new ProducerRecord<>(topics.inputOf(event), null, e.time().toEpochMilli(), e.agentId(), event));
    }

    /** Sends bytes as they are, for payloads no serde of ours would write. */
    void sendRaw(String topic, String key, byte[] value) {
        rawProducer.send(new ProducerRecord<>(topic, key, value));
    }

    void flush() {
        producer.flush();
        rawProducer.flush();
    }

    /**
     * Old traces (the examples are dated January 2026) would be deleted at once by the
     * broker's default 7-day retention, agentwatch's outputs too since they carry the event
     * time: keep them.
     */
    void keepForever() {
        List<String> all = new ArrayList<>(topics.inputs());
        all.addAll(List.of(topics.findings(), topics.revokeCommands(), topics.deadLetters()));
        TopicRetention.keepForever(admin, all);
    }

    /**
     * Waits until agentwatch has consumed every input record sent so far and committed what it
     * produced for them (see {@link StreamsProgress}).
     */
    void awaitProcessed() throws ExecutionException, InterruptedException {
        flush();
        long deadline = System.nanoTime() + PROCESS_TIMEOUT.toNanos();
        while (!StreamsProgress.caughtUp(admin, applicationId, topics.inputs(), topics.outputs())) {
            failIfStopped();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("agentwatch did not consume and commit all input within "
                        + PROCESS_TIMEOUT.toSeconds() + " s; committed offsets: "
                        + admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get());
            }
            Thread.sleep(100);
        }
    }

    List<Finding> findings() {
        Deserializer<Finding> d = AvroSerdes.forClass(Finding.class, serdeConfig).deserializer();
        return values(topics.findings(), bytes -> d.deserialize(topics.findings(), bytes));
    }

    List<RevokeCommand> revokeCommands() {
        Deserializer<RevokeCommand> d = AvroSerdes.forClass(RevokeCommand.class, serdeConfig).deserializer();
        return values(topics.revokeCommands(), bytes -> d.deserialize(topics.revokeCommands(), bytes));
    }

    /** The committed records of {@code topic}, by partition and offset. */
    List<ConsumerRecord<String, byte[]>> readCommitted(String topic) {
        return StreamsProgress.readCommitted(bootstrap, topic, PROCESS_TIMEOUT);
    }

    private <T> List<T> values(String topic, Function<byte[], T> decode) {
        return readCommitted(topic).stream().map(r -> decode.apply(r.value())).toList();
    }

    private void failIfStopped() {
        if (service != null && (service.hasFailed() || service.streams().state() == KafkaStreams.State.NOT_RUNNING)) {
            throw new AssertionError("Kafka Streams stopped: " + service.streams().state() + " (see the test log)");
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            producer.close(Duration.ofSeconds(5));
            rawProducer.close(Duration.ofSeconds(5));
            admin.close(Duration.ofSeconds(5));
        }
    }
}
