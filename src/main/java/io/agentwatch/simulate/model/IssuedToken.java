package io.agentwatch.simulate.model;

import java.time.Instant;
import java.util.List;

/** What the simulated credential broker remembers about a token it issued. */
public record IssuedToken(String tokenId, String agentId, List<String> scopes, Instant issuedAt,
                          Instant expiresAt, Instant revokedAt) {

    public boolean validAt(Instant t) {
        return !t.isBefore(issuedAt) && t.isBefore(expiresAt) && (revokedAt == null || t.isBefore(revokedAt));
    }

    public boolean revokedBy(Instant t) {
        return revokedAt != null && !revokedAt.isAfter(t);
    }
}
