package io.agentwatch.simulate.model;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The tokens issued so far, per agent, newest first: where a hijacked session finds a revoked,
 * expired or foreign token to misuse. Sessions are written whole when they start, so a token's
 * revocation is known as soon as it is issued. Only the latest few per agent are kept.
 */
public final class TokenLedger {
    private static final int KEEP_PER_AGENT = 32;

    private final Map<String, Deque<IssuedToken>> byAgent = new LinkedHashMap<>();

    public void record(IssuedToken token) {
        Deque<IssuedToken> tokens = byAgent.computeIfAbsent(token.agentId(), k -> new ArrayDeque<>());
        tokens.addFirst(token);
        if (tokens.size() > KEEP_PER_AGENT) {
            tokens.removeLast();
        }
    }

    /** The agent's latest token that was revoked by {@code t}, preferring one not yet expired. */
    public Optional<IssuedToken> revokedOwn(String agentId, Instant t) {
        Optional<IssuedToken> unexpired = own(agentId, x -> x.revokedBy(t) && x.expiresAt().isAfter(t));
        return unexpired.isPresent() ? unexpired : own(agentId, x -> x.revokedBy(t));
    }

    /** The agent's latest token that expired before {@code t} without being revoked. */
    public Optional<IssuedToken> expiredOwn(String agentId, Instant t) {
        return own(agentId, x -> x.revokedAt() == null && !x.expiresAt().isAfter(t));
    }

    /** Tokens of other agents that are still valid at {@code t}, newest first. */
    public List<IssuedToken> validForeign(String agentId, Instant t) {
        List<IssuedToken> found = new ArrayList<>();
        byAgent.forEach((agent, tokens) -> {
            if (!agent.equals(agentId)) {
                tokens.stream().filter(x -> x.validAt(t)).forEach(found::add);
            }
        });
        return found;
    }

    private Optional<IssuedToken> own(String agentId, Predicate<IssuedToken> condition) {
        return byAgent.getOrDefault(agentId, new ArrayDeque<>()).stream().filter(condition).findFirst();
    }
}
