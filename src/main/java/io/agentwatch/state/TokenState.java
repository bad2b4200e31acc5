package io.agentwatch.state;

import io.agentwatch.avro.Actor;
import io.agentwatch.avro.TokenIssued;
import java.util.List;

/**
 * A token as agentwatch knows it: what it grants, until when, whether it was revoked, and
 * whether agentwatch ordered its revocation and is waiting for the broker to confirm.
 */
public final class TokenState {
    /** One delegator of the token (nearest first), as in the TokenIssued actor chain. */
    public record Delegator(String sub, String tokenId) {
    }

    String tokenId;
    String agentId;
    String sessionId;
    long issuedAt;
    long expiresAt;
    List<String> scopes;
    List<String> boundaries;
    List<Delegator> actorChain = List.of();
    String purpose;
    long revokedAt;
    String revokeReason;
    String commandId;
    long commandAt;
    boolean unconfirmedReported;

    TokenState() {
        // for the state serde
    }

    public static TokenState of(TokenIssued t) {
        TokenState s = new TokenState();
        s.tokenId = t.getTokenId();
        s.agentId = t.getAgentId();
        s.sessionId = t.getSessionId();
        s.issuedAt = t.getIssuedAt().toEpochMilli();
        s.expiresAt = t.getExpiresAt().toEpochMilli();
        s.scopes = t.getScopes() == null ? null : List.copyOf(t.getScopes());
        s.boundaries = t.getBoundaries() == null ? null : List.copyOf(t.getBoundaries());
        s.actorChain = t.getActorChain().stream().map((Actor a) -> new Delegator(a.getSub(), a.getTokenId())).toList();
        s.purpose = t.getPurpose();
        return s;
    }

    /** Grants {@code scope}: unrestricted tokens grant everything; "mail:*" grants "mail:send". */
    public boolean grants(String scope) {
        return scopes == null || scopes.stream().anyMatch(g -> covers(g, scope));
    }

    /** The grant {@code granted} covers {@code scope}: equal, or a prefix grant ("mail:*") of it. */
    public static boolean covers(String granted, String scope) {
        return granted.equals(scope) || (granted.endsWith("*") && scope.startsWith(granted.substring(0, granted.length() - 1)));
    }

    public boolean allowsBoundary(String boundary) {
        return boundaries == null || boundaries.contains(boundary);
    }

    public boolean isRevoked() {
        return revokedAt > 0;
    }

    public boolean isExpiredAt(long time, long leewayMs) {
        return time > expiresAt + leewayMs;
    }

    /** Revoked or expired at {@code time}: the token can no longer be used legitimately. */
    public boolean isEndedAt(long time) {
        return (revokedAt > 0 && revokedAt <= time) || time > expiresAt;
    }

    public long endedAt() {
        return revokedAt > 0 ? Math.min(revokedAt, expiresAt) : expiresAt;
    }

    public void revoke(long at, String reason) {
        if (revokedAt == 0 || at < revokedAt) {
            revokedAt = at;
            revokeReason = reason;
        }
    }

    public void revocationOrdered(String commandId, long at) {
        if (this.commandId == null) {
            this.commandId = commandId;
            this.commandAt = at;
        }
    }

    public boolean awaitingConfirmation() {
        return commandId != null && revokedAt == 0;
    }

    public void markUnconfirmedReported() {
        unconfirmedReported = true;
    }

    public String tokenId() {
        return tokenId;
    }

    public String agentId() {
        return agentId;
    }

    public String sessionId() {
        return sessionId;
    }

    public long issuedAt() {
        return issuedAt;
    }

    public long expiresAt() {
        return expiresAt;
    }

    public List<String> scopes() {
        return scopes;
    }

    public List<String> boundaries() {
        return boundaries;
    }

    public List<Delegator> actorChain() {
        return actorChain;
    }

    public String purpose() {
        return purpose;
    }

    public long revokedAt() {
        return revokedAt;
    }

    public String revokeReason() {
        return revokeReason;
    }

    public String commandId() {
        return commandId;
    }

    public long commandAt() {
        return commandAt;
    }

    public boolean unconfirmedReported() {
        return unconfirmedReported;
    }
}
