package io.agentwatch.simulate;

import io.agentwatch.simulate.roles.Roles;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What to simulate. Same spec, same output, byte for byte.
 *
 * @param seed         seeds every random choice
 * @param agents       number of agents; roles are assigned round-robin from {@code roles}
 * @param roles        role names (see {@link Roles#NAMES}), in assignment order
 * @param start        event time of the beginning of the history
 * @param historyDays  days of benign behaviour before the live phase, emitted as fast as the sink takes them
 * @param attacks      hijack patterns injected in the live phase, in turn
 * @param attackCount  how many hijacks in all; {@link #UNLIMITED} for one every {@code hijackEvery} until the end
 * @param hijackEvery  live time between hijacks; the first comes one interval after the live phase starts
 * @param liveRate     live events per second; 0 keeps the agents' natural pace (no speed-up)
 * @param liveDuration length of the live phase in live time; ZERO for history only, null for no end
 */
public record SimulationSpec(long seed, int agents, List<String> roles, Instant start, int historyDays,
                             List<AttackPattern> attacks, int attackCount, Duration hijackEvery, double liveRate,
                             Duration liveDuration) {

    public static final int UNLIMITED = Integer.MAX_VALUE;
    /** The default start: a Monday morning, so that file output is reproducible. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-05T08:00:00Z");

    public SimulationSpec {
        roles = List.copyOf(roles);
        attacks = List.copyOf(attacks);
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(hijackEvery, "hijackEvery");
        require(agents >= 1, "agents must be at least 1");
        require(!roles.isEmpty(), "roles must not be empty");
        roles.forEach(r -> require(Roles.NAMES.contains(r), "unknown role '" + r + "'; known: " + Roles.NAMES));
        require(historyDays >= 0, "historyDays must not be negative");
        require(attackCount >= 0, "attackCount must not be negative");
        require(hijackEvery.compareTo(Duration.ZERO) > 0, "hijackEvery must be positive");
        require(liveRate >= 0 && Double.isFinite(liveRate), "liveRate must be a non-negative number");
        require(liveDuration == null || !liveDuration.isNegative(), "liveDuration must not be negative");
        boolean injects = (liveDuration == null || !liveDuration.isZero()) && attackCount > 0;
        require(agents >= 2 || !injects || !attacks.contains(AttackPattern.DELEGATION_ESCALATION),
                "delegation-escalation needs at least two agents");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().seed(seed).agents(agents).roles(roles).start(start).historyDays(historyDays)
                .attacks(attacks).attackCount(attackCount).hijackEvery(hijackEvery).liveRate(liveRate)
                .liveDuration(liveDuration);
    }

    /** The event time at which the live phase begins. */
    public Instant liveStart() {
        return start.plus(Duration.ofDays(historyDays));
    }

    public boolean hasLivePhase() {
        return liveDuration == null || !liveDuration.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Defaults: seed 1, 12 agents of all roles, 4 days from {@link #DEFAULT_START}, history only. */
    public static final class Builder {
        private long seed = 1;
        private int agents = 12;
        private List<String> roles = Roles.NAMES;
        private Instant start = DEFAULT_START;
        private int historyDays = 4;
        private List<AttackPattern> attacks = List.of(AttackPattern.values());
        private int attackCount = UNLIMITED;
        private Duration hijackEvery = Duration.ofSeconds(20);
        private double liveRate = 50;
        private Duration liveDuration = Duration.ZERO;

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder agents(int value) {
            agents = value;
            return this;
        }

        public Builder roles(List<String> value) {
            roles = value;
            return this;
        }

        public Builder start(Instant value) {
            start = value;
            return this;
        }

        public Builder historyDays(int value) {
            historyDays = value;
            return this;
        }

        public Builder attacks(List<AttackPattern> value) {
            attacks = value;
            return this;
        }

        public Builder attackCount(int value) {
            attackCount = value;
            return this;
        }

        public Builder hijackEvery(Duration value) {
            hijackEvery = value;
            return this;
        }

        public Builder liveRate(double value) {
            liveRate = value;
            return this;
        }

        public Builder liveDuration(Duration value) {
            liveDuration = value;
            return this;
        }

        public SimulationSpec build() {
            return new SimulationSpec(seed, agents, roles, start, historyDays, attacks, attackCount, hijackEvery,
                    liveRate, liveDuration);
        }
    }
}
