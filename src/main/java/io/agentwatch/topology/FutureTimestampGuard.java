package io.agentwatch.topology;

import io.agentwatch.avro.BaselineReset;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.trace.TraceEvent;
import org.apache.avro.specific.SpecificRecord;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Takes each input record's event time as its timestamp, so stream time is event time even
 * when producers stamp records with the time they sent them, and keeps a future-dated record
 * from moving stream time. Stream time comes from the timestamps
 * of the records read, before any processor sees them: a record whose timestamp (a producer
 * with a bad clock, or event time in replay) is far ahead would run the stream-time sweep as
 * if that much time had passed, expiring every token and closing every session of its
 * partition, even though {@link InputValidator} then dead-letters it. Such a record keeps the
 * partition's time instead; the validator still judges its event time and dead-letters it.
 * The reference is the wall clock live and, in replay (one thread), the latest timestamp
 * accepted on any input, as in the validator.
 */
final class FutureTimestampGuard implements TimestampExtractor {
    private final Clock clock;
    private final boolean replay;
    private final long maxSkewMs;
    private final AtomicLong latestAccepted = new AtomicLong(-1);

    FutureTimestampGuard(Clock clock, boolean replay, long maxSkewMs) {
        this.clock = clock;
        this.replay = replay;
        this.maxSkewMs = maxSkewMs;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof BaselineReset) {
            // An operator's request carries the wall clock, which can be far ahead of the events
            // still to be processed (a backlog, a replayed day): it must not move stream time, or
            // the sweep would close sessions and purge tokens early. The lowest timestamp also has
            // the task apply it before the events buffered with it.
            return 0;
        }
        // Event time (occurred_at, issued_at, revoked_at) is what every decision uses, whatever
        // timestamp the producer put on the record; anything else keeps the record's timestamp.
        long timestamp = record.value() instanceof SpecificRecord event && isInputEvent(event)
                ? TraceEvent.eventTime(event).toEpochMilli() : record.timestamp();
        long reference = replay ? Math.max(partitionTime, latestAccepted.get()) : clock.millis();
        if (reference >= 0 && timestamp > reference + maxSkewMs) {
            // replay: the latest accepted time; live: the partition's time, or the wall clock before any
            return replay || partitionTime < 0 ? reference : partitionTime;
        }
        latestAccepted.accumulateAndGet(timestamp, Math::max);
        return timestamp;
    }

    private static boolean isInputEvent(SpecificRecord r) {
        return r instanceof ToolCall || r instanceof TokenIssued || r instanceof TokenRevoked;
    }
}
