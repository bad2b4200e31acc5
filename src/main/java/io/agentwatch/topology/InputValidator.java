package io.agentwatch.topology;

import io.agentwatch.avro.Actor;
import io.agentwatch.avro.BaselineReset;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.trace.TraceEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Checks every input record before it can touch state: SPIFFE agent ids, the key equal to
 * the agent id (or co-partitioning breaks), required ids present, sane token lifetimes, and no
 * timestamps far in the future (one bad clock would otherwise advance stream time and expire
 * every token of the partition). Bad records go to the dead-letter topic with the reason in
 * headers; good ones go on to the agent monitor.
 */
public final class InputValidator extends ContextualProcessor<String, SpecificRecord, Object, Object> {
    /** spiffe://trust-domain/path: lower-case trust domain, at least one non-empty path segment. */
    public static final Pattern SPIFFE_ID = Pattern.compile("spiffe://[a-z0-9._-]+(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+");

    private final MonitorServices services;
    private final long maxFutureSkewMs;
    private long maxAcceptedTime = Long.MIN_VALUE;

    public InputValidator(MonitorServices services, Duration maxFutureSkew) {
        this.services = services;
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        try {
            validate(record.key(), record.value());
            if (record.value() instanceof BaselineReset) {
                // Not an event: no event time to check, and its timestamp keeps it out of stream time.
                context().forward(record, Names.AGENT_MONITOR);
                return;
            }
            long time = TraceEvent.eventTime(record.value()).toEpochMilli();
            checkNotFuture(time);
            maxAcceptedTime = Math.max(maxAcceptedTime, time);
            context().forward(record.withTimestamp(time), Names.AGENT_MONITOR);
        } catch (ValidationException e) {
            deadLetter(record, e);
        }
    }

    static void validate(String key, SpecificRecord value) {
        if (value instanceof ToolCall c) {
            agent(key, c.getAgentId());
            required("event_id", c.getEventId());
            required("session_id", c.getSessionId());
            required("tool", c.getTool());
            if (c.getDelegatedTo() != null && !SPIFFE_ID.matcher(c.getDelegatedTo()).matches()) {
                throw new ValidationException("invalid-agent-id", "delegated_to '" + c.getDelegatedTo()
                        + "' is not a SPIFFE ID (spiffe://trust-domain/path)");
            }
        } else if (value instanceof TokenIssued t) {
            agent(key, t.getAgentId());
            required("token_id", t.getTokenId());
            if (!t.getExpiresAt().isAfter(t.getIssuedAt())) {
                throw new ValidationException("invalid-token-lifetime", "token " + t.getTokenId()
                        + " expires_at " + t.getExpiresAt() + " is not after issued_at " + t.getIssuedAt());
            }
            for (Actor a : t.getActorChain()) {
                if (!SPIFFE_ID.matcher(a.getSub()).matches()) {
                    throw new ValidationException("invalid-agent-id", "actor_chain sub '" + a.getSub()
                            + "' is not a SPIFFE ID (spiffe://trust-domain/path)");
                }
            }
        } else if (value instanceof TokenRevoked r) {
            agent(key, r.getAgentId());
            required("token_id", r.getTokenId());
        } else if (value instanceof BaselineReset r) {
            agent(key, r.getAgentId());
        } else {
            throw new ValidationException("unexpected-type", "not an input event: "
                    + (value == null ? "null value" : value.getClass().getSimpleName()));
        }
    }

    private static void agent(String key, String agentId) {
        if (agentId == null || !SPIFFE_ID.matcher(agentId).matches()) {
            throw new ValidationException("invalid-agent-id", "agent_id '" + agentId
                    + "' is not a SPIFFE ID such as spiffe://corp.example/agents/billing-bot");
        }
        if (!agentId.equals(key)) {
            throw new ValidationException("key-mismatch", "record key '" + key + "' differs from agent_id '"
                    + agentId + "': producers must key every event by agent_id so one agent's events meet in one task");
        }
    }

    private static void required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new ValidationException("missing-field", field + " is required and empty");
        }
    }

    private void checkNotFuture(long time) {
        long reference = services.replay() ? maxAcceptedTime : services.clock().millis();
        if (reference != Long.MIN_VALUE && time > reference + maxFutureSkewMs) {
            throw new ValidationException("future-timestamp", "event time " + java.time.Instant.ofEpochMilli(time)
                    + " is more than " + Duration.ofMillis(maxFutureSkewMs) + " ahead of "
                    + (services.replay() ? "the trace's stream time " : "the wall clock ")
                    + java.time.Instant.ofEpochMilli(reference));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void deadLetter(Record<String, SpecificRecord> record, ValidationException e) {
        RecordMetadata meta = context().recordMetadata().orElse(null);
        String topic = meta == null ? "" : meta.topic();
        DeadLetters.Origin origin = new DeadLetters.Origin(topic, meta == null ? -1 : meta.partition(),
                meta == null ? -1 : meta.offset());
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        SpecificRecord value = record.value();
        byte[] bytes = value == null ? null
                : services.serdes().forClass((Class) value.getClass()).serializer().serialize(topic, value);
        context().forward(new Record<Object, Object>(key, bytes, record.timestamp(),
                DeadLetters.headers(origin, e.reason(), e.getClass().getName(), e.getMessage())), Names.DLQ_SINK);
        services.observer().deadLetter(e.reason());
    }
}
