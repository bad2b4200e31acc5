package io.agentwatch.simulate;

import io.agentwatch.config.Topics;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.trace.TraceEvent;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces events to the three input topics the way real producers do: key = agent id (so one
 * agent's events share a partition), the record timestamp = the event time (Kafka Streams takes
 * stream time from it), acks=all with idempotence so a retry does not duplicate or reorder. The
 * value serializer is passed in, so the choice of Avro serde and registry stays with the caller.
 */
public final class KafkaSink implements SimulationSink {

    /** The three input topic names. */
    public record Topics(String toolCalls, String tokenIssuances, String tokenRevocations) {
    }

    private final Producer<String, SpecificRecord> producer;
    private final Topics topics;
    /** The first asynchronous send failure, reported on the next call rather than lost in a callback. */
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public KafkaSink(Producer<String, SpecificRecord> producer, Topics topics) {
        this.producer = producer;
        this.topics = topics;
    }

    /** A producer with safe settings on top of {@code config} (bootstrap servers, security, client id). */
    public static KafkaSink create(Map<String, Object> config, Serializer<SpecificRecord> valueSerializer,
                                   Topics topics) {
        return new KafkaSink(new KafkaProducer<>(producerSettings(config), new StringSerializer(), valueSerializer),
                topics);
    }

    /** acks=all and idempotence are not negotiable: a lost or duplicated event would fake or hide an attack. */
    static Map<String, Object> producerSettings(Map<String, Object> config) {
        Map<String, Object> settings = new HashMap<>(config);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "agentwatch-simulator");
        settings.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        return settings;
    }

    @Override
    public void write(TraceEvent event) throws IOException {
        rethrowFailure();
        SpecificRecord value = event.event();
        long timestamp = event.time().toEpochMilli();
        producer.send(new ProducerRecord<>(topicOf(value), null, timestamp, event.agentId(), value),
                (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
    }

    private String topicOf(SpecificRecord value) {
        if (value instanceof ToolCall) {
            return topics.toolCalls();
        } else if (value instanceof TokenIssued) {
            return topics.tokenIssuances();
        } else if (value instanceof TokenRevoked) {
            return topics.tokenRevocations();
        }
        throw new IllegalArgumentException("not an input event: " + value.getClass().getSimpleName());
    }

    @Override
    public void flush() throws IOException {
        producer.flush();
        rethrowFailure();
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            producer.close();
        }
    }

    private void rethrowFailure() throws IOException {
        Exception error = failure.get();
        if (error != null) {
            throw new IOException("producing to Kafka failed: " + error.getMessage(), error);
        }
    }
}
