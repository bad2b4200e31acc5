package io.agentwatch.replay;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that reads the trace's stream time, set by the replay before it feeds each event:
 * offline, {@code detected_at} is the triggering event's time, so the output of a trace is
 * always the same.
 */
public final class TraceClock extends Clock {
    private volatile long millis;

    public void set(long epochMillis) {
        millis = epochMillis;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }
}
