package io.agentwatch.bench;

import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import org.apache.avro.specific.SpecificRecord;

/** A helper on input events shared by the phases. */
final class Events {
    private Events() {
    }

    /** A copy of {@code event} with every time moved by {@code shiftMs}. */
    static SpecificRecord shifted(SpecificRecord event, long shiftMs) {
        if (event instanceof ToolCall c) {
            return ToolCall.newBuilder(c).setOccurredAt(c.getOccurredAt().plusMillis(shiftMs)).build();
        } else if (event instanceof TokenIssued t) {
            return TokenIssued.newBuilder(t).setIssuedAt(t.getIssuedAt().plusMillis(shiftMs))
                    .setExpiresAt(t.getExpiresAt().plusMillis(shiftMs)).build();
        } else if (event instanceof TokenRevoked r) {
            return TokenRevoked.newBuilder(r).setRevokedAt(r.getRevokedAt().plusMillis(shiftMs)).build();
        }
        throw new IllegalArgumentException("not an input event: " + event.getClass().getSimpleName());
    }
}
