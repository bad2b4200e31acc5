package io.agentwatch.keycloak;

/**
 * A token the bridge saw Keycloak issue: what it needs to revoke it (its client) and to tell
 * which revocations cover it (issue second against a notBefore, session, user).
 *
 * @param sessionId the Keycloak session, or the jti itself for tokens without one (client credentials)
 */
public record KnownToken(String tokenId, String clientId, String userId, String sessionId, String agentId,
                         long issuedAtMillis, long expiresAtMillis) {

    /** Keycloak's {@code iat}: whole seconds. notBefore compares against it. */
    public long issuedAtSecond() {
        return Math.floorDiv(issuedAtMillis, 1000L);
    }

    /** Whether Keycloak rejects this token once notBefore is {@code notBefore} (its check: iat &lt; notBefore). */
    public boolean invalidatedBy(long notBefore) {
        return issuedAtSecond() < notBefore;
    }
}
