package io.agentwatch.simulate;

import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.respond.CommandVerifier;
import io.agentwatch.topology.TopicNames;
import io.agentwatch.topology.ValueSerdes;
import io.agentwatch.trust.TrustedKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the credential broker, for the demo: it reads revoke commands (read_committed,
 * so only commands of committed transactions), verifies each one's signature against the
 * trusted agentwatch keys, revokes what a valid one names and publishes the TokenRevoked
 * events back, so the loop closes. A SUSPEND command holds its tokens until a RESUME (step-up
 * approval; a real broker refuses their calls meanwhile), and is reported to the listener, which
 * may bring a person's decision. Forged, altered, expired and replayed commands are refused
 * and reported ({@link RevocationDesk} decides).
 */
public final class SampleCredentialBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SampleCredentialBroker.class);

    /** Told of what the broker did (the demo prints it). */
    public interface Listener {
        void revoked(TokenRevoked t);

        default void refused(RevokeCommand c, CommandVerifier.Verdict verdict) {
        }

        /** The broker holds {@code tokens} until a person decides on the step-up approval {@code c} asks for. */
        default void suspended(RevokeCommand c, List<String> tokens) {
        }

        /** The broker accepts {@code tokens} again: the approval {@code c} answers was granted. */
        default void resumed(RevokeCommand c, List<String> tokens) {
        }

        /** Tells {@code first}, then {@code second}. */
        static Listener both(Listener first, Listener second) {
            return new Listener() {
                @Override
                public void revoked(TokenRevoked t) {
                    first.revoked(t);
                    second.revoked(t);
                }

                @Override
                public void refused(RevokeCommand c, CommandVerifier.Verdict verdict) {
                    first.refused(c, verdict);
                    second.refused(c, verdict);
                }

                @Override
                public void suspended(RevokeCommand c, List<String> tokens) {
                    first.suspended(c, tokens);
                    second.suspended(c, tokens);
                }

                @Override
                public void resumed(RevokeCommand c, List<String> tokens) {
                    first.resumed(c, tokens);
                    second.resumed(c, tokens);
                }
            };
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<RevokeCommand> commands;
    private final Deserializer<TokenIssued> issuances;
    private final KafkaProducer<String, TokenRevoked> producer;
    private final TopicNames topics;
    private final RevocationDesk desk;
    private final Listener listener;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong revocations = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private final Thread thread;

    /**
     * @param trusted the public keys of the agentwatch instances whose commands it obeys
     */
    public SampleCredentialBroker(String bootstrapServers, TopicNames topics, ValueSerdes serdes, Clock clock,
                                  TrustedKeys trusted, Listener listener) {
        this.topics = topics;
        this.commands = serdes.forClass(RevokeCommand.class).deserializer();
        this.issuances = serdes.forClass(TokenIssued.class).deserializer();
        this.desk = new RevocationDesk(new CommandVerifier(trusted, clock), clock);
        this.listener = listener;
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

    /** Commands refused because they failed verification. */
    public long refusals() {
        return refusals.get();
    }

    private void loop() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(topics.tokenIssuances())) {
                        desk.issued(issuances.deserialize(r.topic(), r.value()));
                    } else {
                        act(commands.deserialize(r.topic(), r.value()));
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

    private void act(RevokeCommand cmd) {
        RevocationDesk.Outcome outcome = desk.command(cmd);
        if (!outcome.verdict().accepted()) {
            refusals.incrementAndGet();
            LOG.warn("refused revoke command {} of {}: {} ({})", cmd.getCommandId(), cmd.getAgentId(),
                    outcome.verdict().reason(), outcome.verdict().detail());
            listener.refused(cmd, outcome.verdict());
            return;
        }
        if (!outcome.suspended().isEmpty()) {
            listener.suspended(cmd, outcome.suspended());
        }
        if (!outcome.resumed().isEmpty()) {
            listener.resumed(cmd, outcome.resumed());
        }
        for (TokenRevoked t : outcome.revoked()) {
            producer.send(new ProducerRecord<>(topics.tokenRevocations(), t.getAgentId(), t));
            revocations.incrementAndGet();
            listener.revoked(t);
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
