package io.agentwatch.simulate;

import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.respond.CommandVerifier;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the sample credential broker decides, without Kafka: it learns which tokens exist from
 * the issuances, refuses every revoke command that fails {@link CommandVerifier} (unsigned,
 * unknown key, altered, expired, replayed), and revokes what a valid command names. SESSION
 * and AGENT commands also cover tokens agentwatch did not list; expired ones need nothing. A
 * SUSPEND command holds the listed tokens (a real broker refuses their calls meanwhile) until a
 * RESUME releases them or a revoke ends them: a suspension is not a revocation, nothing is sent back.
 */
final class RevocationDesk {
    /** The verdict, the revocations to publish (none when refused), and the tokens suspended or resumed. */
    record Outcome(CommandVerifier.Verdict verdict, List<TokenRevoked> revoked, List<String> suspended,
                   List<String> resumed) {
        Outcome(CommandVerifier.Verdict verdict, List<TokenRevoked> revoked) {
            this(verdict, revoked, List.of(), List.of());
        }
    }

    private record Issued(String sessionId, Instant expiresAt) {
    }

    private final CommandVerifier verifier;
    private final Clock clock;
    /** Per agent: token id → (session id, expiry), from the issuance topic. */
    private final Map<String, Map<String, Issued>> tokensByAgent = new HashMap<>();
    private final Set<String> revoked = new HashSet<>();
    private final Set<String> suspended = new HashSet<>();

    RevocationDesk(CommandVerifier verifier, Clock clock) {
        this.verifier = verifier;
        this.clock = clock;
    }

    void issued(TokenIssued t) {
        tokensByAgent.computeIfAbsent(t.getAgentId(), a -> new HashMap<>())
                .put(t.getTokenId(), new Issued(t.getSessionId(), t.getExpiresAt()));
    }

    Outcome command(RevokeCommand cmd) {
        CommandVerifier.Verdict verdict = verifier.verify(cmd);
        if (!verdict.accepted()) {
            return new Outcome(verdict, List.of());
        }
        if (cmd.getScope() == RevokeScope.SUSPEND || cmd.getScope() == RevokeScope.RESUME) {
            List<String> changed = new ArrayList<>();
            for (String token : cmd.getTokenIds()) {
                boolean change = cmd.getScope() == RevokeScope.SUSPEND ? !revoked.contains(token) && suspended.add(token)
                        : suspended.remove(token);
                if (change) {
                    changed.add(token);
                }
            }
            return cmd.getScope() == RevokeScope.SUSPEND ? new Outcome(verdict, List.of(), changed, List.of())
                    : new Outcome(verdict, List.of(), List.of(), changed);
        }
        Set<String> tokens = new LinkedHashSet<>(cmd.getTokenIds());
        Instant now = Instant.now(clock);
        tokensByAgent.getOrDefault(cmd.getAgentId(), Map.of()).forEach((token, issued) -> {
            boolean inScope = cmd.getScope() == RevokeScope.AGENT || (cmd.getScope() == RevokeScope.SESSION
                    && cmd.getSessionId() != null && cmd.getSessionId().equals(issued.sessionId()));
            if (inScope && issued.expiresAt().isAfter(now)) {
                tokens.add(token);
            }
        });
        List<TokenRevoked> out = new ArrayList<>();
        for (String token : tokens) {
            suspended.remove(token);
            if (revoked.add(token)) {
                out.add(TokenRevoked.newBuilder().setTokenId(token).setAgentId(cmd.getAgentId())
                        .setRevokedAt(now).setReason("agentwatch: " + cmd.getReason())
                        .setRevokedBy("sample-credential-broker").setCommandId(cmd.getCommandId()).build());
            }
        }
        return new Outcome(verdict, out);
    }

    /** The token is held by a suspension: its calls would be refused now. */
    boolean isSuspended(String tokenId) {
        return suspended.contains(tokenId);
    }
}
