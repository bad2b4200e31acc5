package io.agentwatch.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead-letter records: the original key and value bytes with headers saying why. Header names
 * are those of Kafka Streams' own dead-letter queue (KIP-1034), plus agentwatch's short
 * machine-readable reason, so operators read one format whichever path rejected the record.
 *
 * <p>A dead letter must itself be writable, whatever the bad record held: header texts are cut
 * to {@value #MAX_HEADER_CHARS} characters with control characters escaped (a hostile value
 * must not reach an operator's terminal), and original bytes that would make the record larger
 * than the producer accepts are left out, their size noted in {@value #DROPPED}.
 */
public final class DeadLetters {
    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";
    public static final String REASON = "agentwatch.dlq.reason";
    /** For an output that could not be written: the topic it was meant for. */
    public static final String OUTPUT_TOPIC = "agentwatch.dlq.output-topic";
    /** Set when the original key or value was too large to dead-letter: what was left out, and its size. */
    public static final String DROPPED = "agentwatch.dlq.dropped";

    static final int MAX_HEADER_CHARS = 1000;
    /** Record and batch framing the producer adds to key, value and headers. */
    private static final int RECORD_OVERHEAD_BYTES = 512;

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

    /**
     * The dead letter of a record, at most {@code maxRecordBytes} (the producer's
     * max.request.size) in all: the value is left out when it does not fit, then the key.
     */
    public static ProducerRecord<byte[], byte[]> record(String dlqTopic, byte[] key, byte[] value, Origin origin,
                                                        String reason, Exception e, int maxRecordBytes) {
        Headers headers = headers(origin, reason, e.getClass().getName(), String.valueOf(e.getMessage()));
        int budget = maxRecordBytes - RECORD_OVERHEAD_BYTES - size(headers) - 64; // 64: the DROPPED header itself
        if (length(key) + length(value) > budget) {
            String dropped = "value of " + length(value) + " bytes";
            value = null;
            if (length(key) > budget) {
                dropped = "key of " + key.length + " bytes, " + dropped;
                key = null;
            }
            put(headers, DROPPED, dropped);
        }
        return new ProducerRecord<>(dlqTopic, null, key, value, headers);
    }

    private static void put(Headers h, String name, String value) {
        if (value != null) {
            h.add(name, InputRules.printable(value, MAX_HEADER_CHARS).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static int size(Headers headers) {
        int bytes = 0;
        for (Header h : headers) {
            bytes += h.key().length() + (h.value() == null ? 0 : h.value().length) + 8;
        }
        return bytes;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    public static String header(Headers h, String name) {
        var last = h.lastHeader(name);
        return last == null ? null : new String(last.value(), StandardCharsets.UTF_8);
    }
}
