package io.agentwatch.keycloak;

import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.keycloak.KeycloakApi.ClientState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Makes Keycloak stop accepting what a revoke command names.
 *
 * <p>Keycloak's events carry a token's id, never the token itself, and RFC 7009 revocation needs
 * the token; Keycloak 26.7 has no admin call that revokes a token by id. What it has is the
 * client's {@code notBefore}: every token of the client with {@code iat < notBefore} is rejected
 * (introspection answers active:false). {@code iat} has whole seconds, so the bridge sets notBefore
 * to one second past the newest token the command covers: that token and every older token of the
 * client stop working, including one minted in the same second; tokens minted later keep working.
 * <ul>
 *   <li>TOKEN: the listed tokens (and, by that rule, the client's older ones);</li>
 *   <li>SESSION: the listed tokens and every token of the session the bridge knows of (a
 *       client-credentials token is its own session);</li>
 *   <li>AGENT: every token of the client up to Keycloak's current second.</li>
 * </ul>
 * A listed token of another agent's client (a stolen token) is revoked at that client the same way.
 * A token the bridge does not know (not seen in the events) counts as minted now. notBefore is
 * only ever raised. Every token this invalidates is reported revoked, once.
 */
final class RevokeApplier {
    private final AgentClients clients;
    private final RealmDirectory directory;
    private final KeycloakApi api;
    private final KnownTokens known;
    private final CommandVerifier verifier;

    RevokeApplier(AgentClients clients, RealmDirectory directory, KeycloakApi api, KnownTokens known,
                  CommandVerifier verifier) {
        this.clients = clients;
        this.directory = directory;
        this.api = api;
        this.known = known;
        this.verifier = verifier;
    }

    sealed interface Outcome permits Applied, Refused, Stale {
    }

    /**
     * Done: the tokens now rejected by Keycloak that were not reported before.
     *
     * @param notBefore the agent's client's notBefore afterwards, or -1 when that client does not exist
     */
    record Applied(String clientId, long notBefore, List<Revocation> revoked) implements Outcome {
    }

    /** Not acted on; {@code dlqReason} is the short machine-readable reason for the dead-letter header. */
    record Refused(String dlqReason, String message) implements Outcome {
    }

    /** Expired: every token it covers has expired, nothing to do. */
    record Stale() implements Outcome {
    }

    /** One token Keycloak no longer accepts. */
    record Revocation(String tokenId, String agentId, long expiresAtMillis) {
    }

    /**
     * @param alreadyReported token ids already reported revoked
     * @throws KeycloakException when Keycloak could not be read or changed (retry the command)
     */
    Outcome apply(RevokeCommand c, long nowMillis, Predicate<String> alreadyReported) {
        CommandVerifier.Verdict verdict = verifier.verify(c);
        if (!verdict.accepted()) {
            return new Refused("command-refused", verdict.reason());
        }
        if (c.getScope() == RevokeScope.SUSPEND || c.getScope() == RevokeScope.RESUME) {
            // Keycloak 26.7 can reject a client's tokens (notBefore) but not hold one and let it go
            // again; revoking instead would make the approval meaningless. Refused, so the operator
            // sees it; agentwatch revokes when the approval times out or is denied.
            return new Refused("unsupported-scope", c.getScope() + " (step-up approval) cannot be applied in Keycloak,"
                    + " which has no way to suspend a token; the token stays valid until the approval is denied or"
                    + " times out, when agentwatch revokes the session");
        }
        if (c.getExpiresAt().toEpochMilli() < nowMillis) {
            return new Stale();
        }
        Optional<String> clientId = clients.clientIdOf(c.getAgentId());
        if (clientId.isEmpty()) {
            return new Refused("agent-not-mapped", "agent " + c.getAgentId() + " is not a client of Keycloak realm "
                    + api.realm() + ": map it in keycloak.clients.file or keycloak.agent.id.template");
        }
        List<Revocation> revoked = new ArrayList<>();
        long agentNotBefore = -1;
        for (Map.Entry<String, Map<String, KnownToken>> e : targetsByClient(c, clientId.get()).entrySet()) {
            // A listed token of another client (a stolen one) is revoked at its own client, as TOKEN.
            RevokeScope scope = e.getKey().equals(clientId.get()) ? c.getScope() : RevokeScope.TOKEN;
            long notBefore = revokeAtClient(e.getKey(), scope, e.getValue(), c, alreadyReported, revoked);
            if (e.getKey().equals(clientId.get())) {
                agentNotBefore = notBefore;
            }
        }
        return new Applied(clientId.get(), agentNotBefore, revoked);
    }

    /** Moves one client's notBefore past {@code targets}; returns it, or -1 when the client does not exist. */
    private long revokeAtClient(String clientId, RevokeScope scope, Map<String, KnownToken> targets, RevokeCommand c,
                                Predicate<String> alreadyReported, List<Revocation> revoked) {
        Optional<ClientState> client = directory.byClientIdNow(clientId).flatMap(s -> api.client(s.id()));
        if (client.isEmpty()) {
            // A client that does not exist (any more) has no token Keycloak accepts.
            known.matching(t -> t.clientId().equals(clientId)).forEach(t -> targets.putIfAbsent(t.tokenId(), t));
            targets.forEach((id, t) -> addUnreported(revoked, id, c, t, alreadyReported));
            return -1;
        }
        ClientState state = client.get();
        long notBefore = Math.max(state.notBefore(), cutoff(scope, targets, state.serverTimeSeconds()));
        if (notBefore > state.notBefore()) {
            api.setClientNotBefore(state.id(), Math.toIntExact(notBefore));
        }
        known.clientNotBefore(clientId, notBefore);
        targets.forEach((id, t) -> {
            if (t == null || t.invalidatedBy(notBefore)) {
                addUnreported(revoked, id, c, t, alreadyReported);
            }
        });
        for (KnownToken t : known.matching(t -> t.clientId().equals(clientId) && t.invalidatedBy(notBefore))) {
            if (!targets.containsKey(t.tokenId())) {
                addUnreported(revoked, t.tokenId(), c, t, alreadyReported);
            }
        }
        return notBefore;
    }

    /**
     * The tokens the command names, by client: known ones with their details, unknown ones (as
     * null) under the agent's client.
     */
    private Map<String, Map<String, KnownToken>> targetsByClient(RevokeCommand c, String agentClientId) {
        Map<String, Map<String, KnownToken>> out = new LinkedHashMap<>();
        out.put(agentClientId, new LinkedHashMap<>());
        for (String id : c.getTokenIds()) {
            KnownToken t = known.get(id).orElse(null);
            out.computeIfAbsent(t == null ? agentClientId : t.clientId(), k -> new LinkedHashMap<>()).put(id, t);
        }
        Map<String, KnownToken> own = out.get(agentClientId);
        if (c.getScope() == RevokeScope.SESSION && c.getSessionId() != null) {
            known.matching(t -> t.clientId().equals(agentClientId) && c.getSessionId().equals(t.sessionId()))
                    .forEach(t -> own.put(t.tokenId(), t));
        } else if (c.getScope() == RevokeScope.AGENT) {
            known.matching(t -> t.clientId().equals(agentClientId)).forEach(t -> own.put(t.tokenId(), t));
        }
        return out;
    }

    /** The notBefore that rejects every target: one second past the newest, or past now for unknown ones and AGENT. */
    static long cutoff(RevokeScope scope, Map<String, KnownToken> targets, long serverNowSeconds) {
        if (scope == RevokeScope.AGENT) {
            return serverNowSeconds + 1;
        }
        long cutoff = 0;
        for (KnownToken t : targets.values()) {
            cutoff = Math.max(cutoff, t == null ? serverNowSeconds + 1 : t.issuedAtSecond() + 1);
        }
        return cutoff;
    }

    private static void addUnreported(List<Revocation> out, String tokenId, RevokeCommand c, KnownToken t,
                                      Predicate<String> alreadyReported) {
        if (!alreadyReported.test(tokenId)) {
            out.add(new Revocation(tokenId, c.getAgentId(),
                    t == null ? c.getExpiresAt().toEpochMilli() : t.expiresAtMillis()));
        }
    }
}
