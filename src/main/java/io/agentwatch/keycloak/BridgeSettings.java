package io.agentwatch.keycloak;

import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.topology.TopicNames;
import java.time.Duration;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** The keycloak-bridge's settings, read and checked from the one config. */
public record BridgeSettings(
        String keycloakUrl,
        String realm,
        String adminRealm,
        String adminClientId,
        String adminClientSecret,
        Duration pollInterval,
        Duration settle,
        Duration httpTimeout,
        String bridgeId,
        String positionTopic,
        TopicNames topics) {

    /**
     * @throws ConfigException naming the key to set when a required one is missing
     */
    public static BridgeSettings from(AgentwatchConfig c) {
        String url = required(c, AgentwatchConfig.KEYCLOAK_URL, "the Keycloak base URL, e.g. http://keycloak:8080");
        String realm = required(c, AgentwatchConfig.KEYCLOAK_REALM, "the realm of the agents' clients");
        Password secret = c.getPassword(AgentwatchConfig.KEYCLOAK_ADMIN_CLIENT_SECRET);
        if (secret == null || secret.value().isBlank()) {
            throw new ConfigException(AgentwatchConfig.KEYCLOAK_ADMIN_CLIENT_SECRET + " is not set: the bridge logs in to "
                    + "Keycloak as client " + c.getString(AgentwatchConfig.KEYCLOAK_ADMIN_CLIENT_ID)
                    + " (AGENTWATCH_KEYCLOAK_ADMIN_CLIENT_SECRET)");
        }
        return new BridgeSettings(url, realm, c.getString(AgentwatchConfig.KEYCLOAK_ADMIN_REALM),
                c.getString(AgentwatchConfig.KEYCLOAK_ADMIN_CLIENT_ID), secret.value(),
                c.duration(AgentwatchConfig.KEYCLOAK_POLL_INTERVAL), c.duration(AgentwatchConfig.KEYCLOAK_EVENTS_SETTLE),
                c.duration(AgentwatchConfig.KEYCLOAK_HTTP_TIMEOUT), c.getString(AgentwatchConfig.KEYCLOAK_BRIDGE_ID),
                c.getString(AgentwatchConfig.TOPIC_KEYCLOAK_POSITION), TopicNames.from(c));
    }

    /** transactional.id and group.id: one bridge per realm. */
    public String kafkaId() {
        return bridgeId + "-" + realm;
    }

    private static String required(AgentwatchConfig c, String key, String what) {
        String v = c.getString(key);
        if (v == null || v.isBlank()) {
            throw new ConfigException(key + " is not set: " + what + " (AGENTWATCH_"
                    + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_') + ")");
        }
        return v.trim();
    }
}
