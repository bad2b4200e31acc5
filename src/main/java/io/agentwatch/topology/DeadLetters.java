package io.agentwatch.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead-letter records: the original key and value bytes with headers saying why. Header names
 * are those of Kafka Streams' own dead-letter queue (KIP-1034), plus agentwatch's short
 * machine-readable reason, so operators read one format whichever path rejected the record.
 */
public final class DeadLetters {
    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";
    public static final String REASON = "agentwatch.dlq.reason";

    private DeadLetters() {
    }

    /** Where a rejected record came from; partition and offset are -1 when unknown (replay). */
    public record Origin(String topic, int partition, long offset) {
    }

    public static Headers headers(Origin origin, String reason, String exception, String message) {
        Headers h = new RecordHeaders();
        put(h, REASON, reason);
        put(h, EXCEPTION, exception);
        put(h, MESSAGE, message);
        put(h, TOPIC, origin.topic());
        put(h, PARTITION, Integer.toString(origin.partition()));
        put(h, OFFSET, Long.toString(origin.offset()));
        return h;
    }

    public static ProducerRecord<byte[], byte[]> record(String dlqTopic, byte[] key, byte[] value, Origin origin,
                                                        String reason, Exception e) {
        return new ProducerRecord<>(dlqTopic, null, key, value,
                headers(origin, reason, e.getClass().getName(), String.valueOf(e.getMessage())));
    }

    private static void put(Headers h, String name, String value) {
        if (value != null) {
            h.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    public static String header(Headers h, String name) {
        var last = h.lastHeader(name);
        return last == null ? null : new String(last.value(), StandardCharsets.UTF_8);
    }
}
