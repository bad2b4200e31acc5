package io.agentwatch.topology;

import io.agentwatch.state.Baseline;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What the stream-time sweep needs to know about a task's stores, kept in memory so that a
 * sweep does not read and decode every session, token and baseline each minute: when each open
 * session was last active and which tokens it used, when each token ended and whether its
 * revocation awaits the broker, and which agents are ACTIVE. The stores stay the truth: the
 * index is rebuilt from them when the task starts (after a restart or a rebalance) and the
 * processor updates both together afterwards.
 */
final class SweepIndex {
    private record OpenSession(String agentId, long lastSeen, Set<String> tokens) {
    }

    /** A token's end (revocation or expiry) and, while its ordered revocation is unconfirmed, when it was ordered. */
    private record TokenTimes(long endedAt, long commandAt) {
    }

    private final Map<String, OpenSession> sessions = new HashMap<>();
    /** Each agent's open sessions, in the order they opened: the first is the one to evict. */
    private final Map<String, LinkedHashSet<String>> sessionsByAgent = new HashMap<>();
    private final Map<String, TokenTimes> tokens = new HashMap<>();
    private final Map<String, Boolean> agents = new HashMap<>();
    private final long maxTokenLifetimeMs;

    /**
     * @param maxTokenLifetimeMs a token is treated as ended this long after its issuance at the
     *                           latest, so that one claiming to expire in year 9999 is purged too
     */
    SweepIndex(long maxTokenLifetimeMs) {
        this.maxTokenLifetimeMs = maxTokenLifetimeMs;
    }

    void rebuild(KeyValueStore<String, SessionState> sessionStore, KeyValueStore<String, TokenState> tokenStore,
                 KeyValueStore<String, Baseline> baselineStore) {
        sessions.clear();
        sessionsByAgent.clear();
        tokens.clear();
        agents.clear();
        try (KeyValueIterator<String, SessionState> it = sessionStore.all()) {
            it.forEachRemaining(kv -> session(kv.key, kv.value));
        }
        try (KeyValueIterator<String, TokenState> it = tokenStore.all()) {
            it.forEachRemaining(kv -> token(kv.key, kv.value));
        }
        try (KeyValueIterator<String, Baseline> it = baselineStore.all()) {
            it.forEachRemaining((KeyValue<String, Baseline> kv) -> agent(kv.key, kv.value));
        }
    }

    void session(String key, SessionState s) {
        sessions.put(key, new OpenSession(s.agentId(), s.activity().lastSeen(), Set.copyOf(s.activity().tokens())));
        sessionsByAgent.computeIfAbsent(s.agentId(), a -> new LinkedHashSet<>()).add(key);
    }

    void sessionClosed(String key) {
        OpenSession s = sessions.remove(key);
        if (s != null) {
            Set<String> open = sessionsByAgent.get(s.agentId());
            open.remove(key);
            if (open.isEmpty()) {
                sessionsByAgent.remove(s.agentId());
            }
        }
    }

    int openSessions(String agentId) {
        Set<String> open = sessionsByAgent.get(agentId);
        return open == null ? 0 : open.size();
    }

    /** The agent's session that opened first among those still open, or null. */
    String oldestSession(String agentId) {
        Set<String> open = sessionsByAgent.get(agentId);
        return open == null || open.isEmpty() ? null : open.iterator().next();
    }

    void token(String key, TokenState t) {
        boolean awaiting = t.awaitingConfirmation() && !t.unconfirmedReported();
        long endedAt = Math.min(t.endedAt(), t.issuedAt() + Math.min(maxTokenLifetimeMs, Long.MAX_VALUE - t.issuedAt()));
        tokens.put(key, new TokenTimes(endedAt, awaiting ? t.commandAt() : 0));
    }

    void tokenPurged(String key) {
        tokens.remove(key);
    }

    void agent(String agentId, Baseline b) {
        if (b == null) {
            agents.remove(agentId);
        } else {
            agents.put(agentId, b.isActive());
        }
    }

    /**
     * Sessions whose own last call is at least {@code endAfterMs} old, or whose every token has
     * ended with no call after.
     */
    List<String> endedSessions(long now, long endAfterMs) {
        List<String> out = new ArrayList<>();
        sessions.forEach((key, s) -> {
            if (now - s.lastSeen() >= endAfterMs || allTokensEndedBefore(s, now)) {
                out.add(key);
            }
        });
        return out;
    }

    private boolean allTokensEndedBefore(OpenSession s, long now) {
        if (s.tokens().isEmpty()) {
            return false;
        }
        long lastEnd = Long.MIN_VALUE;
        for (String id : s.tokens()) {
            TokenTimes t = tokens.get(Names.key(s.agentId(), id));
            if (t != null && t.endedAt() >= now) {
                return false;
            }
            if (t != null) {
                lastEnd = Math.max(lastEnd, t.endedAt());
            }
        }
        return s.lastSeen() <= lastEnd;
    }

    List<String> tokensToPurge(long now, long retentionMs) {
        List<String> out = new ArrayList<>();
        tokens.forEach((key, t) -> {
            if (t.endedAt() < now && now - t.endedAt() >= retentionMs) {
                out.add(key);
            }
        });
        return out;
    }

    List<String> unconfirmedRevocations(long now, long timeoutMs) {
        List<String> out = new ArrayList<>();
        tokens.forEach((key, t) -> {
            if (t.commandAt() > 0 && now - t.commandAt() >= timeoutMs) {
                out.add(key);
            }
        });
        return out;
    }

    /** Entries of the three stores, counted exactly (RocksDB's own count is an estimate). */
    long sessionCount() {
        return sessions.size();
    }

    long tokenCount() {
        return tokens.size();
    }

    long baselineCount() {
        return agents.size();
    }

    long activeAgents() {
        return agents.values().stream().filter(a -> a).count();
    }

    long learningAgents() {
        return agents.size() - activeAgents();
    }
}
