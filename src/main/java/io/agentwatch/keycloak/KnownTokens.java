package io.agentwatch.keycloak;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The unexpired tokens the bridge saw Keycloak issue, and the notBefore values it knows of
 * (realm, per client, per user), so that a token issued into an already-moved notBefore is
 * reported revoked too. In memory: after a restart the bridge learns them again from
 * Keycloak's events of the last token lifespan (which outlive every token they announce).
 */
final class KnownTokens {
    private final Map<String, KnownToken> byId = new HashMap<>();
    private final Map<String, Long> clientNotBefore = new HashMap<>();
    private final Map<String, Long> userNotBefore = new HashMap<>();
    private long realmNotBefore;

    void add(KnownToken t) {
        byId.put(t.tokenId(), t);
    }

    Optional<KnownToken> get(String tokenId) {
        return Optional.ofNullable(byId.get(tokenId));
    }

    List<KnownToken> matching(Predicate<KnownToken> p) {
        return byId.values().stream().filter(p).toList();
    }

    Collection<KnownToken> all() {
        return byId.values();
    }

    /** Forgets tokens that expired before {@code nowMillis}: no revocation can concern them any more. */
    void purgeExpired(long nowMillis) {
        byId.values().removeIf(t -> t.expiresAtMillis() < nowMillis);
    }

    void realmNotBefore(long notBefore) {
        realmNotBefore = Math.max(realmNotBefore, notBefore);
    }

    void clientNotBefore(String clientId, long notBefore) {
        clientNotBefore.merge(clientId, notBefore, Math::max);
    }

    void userNotBefore(String userId, long notBefore) {
        userNotBefore.merge(userId, notBefore, Math::max);
    }

    long clientNotBefore(String clientId) {
        return clientNotBefore.getOrDefault(clientId, 0L);
    }

    /** Whether a notBefore the bridge knows of already rejects this token. */
    boolean rejected(KnownToken t) {
        return t.invalidatedBy(realmNotBefore) || t.invalidatedBy(clientNotBefore(t.clientId()))
                || (t.userId() != null && t.invalidatedBy(userNotBefore.getOrDefault(t.userId(), 0L)));
    }
}
