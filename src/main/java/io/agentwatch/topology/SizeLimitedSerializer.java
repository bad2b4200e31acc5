package io.agentwatch.topology;

import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Refuses, while serializing, an output record the producer would refuse as too large.
 *
 * <p>Why here and not in the producer: with exactly-once, a record the producer refuses at send
 * time puts the whole transaction into an abortable error, so the task re-reads the same input,
 * produces the same record and fails again, for ever, whatever the production exception
 * handler answers. A refusal during serialization happens before the send, the transaction
 * stays healthy, and {@link DeadLetterExceptionHandler} dead-letters the input that produced the
 * output instead. The key is not seen here: it is allowed for at its largest, an id of
 * {@code input.max.field.chars} characters of up to 3 UTF-8 bytes each.
 */
final class SizeLimitedSerializer<T> implements Serializer<T> {
    /** Record and batch framing the producer adds. */
    private static final int RECORD_OVERHEAD_BYTES = 512;

    private final Serializer<T> inner;
    private final int maxRecordBytes;
    private final int keyAllowanceBytes;

    SizeLimitedSerializer(Serializer<T> inner, int maxRecordBytes, int maxKeyChars) {
        this.inner = inner;
        this.maxRecordBytes = maxRecordBytes;
        this.keyAllowanceBytes = 3 * maxKeyChars;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return serialize(topic, null, data);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T data) {
        byte[] bytes = inner.serialize(topic, headers, data);
        int length = bytes == null ? 0 : bytes.length;
        long size = (long) length + headerBytes(headers) + keyAllowanceBytes + RECORD_OVERHEAD_BYTES;
        if (size > maxRecordBytes) {
            throw new RecordTooLargeException("a " + (data == null ? "record" : data.getClass().getSimpleName())
                    + " of " + length + " bytes for " + topic + " would exceed the producer's max.request.size of "
                    + maxRecordBytes + " bytes (with key, headers and framing)");
        }
        return bytes;
    }

    private static long headerBytes(Headers headers) {
        long bytes = 0;
        if (headers != null) {
            for (Header h : headers) {
                bytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
            }
        }
        return bytes;
    }

    @Override
    public void close() {
        inner.close();
    }
}
