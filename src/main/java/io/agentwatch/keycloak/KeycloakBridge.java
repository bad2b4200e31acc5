package io.agentwatch.keycloak;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.topology.AgentwatchTopology;
import io.agentwatch.topology.DeadLetters;
import io.agentwatch.topology.ValueSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keycloak on the other end of agentwatch's loop, one realm per bridge:
 * <ul>
 *   <li>reads Keycloak's token events (CLIENT_LOGIN, TOKEN_EXCHANGE, REVOKE_GRANT) and admin
 *       events, and publishes TokenIssued / TokenRevoked keyed by agent id;</li>
 *   <li>reads revoke commands (read_committed), makes Keycloak reject the tokens they name
 *       ({@link RevokeApplier}) and publishes their TokenRevoked, so the loop closes.</li>
 * </ul>
 * One thread, one Kafka transaction per cycle holding everything the cycle produced, the
 * bridge's new {@link BridgePosition} (compacted topic, keyed by realm) and the offsets of the
 * commands it handled. A crash before the commit leaves position and offsets where they were:
 * the events are read and published again, the commands applied again (moving a notBefore that
 * is already there changes nothing), and nothing is published twice or skipped. A call to
 * Keycloak that fails aborts the cycle, which is retried with backoff: a command is never dropped.
 */
public final class KeycloakBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeycloakBridge.class);
    private static final int PAGE = 100;
    private static final int MAX_PAGES_PER_CYCLE = 50;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    static final String REVOKED_BY = "agentwatch-keycloak-bridge";
    static final String ORIGIN_EVENTS = "keycloak:events";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BridgeSettings settings;
    private final KeycloakApi api;
    private final BridgeMetrics metrics;
    private final Clock clock;
    private final KnownTokens known = new KnownTokens();
    private final RealmDirectory directory;
    private final EventMapper mapper;
    private final RevokeApplier applier;
    private final AdminEventSweeper sweeper;
    private final KafkaProducer<byte[], byte[]> producer;
    /** The producer's max.request.size: a dead letter that would not fit leaves its value out. */
    private final int maxRecordBytes;
    private final KafkaConsumer<byte[], byte[]> commands;
    private final Map<String, Object> consumerConfig;
    private final Serializer<SpecificRecord> values;
    private final Deserializer<RevokeCommand> commandDecoder;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean started;
    private BridgePosition committed;
    private boolean caughtUp;

    /**
     * @param kafka Kafka client settings (bootstrap servers, security); the bridge adds its own
     *              transactional and read_committed settings
     */
    public KeycloakBridge(BridgeSettings settings, AgentClients clients, CommandVerifier verifier, ValueSerdes serdes,
                          Map<String, Object> kafka, BridgeMetrics metrics, Clock clock) {
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.api = new KeycloakApi(settings.keycloakUrl(), settings.realm(), settings.adminRealm(),
                settings.adminClientId(), settings.adminClientSecret(), settings.httpTimeout());
        this.directory = new RealmDirectory(api, System::nanoTime);
        this.mapper = new EventMapper(clients, directory::lifespanSeconds, api.issuer());
        this.applier = new RevokeApplier(clients, directory, api, known, verifier);
        this.sweeper = new AdminEventSweeper(api, directory, known);
        this.values = serdes.anySerializer();
        this.commandDecoder = serdes.forClass(RevokeCommand.class).deserializer();

        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.kafkaId());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.maxRecordBytes = AgentwatchTopology.maxRequestBytes(p);

        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.kafkaId());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumerConfig = c;
        this.commands = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Runs until {@link #close()}: fences an earlier bridge of the same id, reads the stored
     * position, then cycles.
     *
     * @throws org.apache.kafka.common.KafkaException when Kafka fails in a way a retry cannot mend
     *         (fenced by a newer bridge, authorization); the last transaction is then not committed
     */
    public void run() {
        started = true;
        try {
            producer.initTransactions();
            committed = loadPosition();
            commands.subscribe(List.of(settings.topics().revokeCommands()));
            Duration backoff = Duration.ZERO;
            while (running.get()) {
                try {
                    cycle();
                    backoff = Duration.ZERO;
                } catch (KeycloakException e) {
                    metrics.keycloakError();
                    backoff = backoff.isZero() ? Duration.ofMillis(500) : min(backoff.multipliedBy(2), MAX_BACKOFF);
                    LOG.warn("{}; retrying in {} ms (nothing is lost: the position and the commands stay where they were)",
                            e.getMessage(), backoff.toMillis());
                    abortAndRewind();
                    sleep(backoff);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } finally {
            stopped.countDown();
        }
    }

    private void cycle() {
        long now = clock.millis();
        ConsumerRecords<byte[], byte[]> polled = commands.poll(settings.pollInterval());
        BridgePosition position = committed.purgedAt(now);
        known.purgeExpired(now);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        List<Runnable> afterCommit = new ArrayList<>();
        boolean catchUp = !caughtUp;
        if (catchUp) {
            // Learn the live tokens and the notBefore values in force before acting on a command.
            sweeper.loadNotBefore();
            position = readAdminEvents(readTokenEvents(position, true, out, afterCommit), out, afterCommit);
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : polled) {
            position = handleCommand(r, position, out, afterCommit);
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        if (!catchUp) {
            // After the commands: a revocation's latency does not include reading the events.
            position = readAdminEvents(readTokenEvents(position, false, out, afterCommit), out, afterCommit);
        }

        if (!position.equals(committed)) {
            out.add(new ProducerRecord<>(settings.positionTopic(), utf8(settings.realm()), position.encode()));
        }
        if (!out.isEmpty() || !offsets.isEmpty()) {
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> r : out) {
                producer.send(r);
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, commands.groupMetadata());
            }
            producer.commitTransaction();
        }
        committed = position;
        caughtUp = true;
        afterCommit.forEach(Runnable::run);
    }

    private BridgePosition handleCommand(ConsumerRecord<byte[], byte[]> r, BridgePosition position,
                                         List<ProducerRecord<byte[], byte[]>> out, List<Runnable> afterCommit) {
        DeadLetters.Origin origin = new DeadLetters.Origin(r.topic(), r.partition(), r.offset());
        RevokeCommand c;
        try {
            c = commandDecoder.deserialize(r.topic(), r.value());
            if (c == null) {
                throw new IllegalArgumentException("a null revoke command (tombstone)");
            }
        } catch (RuntimeException e) {
            LOG.warn("revoke command at {}-{}@{} cannot be decoded ({}); dead-lettered", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
            out.add(DeadLetters.record(settings.topics().deadLetters(), r.key(), r.value(), origin,
                    "undecodable-revoke-command", e, maxRecordBytes));
            afterCommit.add(() -> {
                metrics.commandHandled("undecodable");
                metrics.deadLettered("undecodable-revoke-command");
            });
            return position;
        }
        long now = clock.millis();
        BridgePosition current = position;
        RevokeApplier.Outcome outcome = applier.apply(c, now, current::reported);
        if (outcome instanceof RevokeApplier.Refused refused) {
            LOG.warn("revoke command {} for {} refused: {}; dead-lettered", c.getCommandId(), c.getAgentId(), refused.message());
            out.add(new ProducerRecord<>(settings.topics().deadLetters(), null, r.key(), r.value(),
                    DeadLetters.headers(origin, refused.dlqReason(), CommandVerifier.class.getName(), refused.message())));
            afterCommit.add(() -> {
                metrics.commandHandled("refused");
                metrics.deadLettered(refused.dlqReason());
            });
            return position;
        }
        if (outcome instanceof RevokeApplier.Stale) {
            LOG.info("revoke command {} for {} expired at {}: its tokens have expired, nothing to revoke",
                    c.getCommandId(), c.getAgentId(), c.getExpiresAt());
            afterCommit.add(() -> metrics.commandHandled("stale"));
            return position;
        }
        RevokeApplier.Applied applied = (RevokeApplier.Applied) outcome;
        Duration latency = Duration.ofMillis(clock.millis() - r.timestamp());
        for (RevokeApplier.Revocation v : applied.revoked()) {
            TokenRevoked t = TokenRevoked.newBuilder().setTokenId(v.tokenId()).setAgentId(v.agentId())
                    .setRevokedAt(Instant.ofEpochMilli(now)).setReason("agentwatch: " + c.getReason())
                    .setRevokedBy(REVOKED_BY).setCommandId(c.getCommandId()).build();
            out.add(record(settings.topics().tokenRevocations(), t.getAgentId(), now, t));
            position = position.withReported(v.tokenId(), v.expiresAtMillis());
        }
        LOG.info("revoke command {} ({} {}): Keycloak client {} notBefore {}; {} token(s) reported revoked",
                c.getCommandId(), c.getScope(), c.getAgentId(), applied.clientId(), applied.notBefore(), applied.revoked().size());
        int n = applied.revoked().size();
        afterCommit.add(() -> {
            metrics.commandHandled("applied");
            metrics.published("token_revoked", n);
            metrics.revokeLatency(latency);
        });
        return position;
    }

    /**
     * Publishes the token events after the cursor. On the first cycle it reads a token lifespan
     * further back without publishing, to learn the tokens still alive.
     */
    private BridgePosition readTokenEvents(BridgePosition position, boolean catchUp,
                                           List<ProducerRecord<byte[], byte[]>> out, List<Runnable> afterCommit) {
        EventCursor cursor = position.events();
        long now = clock.millis();
        long from = catchUp ? cursor.watermark() - directory.maxLifespanSeconds() * 1000L : cursor.watermark();
        Map<String, Long> handled = new LinkedHashMap<>();
        int issued = 0;
        int revoked = 0;
        for (int page = 0; page < MAX_PAGES_PER_CYCLE; page++) {
            List<KeycloakEvent> events = api.events(from, page * PAGE, PAGE);
            for (KeycloakEvent e : events) {
                boolean fresh = cursor.isNew(e.id(), e.time());
                EventMapper.Mapped m = mapper.map(e);
                if (m instanceof EventMapper.Issued i) {
                    if (fresh) {
                        out.add(record(settings.topics().tokenIssuances(), i.event().getAgentId(), e.time(), i.event()));
                        issued++;
                    }
                    // An expired token is past every revocation: only live ones are remembered.
                    boolean live = i.token().expiresAtMillis() >= now;
                    if (live) {
                        known.add(i.token());
                    }
                    if (live && known.rejected(i.token()) && !position.reported(i.token().tokenId())) {
                        // Issued into a notBefore already moved past it (in the same second as a revocation).
                        out.add(revokedRecord(i.token(), Math.max(e.time(), now),
                                "Keycloak: issued before the client's notBefore", "keycloak"));
                        position = position.withReported(i.token().tokenId(), i.token().expiresAtMillis());
                        revoked++;
                    }
                } else if (m instanceof EventMapper.Revoked v && fresh) {
                    KnownToken t = known.get(v.tokenId()).orElse(null);
                    if (t == null) {
                        afterCommit.add(() -> metrics.skipped("revoked-token-unknown"));
                    } else if (!position.reported(t.tokenId())) {
                        out.add(revokedRecord(t, v.revokedAtMillis(), "Keycloak: revoked by its client (RFC 7009)",
                                "keycloak:" + v.clientId()));
                        position = position.withReported(t.tokenId(), t.expiresAtMillis());
                        revoked++;
                    }
                } else if (m instanceof EventMapper.Skipped s && fresh) {
                    skip(e, s, out, afterCommit);
                }
                if (fresh) {
                    handled.put(e.id(), e.time());
                }
            }
            if (events.size() < PAGE) {
                break;
            }
        }
        int issuedCount = issued;
        int revokedCount = revoked;
        afterCommit.add(() -> {
            metrics.published("token_issued", issuedCount);
            metrics.published("token_revoked", revokedCount);
        });
        return position.withEvents(cursor.after(handled, settings.settle().toMillis()));
    }

    private void skip(KeycloakEvent e, EventMapper.Skipped s, List<ProducerRecord<byte[], byte[]>> out,
                      List<Runnable> afterCommit) {
        if (!s.malformed()) {
            afterCommit.add(() -> metrics.skipped(s.reason()));
            return;
        }
        LOG.warn("Keycloak event {} ({} of client {}) lacks what the bridge needs ({}); dead-lettered", e.id(), e.type(),
                e.clientId(), s.reason());
        byte[] json = json(e);
        out.add(new ProducerRecord<>(settings.topics().deadLetters(), null, e.clientId() == null ? null : utf8(e.clientId()),
                json, DeadLetters.headers(new DeadLetters.Origin(ORIGIN_EVENTS, -1, -1), s.reason(),
                        EventMapper.class.getName(), "Keycloak event " + e.id() + ": " + s.reason())));
        metrics.deadLettered(s.reason());
    }

    /** Publishes what the admin events after the cursor revoked. */
    private BridgePosition readAdminEvents(BridgePosition position, List<ProducerRecord<byte[], byte[]>> out,
                                           List<Runnable> afterCommit) {
        EventCursor cursor = position.adminEvents();
        Map<String, Long> handled = new LinkedHashMap<>();
        int revoked = 0;
        for (int page = 0; page < MAX_PAGES_PER_CYCLE; page++) {
            List<AdminEvent> events = api.adminEvents(cursor.watermark(), page * PAGE, PAGE);
            for (AdminEvent e : events) {
                if (!cursor.isNew(e.id(), e.time())) {
                    continue;
                }
                for (KnownToken t : sweeper.revokedBy(e)) {
                    if (!position.reported(t.tokenId())) {
                        out.add(revokedRecord(t, e.time(), "Keycloak admin: " + e.operationType() + " " + e.resourcePath(),
                                "keycloak-admin"));
                        position = position.withReported(t.tokenId(), t.expiresAtMillis());
                        revoked++;
                    }
                }
                handled.put(e.id(), e.time());
            }
            if (events.size() < PAGE) {
                break;
            }
        }
        int revokedCount = revoked;
        afterCommit.add(() -> metrics.published("token_revoked", revokedCount));
        return position.withAdminEvents(cursor.after(handled, settings.settle().toMillis()));
    }

    private ProducerRecord<byte[], byte[]> revokedRecord(KnownToken t, long at, String reason, String by) {
        TokenRevoked r = TokenRevoked.newBuilder().setTokenId(t.tokenId()).setAgentId(t.agentId())
                .setRevokedAt(Instant.ofEpochMilli(at)).setReason(reason).setRevokedBy(by).build();
        return record(settings.topics().tokenRevocations(), t.agentId(), at, r);
    }

    /** Keyed by agent id, stamped with the event time, as agentwatch's inputs must be. */
    private ProducerRecord<byte[], byte[]> record(String topic, String agentId, long timestamp, SpecificRecord value) {
        return new ProducerRecord<>(topic, null, timestamp, utf8(agentId), values.serialize(topic, value));
    }

    /**
     * The realm's last committed position, or, for a new bridge, a start one token lifespan back:
     * the tokens still alive are announced.
     */
    private BridgePosition loadPosition() {
        Map<String, Object> c = new HashMap<>(consumerConfig);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        byte[] last = null;
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = reader.partitionsFor(settings.positionTopic(), Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("topic " + settings.positionTopic() + " does not exist: create it compacted "
                        + "(cleanup.policy=compact), or name another with topic.keycloak.position");
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            byte[] key = utf8(settings.realm());
            while (partitions.stream().anyMatch(p -> reader.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    if (Arrays.equals(r.key(), key)) {
                        last = r.value();
                    }
                }
            }
        }
        if (last != null) {
            BridgePosition p = BridgePosition.decode(last);
            LOG.info("resuming realm {} at event time {} (admin events {})", settings.realm(),
                    Instant.ofEpochMilli(p.events().watermark()), Instant.ofEpochMilli(p.adminEvents().watermark()));
            return p;
        }
        long from = clock.millis() - directory.maxLifespanSeconds() * 1000L;
        LOG.info("no stored position for realm {}: starting at {} (one token lifespan back)", settings.realm(), Instant.ofEpochMilli(from));
        return BridgePosition.startingAt(from);
    }

    private void abortAndRewind() {
        try {
            if (producer != null) {
                try {
                    producer.abortTransaction();
                } catch (IllegalStateException e) {
                    // No transaction open: the failure came before anything was sent.
                }
            }
            Set<TopicPartition> assigned = commands.assignment();
            Map<TopicPartition, OffsetAndMetadata> done = commands.committed(assigned);
            for (TopicPartition tp : assigned) {
                OffsetAndMetadata o = done.get(tp);
                if (o == null) {
                    commands.seekToBeginning(List.of(tp));
                } else {
                    commands.seek(tp, o.offset());
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        }
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] json(KeycloakEvent e) {
        try {
            return JSON.writeValueAsBytes(e);
        } catch (JsonProcessingException ex) {
            return utf8(String.valueOf(e));
        }
    }

    /**
     * Stops the loop after the current cycle and closes the clients. A cycle still busy after
     * {@link #STOP_WAIT} (Kafka unreachable) is cut short: its transaction is not committed, so
     * nothing is lost.
     */
    @Override
    public void close() {
        running.set(false);
        commands.wakeup();
        try {
            if (started && !stopped.await(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                LOG.warn("the bridge did not finish its cycle within {} s; closing its Kafka clients anyway", STOP_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commands.close(Duration.ofSeconds(5));
        producer.close(Duration.ofSeconds(5));
    }
}
