package io.agentwatch.replay;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that reads the trace's stream time, set by the replay before it feeds each event:
 * offline, {@code detected_at} is the triggering event's time, so the output of a trace is
 * always the same.
 */
public final class TraceClock extends Clock {
    private final AtomicLong millis;

    public TraceClock() {
        this(new AtomicLong());
    }

    /** A clock that reads {@code millis}, set by whoever holds it. */
    public TraceClock(AtomicLong millis) {
        this.millis = millis;
    }

    public void set(long epochMillis) {
        millis.set(epochMillis);
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
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }
}
