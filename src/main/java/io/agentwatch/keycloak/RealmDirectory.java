package io.agentwatch.keycloak;

import io.agentwatch.keycloak.KeycloakApi.ClientState;
import io.agentwatch.keycloak.KeycloakApi.RealmState;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The realm's clients (clientId ↔ internal id, token lifespan overrides) and the realm's token
 * lifespan, read from Keycloak at start and again when a client is not found (created since),
 * at most once per {@link #MIN_REFRESH_INTERVAL}.
 */
final class RealmDirectory {
    static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(10);

    private final KeycloakApi api;
    private final LongSupplier nanoTime;
    private RealmState realm;
    private Map<String, ClientState> byClientId = Map.of();
    private Map<String, ClientState> byId = Map.of();
    private long refreshedAtNanos;

    RealmDirectory(KeycloakApi api, LongSupplier nanoTime) {
        this.api = api;
        this.nanoTime = nanoTime;
    }

    /** Reads the realm and its clients. */
    void refresh() {
        realm = api.realmState();
        Map<String, ClientState> c = new HashMap<>();
        Map<String, ClientState> i = new HashMap<>();
        for (ClientState s : api.clients()) {
            c.put(s.clientId(), s);
            i.put(s.id(), s);
        }
        byClientId = c;
        byId = i;
        refreshedAtNanos = nanoTime.getAsLong();
    }

    RealmState realm() {
        if (realm == null) {
            refresh();
        }
        return realm;
    }

    Map<String, ClientState> clients() {
        realm();
        return byClientId;
    }

    /** The access token lifespan of a client's tokens: its own override, else the realm's. */
    int lifespanSeconds(String clientId) {
        int override = byClientId(clientId).map(ClientState::accessTokenLifespanSeconds).orElse(0);
        return override > 0 ? override : realm().accessTokenLifespanSeconds();
    }

    /** The longest lifespan any token of the realm can have. */
    int maxLifespanSeconds() {
        int max = realm().accessTokenLifespanSeconds();
        for (ClientState c : byClientId.values()) {
            max = Math.max(max, c.accessTokenLifespanSeconds());
        }
        return max;
    }

    Optional<ClientState> byClientId(String clientId) {
        realm();
        ClientState s = byClientId.get(clientId);
        if (s == null && refreshAllowed()) {
            refresh();
            s = byClientId.get(clientId);
        }
        return Optional.ofNullable(s);
    }

    /** Like {@link #byClientId} but reads Keycloak again whenever the client is missing: before acting on it. */
    Optional<ClientState> byClientIdNow(String clientId) {
        Optional<ClientState> s = byClientId(clientId);
        if (s.isEmpty()) {
            refresh();
            s = Optional.ofNullable(byClientId.get(clientId));
        }
        return s;
    }

    Optional<ClientState> byId(String id) {
        realm();
        ClientState s = byId.get(id);
        if (s == null && refreshAllowed()) {
            refresh();
            s = byId.get(id);
        }
        return Optional.ofNullable(s);
    }

    private boolean refreshAllowed() {
        return nanoTime.getAsLong() - refreshedAtNanos >= MIN_REFRESH_INTERVAL.toNanos();
    }
}
