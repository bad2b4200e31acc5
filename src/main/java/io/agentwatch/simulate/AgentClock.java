package io.agentwatch.simulate;

import io.agentwatch.simulate.model.Agent;
import io.agentwatch.simulate.model.Rand;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * When one agent starts its sessions: a Poisson process whose rate follows the role's working
 * hours and a per-day factor (some days are busier), thinned from the busiest rate. The live
 * phase runs every hour at the busiest hour's rate, so a demo is never at night.
 */
final class AgentClock {
    private static final double QUIETEST_DAY = 0.7;
    private static final double BUSIEST_DAY = 1.3;
    private static final double MS_PER_HOUR = 3_600_000.0;

    private final Agent agent;
    private final int index;
    private final long seed;
    private final Instant liveStart;
    private final double sessionsPerHour;
    private long cachedDay = Long.MIN_VALUE;
    private double cachedDayFactor;

    Instant nextStart;
    /** End of the agent's latest session. */
    Instant busyUntil;
    /** Set when the agent's next session is to be hijacked. */
    AttackPattern pendingAttack;

    AgentClock(Agent agent, int index, long seed, Instant liveStart) {
        this.agent = agent;
        this.index = index;
        this.seed = seed;
        this.liveStart = liveStart;
        this.sessionsPerHour = agent.role().sessionsPerBusyHour() * agent.rand().uniform(0.85, 1.15);
    }

    Agent agent() {
        return agent;
    }

    int index() {
        return index;
    }

    /** The first session start after {@code t}, or some instant at or after {@code end} when there is none before it. */
    Instant sessionAfter(Instant t, Instant end) {
        Rand rand = agent.rand();
        double peak = sessionsPerHour * BUSIEST_DAY;
        Instant candidate = t;
        while (true) {
            candidate = candidate.plusMillis(Math.round(rand.exponential(MS_PER_HOUR / peak)));
            if (end != null && !candidate.isBefore(end)) {
                return candidate;
            }
            if (rand.uniform(0, peak) < sessionsPerHour(candidate)) {
                return candidate;
            }
        }
    }

    private double sessionsPerHour(Instant t) {
        if (!t.isBefore(liveStart)) {
            return sessionsPerHour;
        }
        return sessionsPerHour * agent.role().profile().weight(t) * dayFactor(t);
    }

    /** Drawn from its own stream per (agent, day), so it does not depend on how many draws came before. */
    private double dayFactor(Instant t) {
        long day = LocalDate.ofInstant(t, ZoneOffset.UTC).toEpochDay();
        if (day != cachedDay) {
            cachedDay = day;
            cachedDayFactor = new Rand(Rand.mix(Rand.mix(seed, index), day)).uniform(QUIETEST_DAY, BUSIEST_DAY);
        }
        return cachedDayFactor;
    }
}
