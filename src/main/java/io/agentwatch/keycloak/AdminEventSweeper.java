package io.agentwatch.keycloak;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the admin events that revoke tokens into the known tokens they revoked. Keycloak revokes
 * by moving a notBefore: the realm's ("logout all", realm update), a client's (client update,
 * "revocation: set to now"), a user's (logout of a user, such as a client's service account);
 * a deleted client's tokens all stop working. The event does not say the new value, so the
 * sweeper reads it from Keycloak and returns the known tokens it rejects.
 */
final class AdminEventSweeper {
    private static final Pattern CLIENT_PATH = Pattern.compile("clients/([^/]+)(/.*)?");
    private static final Pattern USER_LOGOUT_PATH = Pattern.compile("users/([^/]+)/logout");

    private final KeycloakApi api;
    private final RealmDirectory directory;
    private final KnownTokens known;

    AdminEventSweeper(KeycloakApi api, RealmDirectory directory, KnownTokens known) {
        this.api = api;
        this.directory = directory;
        this.known = known;
    }

    /** Reads the notBefore values in force now: at start-up, before the first events are mapped. */
    void loadNotBefore() {
        directory.refresh();
        known.realmNotBefore(directory.realm().notBefore());
        directory.clients().values().forEach(c -> known.clientNotBefore(c.clientId(), c.notBefore()));
    }

    /** The known tokens this admin event may have revoked (not yet filtered by what was already reported). */
    List<KnownToken> revokedBy(AdminEvent e) {
        if ("CREATE".equals(e.operationType())) {
            return List.of(); // a new realm, client or user has no token yet
        }
        String type = e.resourceType() == null ? "" : e.resourceType();
        String path = e.resourcePath() == null ? "" : e.resourcePath();
        switch (type) {
            case "REALM" -> {
                known.realmNotBefore(api.realmState().notBefore());
                return known.matching(known::rejected);
            }
            case "CLIENT" -> {
                Matcher m = CLIENT_PATH.matcher(path);
                if (!m.matches()) {
                    return List.of();
                }
                String id = m.group(1);
                Optional<KeycloakApi.ClientState> now = api.client(id);
                if (now.isPresent()) {
                    known.clientNotBefore(now.get().clientId(), now.get().notBefore());
                    return known.matching(known::rejected);
                }
                // Deleted: its tokens are all void. Its clientId is only in what the bridge read before.
                return directory.byId(id)
                        .map(gone -> known.matching(t -> t.clientId().equals(gone.clientId())))
                        .orElse(List.of());
            }
            case "USER" -> {
                Matcher m = USER_LOGOUT_PATH.matcher(path);
                if (!m.matches()) {
                    return List.of();
                }
                String userId = m.group(1);
                api.userNotBefore(userId).ifPresent(nb -> known.userNotBefore(userId, nb));
                return known.matching(known::rejected);
            }
            default -> {
                return List.of();
            }
        }
    }
}
