package io.agentwatch.topology;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Which event times the topology accepts. Stream time comes from event times, so one record
 * stamped far ahead would run the stream-time sweep as if that much time had passed, expiring
 * every token and closing every session of its partition; a record before the epoch has no
 * place in stream time at all (Kafka Streams would drop it with only a log line). Refused:
 * <ul>
 *   <li>event times before 1970-01-01 ({@code pre-epoch-timestamp});</li>
 *   <li>event times more than the allowed skew ahead of the reference ({@code future-timestamp}):
 *       live, the wall clock; in replay, the latest event time accepted so far, and before the
 *       first one the machine's clock (a recorded trace does not come from the future), so that
 *       a first line stamped in year 9999 cannot freeze the whole replay.</li>
 * </ul>
 * Shared by {@link FutureTimestampGuard}, which keeps a refused record from moving stream time,
 * and {@link InputValidator}, which dead-letters it.
 */
final class EventTimeRule {
    /** No event time accepted yet. */
    static final long NONE = -1;

    private final Clock clock;
    private final boolean replay;
    private final long maxAheadMs;

    /**
     * @param clock live: the wall clock; replay: the machine's clock, consulted only before the
     *              first record is accepted
     */
    EventTimeRule(Clock clock, boolean replay, Duration maxAhead) {
        this.clock = clock;
        this.replay = replay;
        this.maxAheadMs = maxAhead.toMillis();
    }

    boolean replay() {
        return replay;
    }

    /** Refuses {@code time} with a {@link ValidationException}; {@code latestAccepted} is {@link #NONE} before the first. */
    void check(long time, long latestAccepted) {
        if (time < 0) {
            throw new ValidationException("pre-epoch-timestamp", "event time " + Instant.ofEpochMilli(time)
                    + " is before 1970-01-01T00:00:00Z: a clock that was never set, or a bad conversion");
        }
        long reference = reference(latestAccepted);
        // time and reference are both >= 0 here, so the difference cannot overflow.
        if (time - reference > maxAheadMs) {
            throw new ValidationException("future-timestamp", "event time " + Instant.ofEpochMilli(time)
                    + " is more than " + Duration.ofMillis(maxAheadMs) + " ahead of " + describeReference(latestAccepted)
                    + " " + Instant.ofEpochMilli(reference));
        }
    }

    boolean accepts(long time, long latestAccepted) {
        return time >= 0 && time - reference(latestAccepted) <= maxAheadMs;
    }

    private long reference(long latestAccepted) {
        return replay && latestAccepted != NONE ? latestAccepted : Math.max(0, clock.millis());
    }

    private String describeReference(long latestAccepted) {
        if (!replay) {
            return "the wall clock";
        }
        return latestAccepted != NONE ? "the trace's stream time"
                : "this machine's clock (no earlier record of the trace was accepted; a recorded trace does not come from the future)";
    }
}
