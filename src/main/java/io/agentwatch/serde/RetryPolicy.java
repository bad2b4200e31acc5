package io.agentwatch.serde;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded exponential backoff: {@code maxRetries} retries after the first attempt, waiting
 * {@code initialWait}, then twice as long each time, never more than {@code maxWait}.
 */
public record RetryPolicy(int maxRetries, Duration initialWait, Duration maxWait) {

    public int maxAttempts() {
        return maxRetries + 1;
    }

    /**
     * The wait before retry number {@code retry} (1 for the first retry). Drawn between half
     * and all of the exponential value, so that many instances restarting together after a
     * registry outage do not retry in lockstep.
     */
    public Duration backoff(int retry) {
        long exponential = initialWait.toMillis() << Math.min(retry - 1, 30);
        long capped = Math.min(Math.max(exponential, 0), maxWait.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(capped - half + 1));
    }
}
