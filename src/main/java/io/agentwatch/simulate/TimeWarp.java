package io.agentwatch.simulate;

import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/**
 * Maps simulated time to emitted event time. History is emitted as simulated; from the start of
 * the live phase, simulated time runs {@code speedup} times faster, so that the agents' natural
 * pace becomes the requested live rate. Every timestamp of an event (expiry included) goes
 * through the same monotonic map, so "before expiry" and "after revocation" stay true.
 */
final class TimeWarp {
    private final Instant liveStart;
    private final double speedup;

    TimeWarp(Instant liveStart, double speedup) {
        this.liveStart = liveStart;
        this.speedup = speedup;
    }

    double speedup() {
        return speedup;
    }

    /** Simulated time that passes during {@code live} of live time. */
    Duration simulated(Duration live) {
        return Duration.ofMillis((long) StrictMath.ceil(live.toMillis() * speedup));
    }

    Instant apply(Instant t) {
        if (speedup == 1.0 || t.isBefore(liveStart)) {
            return t;
        }
        long ms = Duration.between(liveStart, t).toMillis();
        return liveStart.plusMillis((long) StrictMath.floor(ms / speedup));
    }

    SpecificRecord apply(SpecificRecord event) {
        if (speedup == 1.0) {
            return event;
        }
        if (event instanceof ToolCall c) {
            return ToolCall.newBuilder(c).setOccurredAt(apply(c.getOccurredAt())).build();
        } else if (event instanceof TokenIssued t) {
            return TokenIssued.newBuilder(t).setIssuedAt(apply(t.getIssuedAt()))
                    .setExpiresAt(apply(t.getExpiresAt())).build();
        }
        TokenRevoked r = (TokenRevoked) event;
        return TokenRevoked.newBuilder(r).setRevokedAt(apply(r.getRevokedAt())).build();
    }
}
