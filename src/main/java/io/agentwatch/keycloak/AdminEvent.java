package io.agentwatch.keycloak;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * An admin event ({@code GET /admin/realms/{r}/admin-events}): an administrator (or the bridge
 * itself) changed something, e.g. {@code UPDATE CLIENT clients/{uuid}} or
 * {@code ACTION USER users/{uuid}/logout}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AdminEvent(String id, long time, String operationType, String resourceType, String resourcePath) {
}
