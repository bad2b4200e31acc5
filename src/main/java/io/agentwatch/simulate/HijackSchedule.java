package io.agentwatch.simulate;

import io.agentwatch.simulate.model.Rand;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When hijacks happen in the live phase and whom they hit: one every {@code hijackEvery} of live
 * time, patterns in turn, each on a random agent of the pattern's preferred roles.
 */
final class HijackSchedule {
    private final List<AttackPattern> patterns;
    private final int count;
    private final Duration every;
    private final Instant end;
    private final Rand rand;
    private int injected;
    private Instant next;

    HijackSchedule(SimulationSpec spec, TimeWarp warp, Instant end, Rand rand) {
        this.patterns = spec.attacks();
        this.count = spec.attackCount();
        this.every = warp.simulated(spec.hijackEvery());
        this.end = end;
        this.rand = rand;
        boolean any = spec.hasLivePhase() && !patterns.isEmpty() && count > 0;
        this.next = any ? before(spec.liveStart().plus(every)) : null;
    }

    /** Simulated time of the next hijack, or null when there are no more. */
    Instant next() {
        return next;
    }

    /**
     * Marks one of {@code agents} to be hijacked in its next session and moves on to the next
     * hijack. Returns that agent, or null if all are already waiting for a hijack.
     */
    AgentClock inject(List<AgentClock> agents) {
        AttackPattern pattern = patterns.get(injected % patterns.size());
        injected++;
        next = injected < count ? before(next.plus(every)) : null;
        List<AgentClock> free = agents.stream().filter(c -> c.pendingAttack == null).toList();
        List<String> preferred = pattern.hijack().preferredRoles();
        List<AgentClock> fitting = free.stream().filter(c -> preferred.contains(c.agent().role().name())).toList();
        List<AgentClock> candidates = fitting.isEmpty() ? free : fitting;
        if (candidates.isEmpty()) {
            return null;
        }
        AgentClock chosen = rand.pick(candidates);
        chosen.pendingAttack = pattern;
        return chosen;
    }

    private Instant before(Instant t) {
        return end == null || t.isBefore(end) ? t : null;
    }
}
