package io.agentwatch.trace;

import io.agentwatch.avro.ApprovalDecision;
import io.agentwatch.avro.FindingFeedback;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/**
 * One line of a JSON Lines trace: a ToolCall, TokenIssued, TokenRevoked, ApprovalDecision or
 * FindingFeedback, with the optional ground-truth label ("attack" or "benign") used to score precision and recall.
 */
public record TraceEvent(SpecificRecord event, String label) {

    public String agentId() {
        if (event instanceof ToolCall c) {
            return c.getAgentId();
        } else if (event instanceof TokenIssued t) {
            return t.getAgentId();
        } else if (event instanceof ApprovalDecision d) {
            return d.getAgentId();
        } else if (event instanceof FindingFeedback f) {
            return f.getAgentId();
        }
        return ((TokenRevoked) event).getAgentId();
    }

    /** The event time: occurred_at, issued_at, revoked_at, decided_at, or a verdict's at. */
    public Instant time() {
        return eventTime(event);
    }

    public static Instant eventTime(SpecificRecord event) {
        if (event instanceof ToolCall c) {
            return c.getOccurredAt();
        } else if (event instanceof TokenIssued t) {
            return t.getIssuedAt();
        } else if (event instanceof TokenRevoked r) {
            return r.getRevokedAt();
        } else if (event instanceof ApprovalDecision d) {
            return d.getDecidedAt();
        } else if (event instanceof FindingFeedback f) {
            return f.getAt();
        }
        throw new IllegalArgumentException("not an input event: " + event.getClass().getSimpleName());
    }
}
