package io.agentwatch.keycloak;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * A user (login) event as Keycloak's admin API returns it ({@code GET /admin/realms/{r}/events}).
 * {@code time} is in epoch milliseconds of Keycloak's clock; for token events,
 * {@code details.token_id} is the token's {@code jti} and {@code details.scope} its scopes.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record KeycloakEvent(String id, long time, String type, String clientId, String userId, String sessionId,
                            String error, Map<String, String> details) {

    public String detail(String name) {
        return details == null ? null : details.get(name);
    }
}
