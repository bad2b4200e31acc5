package io.agentwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A realm set up the way the README's Keycloak section says, through the admin REST API as the
 * bootstrap admin: token events and admin events on, OAuth scopes as client scopes, agents as
 * confidential clients with a service account (client credentials) whose tokens name the
 * {@value #GATEWAY} in their audience, the gateway itself (it introspects, which Keycloak 26.7
 * allows only to a client in the token's audience), and the bridge's own client with the
 * realm-management roles it needs.
 */
public final class KeycloakRealm {
    public static final String GATEWAY = "gateway";
    public static final String BRIDGE_CLIENT = "agentwatch-bridge";
    public static final List<String> SCOPES = List.of("tickets:read", "mail:send", "payments:write");
    private static final List<String> BRIDGE_ROLES = List.of("view-events", "view-realm", "view-clients", "manage-clients",
            "view-users");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String url;
    private final String realm;

    /** A token as minted: the JWT and the claims the tests look at. */
    public record Token(String jwt, String jti, String clientId, long iat, List<String> scopes) {
    }

    private KeycloakRealm(String url, String realm) {
        this.url = url;
        this.realm = realm;
    }

    /** Creates the realm, its scopes, the gateway and the bridge client. */
    public static KeycloakRealm create(String url, String realm) {
        KeycloakRealm r = new KeycloakRealm(url, realm);
        r.setUp();
        return r;
    }

    public String name() {
        return realm;
    }

    public static String secretOf(String clientId) {
        return clientId + "-secret";
    }

    /** An agent client: client credentials, {@code tickets:read} by default, the other scopes on request. */
    public void createAgentClient(String clientId) {
        ObjectNode c = json.createObjectNode()
                .put("clientId", clientId).put("secret", secretOf(clientId)).put("publicClient", false)
                .put("serviceAccountsEnabled", true).put("standardFlowEnabled", false).put("directAccessGrantsEnabled", false);
        c.putArray("defaultClientScopes").add("tickets:read");
        ArrayNode optional = c.putArray("optionalClientScopes");
        SCOPES.stream().filter(s -> !s.equals("tickets:read")).forEach(optional::add);
        ObjectNode audience = c.putArray("protocolMappers").addObject()
                .put("name", "audience-" + GATEWAY).put("protocol", "openid-connect").put("protocolMapper", "oidc-audience-mapper");
        audience.putObject("config").put("included.client.audience", GATEWAY).put("access.token.claim", "true")
                .put("introspection.token.claim", "true");
        admin("POST", "/clients", c);
    }

    /** Client credentials grant; {@code scope} adds optional scopes (space-separated), or null. */
    public Token mint(String clientId, String scope) {
        String form = "grant_type=client_credentials" + (scope == null ? "" : "&scope=" + encode(scope));
        JsonNode answer = form(clientId, secretOf(clientId), "/protocol/openid-connect/token", form);
        String jwt = answer.path("access_token").asText();
        JsonNode claims = claims(jwt);
        return new Token(jwt, claims.path("jti").asText(), clientId, claims.path("iat").asLong(),
                List.of(claims.path("scope").asText().split(" ")));
    }

    /** Introspection by the gateway: whether Keycloak still accepts the token. */
    public boolean active(Token token) {
        return form(GATEWAY, secretOf(GATEWAY), "/protocol/openid-connect/token/introspect", "token=" + encode(token.jwt()))
                .path("active").asBoolean(false);
    }

    /** RFC 7009 revocation by the token's own client. */
    public void revokeAsOwnClient(Token token) {
        form(token.clientId(), secretOf(token.clientId()), "/protocol/openid-connect/revoke",
                "token=" + encode(token.jwt()) + "&token_type_hint=access_token");
    }

    private void setUp() {
        ObjectNode r = json.createObjectNode().put("realm", realm).put("enabled", true);
        adminAt("POST", "/admin/realms", r);
        ObjectNode events = json.createObjectNode().put("eventsEnabled", true).put("adminEventsEnabled", true)
                .put("adminEventsDetailsEnabled", false);
        events.putArray("enabledEventTypes").add("CLIENT_LOGIN").add("TOKEN_EXCHANGE").add("REVOKE_GRANT");
        events.putArray("eventsListeners").add("jboss-logging");
        admin("PUT", "/events/config", events);
        for (String scope : SCOPES) {
            ObjectNode s = json.createObjectNode().put("name", scope).put("protocol", "openid-connect");
            s.putObject("attributes").put("include.in.token.scope", "true");
            admin("POST", "/client-scopes", s);
        }
        admin("POST", "/clients", json.createObjectNode().put("clientId", GATEWAY).put("secret", secretOf(GATEWAY))
                .put("publicClient", false).put("standardFlowEnabled", false));
        admin("POST", "/clients", json.createObjectNode().put("clientId", BRIDGE_CLIENT).put("secret", secretOf(BRIDGE_CLIENT))
                .put("publicClient", false).put("serviceAccountsEnabled", true).put("standardFlowEnabled", false));
        String bridgeId = admin("GET", "/clients?clientId=" + BRIDGE_CLIENT, null).get(0).path("id").asText();
        String serviceAccount = admin("GET", "/clients/" + bridgeId + "/service-account-user", null).path("id").asText();
        String management = admin("GET", "/clients?clientId=realm-management", null).get(0).path("id").asText();
        ArrayNode roles = json.createArrayNode();
        for (JsonNode role : admin("GET", "/clients/" + management + "/roles", null)) {
            if (BRIDGE_ROLES.contains(role.path("name").asText())) {
                roles.add(role);
            }
        }
        admin("POST", "/users/" + serviceAccount + "/role-mappings/clients/" + management, roles);
    }

    private JsonNode admin(String method, String path, JsonNode body) {
        return adminAt(method, "/admin/realms/" + realm + path, body);
    }

    private JsonNode adminAt(String method, String path, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminToken())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        return call(b.build());
    }

    private String adminToken() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/realms/master/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username="
                        + KeycloakExtension.Keycloak.ADMIN_USER + "&password=" + KeycloakExtension.Keycloak.ADMIN_PASSWORD))
                .build();
        return call(request).path("access_token").asText();
    }

    private JsonNode form(String clientId, String secret, String path, String form) {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return call(HttpRequest.newBuilder(URI.create(url + "/realms/" + realm + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private JsonNode call(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(request.method() + " " + request.uri() + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body().isBlank() ? json.nullNode() : json.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private JsonNode claims(String jwt) {
        try {
            return json.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (IOException e) {
            throw new IllegalStateException("not a JWT: " + jwt, e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A clients file mapping each clientId to its agent id and boundaries, as keycloak.clients.file reads it. */
    public static String clientsFile(Map<String, String> agentIds, Map<String, List<String>> boundaries) {
        return "clients:\n" + agentIds.entrySet().stream().map(e -> "  " + e.getKey() + ":\n    agent_id: " + e.getValue() + "\n"
                + (boundaries.containsKey(e.getKey()) ? "    boundaries: [" + String.join(", ", boundaries.get(e.getKey())) + "]\n" : ""))
                .collect(Collectors.joining());
    }
}
