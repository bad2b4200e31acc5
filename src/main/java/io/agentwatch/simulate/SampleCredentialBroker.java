package io.agentwatch.simulate;

import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.topology.TopicNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import io.agentwatch.topology.ValueSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the credential broker, for the demo: it reads revoke commands (read_committed,
 * so only commands of committed transactions), revokes what they name and publishes the
 * TokenRevoked events back, so the loop closes. It learns which tokens exist from the
 * issuance topic, so SESSION and AGENT commands also cover tokens agentwatch did not list.
 * Commands are de-duplicated by command_id, as a real broker should.
 */
public final class SampleCredentialBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SampleCredentialBroker.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<RevokeCommand> commands;
    private final Deserializer<TokenIssued> issuances;
    private final KafkaProducer<String, TokenRevoked> producer;
    private final TopicNames topics;
    private final Clock clock;
    private final Consumer<TokenRevoked> onRevoked;
    /** Per agent: token id → (session id, expiry), from the issuance topic. */
    private final Map<String, Map<String, Issued>> tokensByAgent = new HashMap<>();
    private final Set<String> handled = new HashSet<>();
    private final Set<String> revoked = new HashSet<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong revocations = new AtomicLong();
    private final Thread thread;

    /**
     * @param onRevoked told of every TokenRevoked published (the demo prints them)
     */
    public SampleCredentialBroker(String bootstrapServers, TopicNames topics, ValueSerdes serdes, Clock clock,
                                  Consumer<TokenRevoked> onRevoked) {
        this.topics = topics;
        this.commands = serdes.forClass(RevokeCommand.class).deserializer();
        this.issuances = serdes.forClass(TokenIssued.class).deserializer();
        this.clock = clock;
        this.onRevoked = onRevoked;
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "sample-credential-broker");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer = new KafkaProducer<>(p, new StringSerializer(), serdes.forClass(TokenRevoked.class).serializer());
        consumer.subscribe(List.of(topics.revokeCommands(), topics.tokenIssuances()));
        thread = new Thread(this::loop, "sample-credential-broker");
        thread.setDaemon(true);
        thread.start();
    }

    public long revocations() {
        return revocations.get();
    }

    private void loop() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(topics.tokenIssuances())) {
                        TokenIssued t = issuances.deserialize(r.topic(), r.value());
                        tokensByAgent.computeIfAbsent(t.getAgentId(), a -> new HashMap<>())
                                .put(t.getTokenId(), new Issued(t.getSessionId(), t.getExpiresAt()));
                    } else {
                        RevokeCommand cmd = commands.deserialize(r.topic(), r.value());
                        if (handled.add(cmd.getCommandId())) {
                            act(cmd);
                        }
                    }
                }
                producer.flush();
                consumer.commitSync();
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("sample credential broker stopped", e);
        }
    }

    private record Issued(String sessionId, Instant expiresAt) {
    }

    private void act(RevokeCommand cmd) {
        Set<String> tokens = new LinkedHashSet<>(cmd.getTokenIds());
        Instant now = Instant.now(clock);
        // SESSION and AGENT commands also cover tokens agentwatch did not list; expired ones need nothing.
        tokensByAgent.getOrDefault(cmd.getAgentId(), Map.of()).forEach((token, issued) -> {
            boolean inScope = cmd.getScope() == RevokeScope.AGENT || (cmd.getScope() == RevokeScope.SESSION
                    && cmd.getSessionId() != null && cmd.getSessionId().equals(issued.sessionId()));
            if (inScope && issued.expiresAt().isAfter(now)) {
                tokens.add(token);
            }
        });
        List<TokenRevoked> out = new ArrayList<>();
        for (String token : tokens) {
            if (revoked.add(token)) {
                out.add(TokenRevoked.newBuilder().setTokenId(token).setAgentId(cmd.getAgentId())
                        .setRevokedAt(Instant.now(clock)).setReason("agentwatch: " + cmd.getReason())
                        .setRevokedBy("sample-credential-broker").setCommandId(cmd.getCommandId()).build());
            }
        }
        for (TokenRevoked t : out) {
            producer.send(new ProducerRecord<>(topics.tokenRevocations(), t.getAgentId(), t));
            revocations.incrementAndGet();
            onRevoked.accept(t);
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
        producer.close(Duration.ofSeconds(5));
    }
}
