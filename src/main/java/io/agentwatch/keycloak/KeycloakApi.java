package io.agentwatch.keycloak;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The calls the bridge makes to Keycloak's admin REST API, authenticated as the bridge's own
 * confidential client (client credentials; the token is reused until shortly before it
 * expires). JDK HttpClient and Jackson, no Keycloak client library.
 */
public final class KeycloakApi {
    /** Events the bridge reads: issuances (client credentials, token exchange) and RFC 7009 revocations. */
    static final List<String> TOKEN_EVENT_TYPES = List.of("CLIENT_LOGIN", "TOKEN_EXCHANGE", "REVOKE_GRANT");
    private static final String CLIENT_LIFESPAN_ATTRIBUTE = "access.token.lifespan";
    private static final Duration TOKEN_REFRESH_MARGIN = Duration.ofSeconds(10);

    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final String baseUrl;
    private final String realm;
    private final String adminRealm;
    private final String clientId;
    private final String clientSecret;
    private final Duration timeout;
    private String accessToken;
    private Instant accessTokenRefreshAt = Instant.MIN;

    /** A realm's settings the bridge needs. */
    public record RealmState(int accessTokenLifespanSeconds, int notBefore) {
    }

    /**
     * A client as the bridge needs it: its internal id, notBefore (epoch seconds, 0 = never set),
     * the access token lifespan it overrides (0 = the realm's), and Keycloak's clock at the answer.
     */
    public record ClientState(String id, String clientId, int notBefore, int accessTokenLifespanSeconds,
                              long serverTimeSeconds) {
    }

    public KeycloakApi(String baseUrl, String realm, String adminRealm, String clientId, String clientSecret,
                       Duration timeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.realm = realm;
        this.adminRealm = adminRealm == null || adminRealm.isBlank() ? realm : adminRealm;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The {@code iss} of the realm's tokens. */
    public String issuer() {
        return baseUrl + "/realms/" + realm;
    }

    public String realm() {
        return realm;
    }

    /** Token events from {@code fromMillis} (inclusive), oldest first; one page. */
    public List<KeycloakEvent> events(long fromMillis, int first, int max) {
        String types = TOKEN_EVENT_TYPES.stream().map(t -> "&type=" + t).collect(Collectors.joining());
        return list(adminRequest("/events?direction=asc&dateFrom=" + fromMillis + "&first=" + first + "&max=" + max + types),
                new TypeReference<List<KeycloakEvent>>() { });
    }

    /** Admin events from {@code fromMillis} (inclusive), oldest first; one page. */
    public List<AdminEvent> adminEvents(long fromMillis, int first, int max) {
        return list(adminRequest("/admin-events?direction=asc&dateFrom=" + fromMillis + "&first=" + first + "&max=" + max),
                new TypeReference<List<AdminEvent>>() { });
    }

    public RealmState realmState() {
        Answer a = sendAllowing404(adminRequest("").GET());
        if (a == null) {
            throw new KeycloakException("Keycloak at " + baseUrl + " has no realm '" + realm + "': check keycloak.realm and keycloak.url", 404);
        }
        JsonNode r = a.body;
        return new RealmState(r.path("accessTokenLifespan").asInt(300), r.path("notBefore").asInt(0));
    }

    /** Every client of the realm (the bridge keeps their ids, notBefore and lifespans). */
    public List<ClientState> clients() {
        Answer a = send(adminRequest("/clients?briefRepresentation=false&max=100000").GET());
        List<ClientState> out = new ArrayList<>();
        for (JsonNode c : a.body) {
            out.add(clientState(c, a.serverTimeSeconds));
        }
        return out;
    }

    /** A client by its internal id; empty when it no longer exists. */
    public Optional<ClientState> client(String id) {
        Answer a = sendAllowing404(adminRequest("/clients/" + encode(id)).GET());
        return a == null ? Optional.empty() : Optional.of(clientState(a.body, a.serverTimeSeconds));
    }

    /** A user's notBefore (epoch seconds; 0 = never set); empty when the user no longer exists. */
    public Optional<Integer> userNotBefore(String userId) {
        Answer a = sendAllowing404(adminRequest("/users/" + encode(userId)).GET());
        return a == null ? Optional.empty() : Optional.of(a.body.path("notBefore").asInt(0));
    }

    /**
     * Sets a client's notBefore: Keycloak then rejects (introspection: active false) every token
     * of that client whose {@code iat} is before it. A partial representation: nothing else changes.
     */
    public void setClientNotBefore(String id, int notBefore) {
        send(adminRequest("/clients/" + encode(id))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"notBefore\":" + notBefore + "}")));
    }

    private ClientState clientState(JsonNode c, long serverTimeSeconds) {
        int lifespan = 0;
        String override = c.path("attributes").path(CLIENT_LIFESPAN_ATTRIBUTE).asText("");
        if (!override.isBlank()) {
            try {
                lifespan = Integer.parseInt(override.trim());
            } catch (NumberFormatException e) {
                lifespan = 0; // unreadable override: Keycloak itself then uses the realm's lifespan
            }
        }
        return new ClientState(c.path("id").asText(), c.path("clientId").asText(), c.path("notBefore").asInt(0),
                lifespan, serverTimeSeconds);
    }

    private <T> T list(HttpRequest.Builder request, TypeReference<T> type) {
        return json.convertValue(send(request.GET()).body, type);
    }

    private HttpRequest.Builder adminRequest(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms/" + encode(realm) + pathAndQuery))
                .timeout(timeout)
                .header("Accept", "application/json");
    }

    private record Answer(JsonNode body, long serverTimeSeconds) {
    }

    private Answer sendAllowing404(HttpRequest.Builder request) {
        try {
            return send(request);
        } catch (KeycloakException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** Sends with the bridge's bearer token; one retry with a fresh token after a 401. */
    private Answer send(HttpRequest.Builder request) {
        HttpResponse<String> response = exchange(request.copy().header("Authorization", "Bearer " + accessToken()).build());
        if (response.statusCode() == 401) {
            accessTokenRefreshAt = Instant.MIN;
            response = exchange(request.copy().header("Authorization", "Bearer " + accessToken()).build());
        }
        int status = response.statusCode();
        if (status == 403) {
            throw new KeycloakException("Keycloak refused " + response.request().method() + " " + response.request().uri().getPath()
                    + " (403): give the service account of client '" + clientId + "' the realm-management roles "
                    + "view-events, view-realm, view-clients, manage-clients and view-users", status);
        }
        if (status / 100 != 2) {
            throw new KeycloakException("Keycloak answered " + status + " to " + response.request().method() + " "
                    + response.request().uri().getPath() + ": " + abbreviate(response.body()), status);
        }
        long serverTime = response.headers().firstValue("Date")
                .map(d -> ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond())
                .orElse(Instant.now().getEpochSecond());
        try {
            JsonNode body = response.body().isBlank() ? json.nullNode() : json.readTree(response.body());
            return new Answer(body, serverTime);
        } catch (IOException e) {
            throw new KeycloakException("Keycloak's answer to " + response.request().uri().getPath()
                    + " is not JSON: " + abbreviate(response.body()), status);
        }
    }

    private String accessToken() {
        if (accessToken != null && Instant.now().isBefore(accessTokenRefreshAt)) {
            return accessToken;
        }
        String form = "grant_type=client_credentials&client_id=" + encode(clientId)
                + "&client_secret=" + encode(clientSecret == null ? "" : clientSecret);
        URI tokenUri = URI.create(baseUrl + "/realms/" + encode(adminRealm) + "/protocol/openid-connect/token");
        HttpResponse<String> response = exchange(HttpRequest.newBuilder(tokenUri).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        if (response.statusCode() != 200) {
            throw new KeycloakException("the bridge cannot log in to Keycloak as client '" + clientId + "' of realm '"
                    + adminRealm + "' (" + response.statusCode() + " " + abbreviate(response.body())
                    + "): check keycloak.admin.client.id / keycloak.admin.client.secret and that the client has a service account",
                    response.statusCode());
        }
        try {
            Map<String, Object> token = json.readValue(response.body(), new TypeReference<Map<String, Object>>() { });
            accessToken = (String) token.get("access_token");
            long expiresIn = ((Number) token.getOrDefault("expires_in", 60)).longValue();
            accessTokenRefreshAt = Instant.now().plusSeconds(expiresIn).minus(TOKEN_REFRESH_MARGIN);
            return accessToken;
        } catch (IOException | ClassCastException e) {
            throw new KeycloakException("Keycloak's token answer is not what OAuth prescribes: " + abbreviate(response.body()), 200);
        }
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new KeycloakException("cannot reach Keycloak at " + baseUrl + " (" + e + "); check keycloak.url", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeycloakException("interrupted while calling Keycloak", e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String body) {
        String b = body == null ? "" : body.strip();
        return b.length() > 300 ? b.substring(0, 300) + "..." : b;
    }
}
