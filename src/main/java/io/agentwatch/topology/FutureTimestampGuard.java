package io.agentwatch.topology;

import io.agentwatch.avro.ApprovalDecision;
import io.agentwatch.avro.BaselineReset;
import io.agentwatch.avro.FindingFeedback;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.trace.TraceEvent;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Takes each input record's event time as its timestamp, so stream time is event time even
 * when producers stamp records with the time they sent them, and keeps a record that
 * {@link EventTimeRule} refuses from moving stream time. Stream time comes from the timestamps
 * of the records read, before any processor sees them: {@link InputValidator} dead-letters such
 * a record, but too late to keep its timestamp out of stream time. Such a record keeps the
 * partition's time instead (replay: the latest time accepted on any input, as in the validator),
 * and is never given a negative timestamp, which Kafka Streams would drop without a dead letter.
 */
final class FutureTimestampGuard implements TimestampExtractor {
    private final EventTimeRule rule;
    private final Clock clock;
    private final AtomicLong latestAccepted = new AtomicLong(EventTimeRule.NONE);

    /** {@code clock}: live, the wall clock, taken as the time of a partition's first record when that one is refused. */
    FutureTimestampGuard(EventTimeRule rule, Clock clock) {
        this.rule = rule;
        this.clock = clock;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof BaselineReset || record.value() instanceof ApprovalDecision
                || record.value() instanceof FindingFeedback) {
            // An operator's request, a person's decision or an analyst's verdict carries the wall
            // clock, which can be far ahead of the events still to be processed (a backlog, a
            // replayed day): it must not move stream time, or the sweep would close sessions,
            // time out approvals and purge tokens early. The lowest timestamp also has the task
            // apply it before the events buffered with it. A verdict's own time (at) still dates
            // the suppression it creates.
            return 0;
        }
        // Event time (occurred_at, issued_at, revoked_at) is what every decision uses, whatever
        // timestamp the producer put on the record; anything else keeps the record's timestamp.
        long timestamp = record.value() instanceof SpecificRecord event && isInputEvent(event)
                ? TraceEvent.eventTime(event).toEpochMilli() : record.timestamp();
        if (!rule.accepts(timestamp, latestAccepted.get())) {
            if (rule.replay()) {
                return Math.max(0, Math.max(partitionTime, latestAccepted.get()));
            }
            return partitionTime >= 0 ? partitionTime : clock.millis();
        }
        latestAccepted.accumulateAndGet(timestamp, Math::max);
        return timestamp;
    }

    private static boolean isInputEvent(SpecificRecord r) {
        return r instanceof ToolCall || r instanceof TokenIssued || r instanceof TokenRevoked;
    }
}
