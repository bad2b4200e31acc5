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
 * and AGENT commands also cover tokens agentwatch did not list; expired ones need nothing.
 */
final class RevocationDesk {
    /** The verdict, and the revocations to publish (none when refused). */
    record Outcome(CommandVerifier.Verdict verdict, List<TokenRevoked> revoked) {
    }

    private record Issued(String sessionId, Instant expiresAt) {
    }

    private final CommandVerifier verifier;
    private final Clock clock;
    /** Per agent: token id → (session id, expiry), from the issuance topic. */
    private final Map<String, Map<String, Issued>> tokensByAgent = new HashMap<>();
    private final Set<String> revoked = new HashSet<>();

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
            if (revoked.add(token)) {
                out.add(TokenRevoked.newBuilder().setTokenId(token).setAgentId(cmd.getAgentId())
                        .setRevokedAt(now).setReason("agentwatch: " + cmd.getReason())
                        .setRevokedBy("sample-credential-broker").setCommandId(cmd.getCommandId()).build());
            }
        }
        return new Outcome(verdict, out);
    }
}
