package io.agentwatch.topology;

import io.agentwatch.avro.BaselineReset;
import io.agentwatch.trace.TraceEvent;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Checks every input record before it can touch state: its content ({@link InputRules}) and its
 * event time ({@link EventTimeRule}). A refused record leaves as a {@link ValidationException},
 * which {@link DeadLetterExceptionHandler} turns into a dead letter holding the original bytes
 * and the reason; good ones go on to the agent monitor, timestamped with their event time.
 */
public final class InputValidator extends ContextualProcessor<String, SpecificRecord, Object, Object> {
    private final InputRules rules;
    private final EventTimeRule time;
    private long latestAccepted = EventTimeRule.NONE;

    InputValidator(InputRules rules, EventTimeRule time) {
        this.rules = rules;
        this.time = time;
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        rules.check(record.key(), record.value());
        if (record.value() instanceof BaselineReset) {
            // An operator's request, not an event: no event time to judge, and its timestamp (0)
            // keeps it out of stream time.
            context().forward(record, Names.AGENT_MONITOR);
            return;
        }
        long eventTime = TraceEvent.eventTime(record.value()).toEpochMilli();
        time.check(eventTime, latestAccepted);
        latestAccepted = Math.max(latestAccepted, eventTime);
        context().forward(record.withTimestamp(eventTime), Names.AGENT_MONITOR);
    }
}
