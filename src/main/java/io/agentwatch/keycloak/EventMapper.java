package io.agentwatch.keycloak;

import io.agentwatch.avro.Actor;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.keycloak.AgentClients.AgentClient;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Maps Keycloak's token events to agentwatch's: CLIENT_LOGIN and TOKEN_EXCHANGE to TokenIssued,
 * REVOKE_GRANT (RFC 7009 at Keycloak) to a revocation. No Kafka, no HTTP: Keycloak's event in,
 * agentwatch's event or the reason to skip it out.
 */
final class EventMapper {
    private final AgentClients clients;
    private final ToIntFunction<String> lifespanSeconds;
    private final String issuer;

    /**
     * @param lifespanSeconds the access token lifespan of a clientId (its override, else the realm's)
     */
    EventMapper(AgentClients clients, ToIntFunction<String> lifespanSeconds, String issuer) {
        this.clients = clients;
        this.lifespanSeconds = lifespanSeconds;
        this.issuer = issuer;
    }

    /** What an event means for agentwatch. */
    sealed interface Mapped permits Issued, Revoked, Skipped {
    }

    /** A token issued to an agent. */
    record Issued(TokenIssued event, KnownToken token) implements Mapped {
    }

    /** A token revoked at Keycloak by its own client (RFC 7009). */
    record Revoked(String tokenId, String clientId, long revokedAtMillis) implements Mapped {
    }

    /**
     * An event with nothing for agentwatch.
     *
     * @param malformed true when the event lacks what Keycloak always sends (dead-lettered), false
     *                  when it is simply not about an agent's token (counted)
     */
    record Skipped(String reason, boolean malformed) implements Mapped {
    }

    Mapped map(KeycloakEvent e) {
        if (e.error() != null) {
            return new Skipped("error-event", false);
        }
        Optional<AgentClient> client = clients.byClientId(e.clientId());
        if (client.isEmpty()) {
            return new Skipped("not-an-agent-client", false);
        }
        String tokenId = e.detail("token_id");
        if (tokenId == null || tokenId.isBlank()) {
            return new Skipped("no-token-id", true);
        }
        return switch (e.type()) {
            case "CLIENT_LOGIN", "TOKEN_EXCHANGE" -> issued(e, client.get(), tokenId);
            case "REVOKE_GRANT" -> new Revoked(tokenId, e.clientId(), e.time());
            default -> new Skipped("other-event-type", false);
        };
    }

    private Issued issued(KeycloakEvent e, AgentClient client, String tokenId) {
        // Keycloak stamps iat in whole seconds, from the same moment as the event.
        long issuedAt = Math.floorDiv(e.time(), 1000L) * 1000L;
        long expiresAt = issuedAt + lifespanSeconds.applyAsInt(client.clientId()) * 1000L;
        // Client-credentials tokens have no session (no sid): each token is its own session.
        String session = e.sessionId() == null || e.sessionId().isBlank() ? tokenId : e.sessionId();
        TokenIssued.Builder b = TokenIssued.newBuilder()
                .setTokenId(tokenId)
                .setAgentId(client.agentId())
                .setSessionId(session)
                .setIssuedAt(Instant.ofEpochMilli(e.time()))
                .setExpiresAt(Instant.ofEpochMilli(expiresAt))
                .setScopes(scopes(e.detail("scope")))
                .setAudience(e.detail("audience"))
                .setBoundaries(client.boundaries())
                .setPurpose(purpose(e, client))
                .setIssuer(issuer);
        if ("TOKEN_EXCHANGE".equals(e.type())) {
            // Keycloak 26.7 puts no act claim in exchanged tokens; the subject token's client is
            // the delegator, when it is an agent. Its token id is not in the event.
            clients.byClientId(e.detail("subject_token_client_id"))
                    .filter(subject -> !subject.clientId().equals(client.clientId()))
                    .ifPresent(subject -> b.setActorChain(List.of(Actor.newBuilder().setSub(subject.agentId()).build())));
        }
        KnownToken known = new KnownToken(tokenId, client.clientId(), e.userId(), session, client.agentId(),
                e.time(), expiresAt);
        return new Issued(b.build(), known);
    }

    private static String purpose(KeycloakEvent e, AgentClient client) {
        String grant = e.detail("grant_type");
        return "TOKEN_EXCHANGE".equals(e.type())
                ? "token exchange by Keycloak client " + client.clientId()
                        + (e.detail("subject_token_client_id") == null ? "" : " of a token of " + e.detail("subject_token_client_id"))
                : (grant == null ? "token" : grant) + " grant to Keycloak client " + client.clientId();
    }

    /** OAuth scope strings are space-separated; Keycloak always reports the granted ones. */
    static List<String> scopes(String scope) {
        if (scope == null || scope.isBlank()) {
            return List.of();
        }
        return Arrays.stream(scope.trim().split("\\s+")).toList();
    }
}
