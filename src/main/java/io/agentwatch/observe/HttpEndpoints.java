package io.agentwatch.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.rules.Rules;
import io.agentwatch.rules.RulesFileException;
import io.agentwatch.topology.InputRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * agentwatch's HTTP server (the JDK's {@code com.sun.net.httpserver}, no framework):
 *
 * <table>
 * <caption>Endpoints</caption>
 * <tr><th>request</th><th>answers</th></tr>
 * <tr><td>GET /metrics</td><td>200 Prometheus text</td></tr>
 * <tr><td>GET /health</td><td>200 while the process is up (liveness)</td></tr>
 * <tr><td>GET /ready</td><td>200 when Kafka Streams is RUNNING, else 503 with its state</td></tr>
 * <tr><td>GET /agents/{agent_id}</td><td>200 {@link AgentView} JSON, from this instance or forwarded to
 *     the owner (or, when the owner does not answer, from this instance's standby replica, marked
 *     {@code "standby": true}); 400 not a SPIFFE id; 404 unknown agent; 503 starting or rebalancing
 *     (retry); 502 the owner did not answer and no standby is here</td></tr>
 * <tr><td>POST /admin/agents/{agent_id}/reset-baseline</td><td>202 once the owner has recorded the
 *     reset in Kafka (its stream task then restarts the baseline); 400, 404, 503, 502 as above</td></tr>
 * <tr><td>POST /admin/suppressions/reload</td><td>200 rules reloaded on every instance; 422 the file
 *     is invalid (the old rules stay); 502 another instance failed</td></tr>
 * <tr><td>POST /admin/rules/reload</td><td>the same for the analysts' rules (rules.file); a 422 lists
 *     every problem (file, rule id, reason)</td></tr>
 * </table>
 *
 * <p>{@code agent_id} is URL-encoded ({@code spiffe%3A%2F%2Fcorp.example%2Fagents%2Fbot}); the raw
 * form works too. Admin calls need {@code Authorization: Bearer <admin.token>}: 403 when no token is
 * configured (admin disabled), 401 when it is missing or wrong. {@code /agents} needs
 * {@code http.read.token} (or the admin token) when one is set, and one must be set to bind beyond
 * loopback; 401 when missing or wrong. A call forwarded to the owning instance carries no bearer
 * token but a {@link PeerAuth} proof of it, and the owner's answer is passed on only with the
 * owner's proof. Every error is {@code {"error": "..."}}, saying what went wrong and what to do.
 * Other paths 404, other methods 405. Slow clients get {@code http.request.timeout} to send a
 * request and to take the answer ({@link HttpWorkers}).
 *
 * <p>The server starts before Kafka Streams exists, because Streams needs the server's address
 * as {@code application.server} ({@link #applicationServer()}); {@link #attach} hands it the
 * KafkaStreams instance afterwards. Until then /ready and the queries answer 503.
 */
public final class HttpEndpoints implements AutoCloseable {
    /** Marks a request one instance forwarded to another, so it is never forwarded again. */
    static final String FORWARDED_HEADER = "X-Agentwatch-Forwarded-By";

    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoints.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    private static final String JSON_TYPE = "application/json; charset=utf-8";
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String AGENTS = "/agents/";
    private static final String ADMIN_AGENTS = "/admin/agents/";
    private static final String RESET_BASELINE = "/reset-baseline";
    private static final String RELOAD_SUPPRESSIONS = "/admin/suppressions/reload";
    private static final String RELOAD_RULES = "/admin/rules/reload";
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(10);

    private final HttpServer server;
    private final HttpWorkers workers;
    private final HttpClient client;
    private final String applicationServer;
    private final byte[] adminToken;
    private final byte[] readToken;
    private final PeerAuth adminPeers;
    private final PeerAuth readPeers;
    /**
     * The peer check that admitted the forwarded call this thread is answering, to sign the
     * answer with. Not an exchange attribute: Java 17 shares those across a context's exchanges.
     */
    private final ThreadLocal<PeerAnswer> peerAnswer = new ThreadLocal<>();
    private final Supplier<String> metrics;
    private final Suppressions suppressions;
    private final BaselineResetRequests resets;
    private final Rules rules;
    private volatile AgentQueries queries;

    private HttpEndpoints(HttpServer server, HttpWorkers workers, String applicationServer, String adminToken,
                          String readToken, Supplier<String> metrics, Suppressions suppressions,
                          BaselineResetRequests resets, Rules rules) {
        this.server = server;
        this.workers = workers;
        this.applicationServer = applicationServer;
        this.adminToken = adminToken == null ? null : adminToken.getBytes(StandardCharsets.UTF_8);
        this.readToken = readToken == null ? null : readToken.getBytes(StandardCharsets.UTF_8);
        this.adminPeers = adminToken == null ? null : new PeerAuth(adminToken, Clock.systemUTC());
        this.readPeers = readToken == null ? null : new PeerAuth(readToken, Clock.systemUTC());
        this.metrics = metrics;
        this.suppressions = suppressions;
        this.resets = resets;
        this.rules = rules;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Binds {@code http.bind:http.port} (port 0: a free port) and serves at once.
     *
     * @param metrics the Prometheus text for /metrics, e.g. {@code MicrometerObserver::scrape}
     * @throws UncheckedIOException when the address cannot be bound, saying which setting to change
     */
    public static HttpEndpoints start(AgentwatchConfig config, Supplier<String> metrics, Suppressions suppressions,
                                      BaselineResetRequests resets) {
        return start(config, metrics, suppressions, resets, Rules.none());
    }

    /** As above, with the analysts' rules that /admin/rules/reload reloads. */
    public static HttpEndpoints start(AgentwatchConfig config, Supplier<String> metrics, Suppressions suppressions,
                                      BaselineResetRequests resets, Rules rules) {
        String bind = config.getString(AgentwatchConfig.HTTP_BIND);
        int port = config.getInt(AgentwatchConfig.HTTP_PORT);
        String adminToken = secret(config, AgentwatchConfig.ADMIN_TOKEN);
        String readToken = secret(config, AgentwatchConfig.HTTP_READ_TOKEN);
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new ConfigException(AgentwatchConfig.HTTP_BIND, bind, "not an address of this host");
        }
        if (!address.isLoopbackAddress() && readToken == null) {
            throw new ConfigException("http.bind is " + bind + ", beyond this host, and " + AgentwatchConfig.HTTP_READ_TOKEN
                    + " is not set: /agents/{id} would show every agent's tokens, scopes and targets to anyone who"
                    + " can reach the port. Set " + AgentwatchConfig.HTTP_READ_TOKEN + " (AGENTWATCH_HTTP_READ_TOKEN) to a"
                    + " long random secret (openssl rand -base64 32), the same on every instance, or bind to 127.0.0.1");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + bind + ":" + port + " (" + e.getMessage()
                    + "): set http.port (AGENTWATCH_HTTP_PORT) to a free port, or 0 for any, and http.bind "
                    + "(AGENTWATCH_HTTP_BIND) to an address of this host", e);
        }
        HttpWorkers workers = new HttpWorkers(config.duration(AgentwatchConfig.HTTP_REQUEST_TIMEOUT));
        String advertised = advertised(config, server.getAddress());
        HttpEndpoints endpoints = new HttpEndpoints(server, workers, advertised, adminToken, readToken, metrics,
                suppressions, resets, rules);
        server.createContext("/", endpoints::handle);
        server.setExecutor(workers);
        server.start();
        LOG.info("HTTP endpoints on http://{}:{} (application.server {}){}{}", bind, endpoints.port(), advertised,
                endpoints.adminToken == null ? "; admin calls disabled (no admin.token)" : "",
                endpoints.readToken == null ? "; /agents open to local clients (no http.read.token)" : "");
        return endpoints;
    }

    private static String secret(AgentwatchConfig config, String key) {
        Password p = config.getPassword(key);
        return p == null || p.value().isEmpty() ? null : p.value();
    }

    /**
     * The address other instances reach this one at: {@code kafka.application.server} when set
     * (behind NAT or a proxy), else the bind address, or the host name when bound to every interface.
     */
    private static String advertised(AgentwatchConfig config, InetSocketAddress bound) {
        Object configured = config.kafkaOverrides().get(StreamsConfig.APPLICATION_SERVER_CONFIG);
        if (configured != null && !configured.toString().isBlank()) {
            return configured.toString();
        }
        InetAddress address = bound.getAddress();
        String host = address.getHostAddress();
        if (address.isAnyLocalAddress()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                throw new UncheckedIOException("http.bind is " + host + " and this host's name does not resolve: "
                        + "set kafka.application.server to the host:port other instances reach this one at", e);
            }
        }
        if (host.contains(":")) {
            host = "[" + host + "]"; // IPv6 literal
        }
        return host + ":" + bound.getPort();
    }

    /** The port the server listens on (the one picked when {@code http.port} is 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code host:port} to set as Kafka Streams' {@code application.server}. */
    public String applicationServer() {
        return applicationServer;
    }

    /** Serves /ready and the agent queries from {@code streams} from now on. */
    public void attach(KafkaStreams streams) {
        attach(new StreamsAgentQueries(streams, HostInfo.buildFromEndpoint(applicationServer)));
    }

    void attach(AgentQueries agentQueries) {
        this.queries = agentQueries;
    }

    @Override
    public void close() {
        server.stop(0);
        workers.close();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            if (!workers.enter(HttpWorkers.Phase.HANDLING)) {
                return; // the client took longer than http.request.timeout to send its request
            }
            try {
                route(exchange);
            } catch (RuntimeException e) {
                LOG.warn("HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                error(exchange, 500, "internal error (" + e + "); see the agentwatch log, and retry");
            }
        } catch (IOException e) {
            // The client went away mid-response: nothing to answer.
            LOG.debug("HTTP response to {} not delivered", exchange.getRequestURI(), e);
        } finally {
            peerAnswer.remove();
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod();
        if (path.equals("/metrics")) {
            if (allow(ex, "GET")) {
                send(ex, 200, PROMETHEUS_TYPE, metrics.get().getBytes(StandardCharsets.UTF_8));
            }
        } else if (path.equals("/health")) {
            if (allow(ex, "GET")) {
                AgentQueries q = queries;
                json(ex, 200, body("status", "UP", "streams", q == null ? "NOT_STARTED" : q.state()));
            }
        } else if (path.equals("/ready")) {
            if (allow(ex, "GET")) {
                ready(ex);
            }
        } else if (path.startsWith(AGENTS)) {
            if (allow(ex, "GET") && readAuthorized(ex)) {
                agent(ex, path.substring(AGENTS.length()));
            }
        } else if (path.startsWith(ADMIN_AGENTS) && path.endsWith(RESET_BASELINE)
                && path.length() > ADMIN_AGENTS.length() + RESET_BASELINE.length()) {
            if (allow(ex, "POST") && authorized(ex)) {
                resetBaseline(ex, path.substring(ADMIN_AGENTS.length(), path.length() - RESET_BASELINE.length()));
            }
        } else if (path.equals(RELOAD_SUPPRESSIONS)) {
            if (allow(ex, "POST") && authorized(ex)) {
                reloadEverywhere(ex, RELOAD_SUPPRESSIONS, "suppression rules", suppressions::reload);
            }
        } else if (path.equals(RELOAD_RULES)) {
            if (allow(ex, "POST") && authorized(ex)) {
                reloadEverywhere(ex, RELOAD_RULES, "analysts' rules", rules::reload);
            }
        } else {
            error(ex, 404, "no such endpoint: " + method + " " + path + "; try GET /metrics, /health, /ready, "
                    + "/agents/{agent_id}, POST /admin/agents/{agent_id}/reset-baseline, /admin/suppressions/reload"
                    + " or /admin/rules/reload");
        }
    }

    private void ready(HttpExchange ex) throws IOException {
        AgentQueries q = queries;
        String state = q == null ? "NOT_STARTED" : q.state();
        if (state.equals(KafkaStreams.State.RUNNING.name())) {
            json(ex, 200, body("state", state));
        } else {
            json(ex, 503, body("error", "Kafka Streams is " + state + ", not RUNNING: not ready yet, ask again",
                    "state", state));
        }
    }

    private void agent(HttpExchange ex, String rawId) throws IOException {
        onOwner(ex, rawId, "GET", "", true, (agentId, view) -> json(ex, 200, view));
    }

    /** What to do with an agent's locally held state, on the instance that owns it. */
    @FunctionalInterface
    private interface OwnerAction {
        void apply(String agentId, AgentView view) throws IOException;
    }

    /**
     * The routing every per-agent call shares: a malformed id is 400; before Kafka Streams
     * runs or while the owner cannot be located, 503; another instance's agent is forwarded
     * there ({@code method} on the same path + {@code suffix}); an agent nobody knows is 404;
     * otherwise {@code action} runs here with the agent's state. When the owner does not answer
     * (it died, and the group has not yet noticed: a session timeout) a read may be served from
     * this instance's standby replica of the agent's task ({@code standbyServes}), marked as such;
     * anything else is 502.
     */
    private void onOwner(HttpExchange ex, String rawId, String method, String suffix, boolean standbyServes,
                         OwnerAction action) throws IOException {
        String agentId = agentId(ex, rawId);
        if (agentId == null) {
            return;
        }
        AgentQueries q = queries;
        if (q == null) {
            error(ex, 503, "Kafka Streams is not started yet: retry in a few seconds");
            return;
        }
        AgentQueries.Route route = q.route(agentId);
        if (route instanceof AgentQueries.Remote remote) {
            String base = suffix.isEmpty() ? AGENTS : ADMIN_AGENTS;
            IOException unanswered = forward(ex, remote.hostPort(), method, base + encode(agentId) + suffix,
                    suffix.isEmpty() ? readPeers : adminPeers);
            if (unanswered == null) {
                return;
            }
            if (standbyServes && remote.standbyPartition() >= 0) {
                Optional<AgentView> standby = readStandby(q, agentId, remote.standbyPartition());
                if (standby.isPresent()) {
                    LOG.info("{} did not answer for {}; answered from this instance's standby replica",
                            remote.hostPort(), agentId);
                    action.apply(agentId, standby.get());
                    return;
                }
            }
            error(ex, 502, "instance " + remote.hostPort() + " owns the agent but did not answer (" + unanswered
                    + "): check that it is up and that its http.bind lets other instances reach it; if it died, "
                    + "another instance takes the agent over within the session timeout (session.timeout.ms)");
        } else if (route instanceof AgentQueries.Unavailable unavailable) {
            error(ex, 503, "the agent's state cannot be located right now (" + unavailable.why()
                    + "): Kafka Streams is starting or rebalancing; retry in a few seconds");
        } else if (route instanceof AgentQueries.Local local) {
            Optional<AgentView> view = readLocal(ex, q, agentId, local.partition());
            if (view == null) {
                return;
            }
            if (view.isPresent()) {
                action.apply(agentId, view.get());
            } else {
                error(ex, 404, unknown(agentId));
            }
        }
    }

    /** The local state, or null after answering 503 because the store is migrating. */
    private Optional<AgentView> readLocal(HttpExchange ex, AgentQueries q, String agentId, int partition)
            throws IOException {
        try {
            return q.local(agentId, partition);
        } catch (InvalidStateStoreException e) {
            error(ex, 503, "the agent's state store is not queryable right now (" + e.getMessage()
                    + "): it is moving between instances or restoring; retry in a few seconds");
            return null;
        }
    }

    /** The standby replica's state, or empty when there is none here or it cannot be read now. */
    private static Optional<AgentView> readStandby(AgentQueries q, String agentId, int partition) {
        try {
            return q.standby(agentId, partition);
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    private void resetBaseline(HttpExchange ex, String rawId) throws IOException {
        onOwner(ex, rawId, "POST", RESET_BASELINE, false, (agentId, view) -> {
            try {
                resets.request(agentId, applicationServer);
            } catch (IOException e) {
                error(ex, 503, "the reset of " + agentId + " was not recorded (" + e.getMessage()
                        + "): nothing changed; retry when the Kafka cluster answers");
                return;
            }
            LOG.info("baseline reset of {} requested over HTTP and recorded", agentId);
            json(ex, 202, body("agent_id", agentId, "instance", applicationServer, "status", "recorded",
                    "detail", "recorded in Kafka; the baseline restarts from LEARNING once this instance's "
                            + "stream task reads it, in order with the agent's events, also after a restart"));
        });
    }

    /**
     * Reloads a file of this instance, then of every other instance: each holds its own copy, and
     * a forwarded call reloads only the receiver. A file that fails to load is refused (422) and
     * the previous version stays in force.
     */
    private void reloadEverywhere(HttpExchange ex, String path, String what, java.util.function.IntSupplier reload)
            throws IOException {
        int loaded;
        try {
            loaded = reload.getAsInt();
        } catch (IllegalArgumentException e) {
            Map<String, Object> answer = body("error", e.getMessage()
                    + "; the previous rules stay in force: fix the file and reload again");
            if (e instanceof RulesFileException r) {
                answer.put("problems", r.problems());
            }
            json(ex, 422, answer);
            return;
        }
        LOG.info("{} reloaded over HTTP: {} rules", what, loaded);
        List<Map<String, Object>> instances = new ArrayList<>();
        instances.add(body("instance", applicationServer, "rules", loaded));
        List<String> failed = new ArrayList<>();
        AgentQueries q = queries;
        if (q != null && ex.getRequestHeaders().getFirst(FORWARDED_HEADER) == null) {
            for (String other : otherInstances(q)) {
                Map<String, Object> result = reloadOn(other, path);
                instances.add(result);
                if (result.containsKey("error")) {
                    failed.add(other);
                }
            }
        }
        if (failed.isEmpty()) {
            json(ex, 200, body("instances", instances));
        } else {
            json(ex, 502, body("error", "reloaded here but not on " + String.join(", ", failed)
                    + ": check those instances and call reload on them", "instances", instances));
        }
    }

    private static List<String> otherInstances(AgentQueries q) {
        try {
            return q.otherInstances();
        } catch (RuntimeException e) {
            return List.of(); // not running: this instance alone
        }
    }

    private Map<String, Object> reloadOn(String hostPort, String path) {
        try {
            PeerCall call = peerCall(hostPort, "POST", path, adminPeers);
            HttpResponse<byte[]> r = client.send(call.request(), HttpResponse.BodyHandlers.ofByteArray());
            String body = new String(r.body(), StandardCharsets.UTF_8);
            if (!call.answerProven(r)) {
                return body("instance", hostPort, "error", unproven(hostPort, r.statusCode()));
            }
            if (r.statusCode() == 200) {
                Object reported = JSON.readTree(body).path("instances").path(0).path("rules").asInt(-1);
                return body("instance", hostPort, "rules", reported);
            }
            return body("instance", hostPort, "error", "HTTP " + r.statusCode() + ": " + body);
        } catch (IOException e) {
            return body("instance", hostPort, "error", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return body("instance", hostPort, "error", "interrupted");
        }
    }

    /**
     * Passes the request to the owner and its answer back; never forwards a forwarded request.
     * Returns null when the client got an answer, or why the owner did not answer (nothing was
     * sent to the client then).
     */
    private IOException forward(HttpExchange ex, String hostPort, String method, String path, PeerAuth peers)
            throws IOException {
        if (ex.getRequestHeaders().getFirst(FORWARDED_HEADER) != null) {
            error(ex, 503, "the agent moved to another instance while the request was forwarded: retry");
            return null;
        }
        PeerCall call = peerCall(hostPort, method, path, peers);
        HttpResponse<byte[]> r;
        try {
            r = client.send(call.request(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error(ex, 503, "interrupted while asking " + hostPort + ": retry");
            return null;
        }
        if (!call.answerProven(r)) {
            error(ex, 502, unproven(hostPort, r.statusCode()));
            return null;
        }
        r.headers().firstValue("Retry-After").ifPresent(v -> ex.getResponseHeaders().set("Retry-After", v));
        send(ex, r.statusCode(), r.headers().firstValue("Content-Type").orElse(JSON_TYPE), r.body());
        return null;
    }

    private static String unproven(String hostPort, int status) {
        return "instance " + hostPort + " answered HTTP " + status + " without proof that it holds the shared token:"
                + " not passing its answer on. Every instance needs the same admin.token and http.read.token; if they"
                + " match, something else answers at the address the consumer group names";
    }

    /**
     * A call to another instance. It carries no bearer token: when {@code peers} is set, a
     * {@link PeerAuth} MAC proves the call was authorised here, and the answer must prove the same.
     */
    private record PeerCall(HttpRequest request, PeerAuth peers, String nonce) {
        boolean answerProven(HttpResponse<byte[]> r) {
            return peers == null || peers.responseValid(nonce, r.statusCode(), r.body(),
                    r.headers().firstValue(PeerAuth.RESPONSE_HEADER).orElse(null));
        }
    }

    private PeerCall peerCall(String hostPort, String method, String path, PeerAuth peers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + hostPort + path))
                .timeout(FORWARD_TIMEOUT)
                .header(FORWARDED_HEADER, applicationServer)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (peers == null) {
            return new PeerCall(b.build(), null, null);
        }
        PeerAuth.Signed signed = peers.sign(method, path, hostPort, applicationServer);
        b.header(PeerAuth.REQUEST_HEADER, signed.header());
        return new PeerCall(b.build(), peers, signed.nonce());
    }

    /** True when the method is allowed; otherwise answers 405. */
    private boolean allow(HttpExchange ex, String method) throws IOException {
        if (ex.getRequestMethod().equals(method)) {
            return true;
        }
        ex.getResponseHeaders().set("Allow", method);
        error(ex, 405, ex.getRequestMethod() + " is not allowed on " + ex.getRequestURI().getRawPath()
                + ": use " + method);
        return false;
    }

    /**
     * Admin calls: {@code Authorization: Bearer <admin.token>}, or a call another instance
     * forwarded with proof of the same token. 403 when admin calls are off, 401 otherwise.
     */
    private boolean authorized(HttpExchange ex) throws IOException {
        if (adminToken == null) {
            error(ex, 403, "admin calls are disabled because no admin token is configured: set admin.token "
                    + "(AGENTWATCH_ADMIN_TOKEN) on every instance and restart");
            return false;
        }
        return authenticated(ex, adminPeers, "agentwatch admin", "admin.token", adminToken);
    }

    /**
     * {@code /agents}: open when no read token is configured (start-up then insists on a
     * loopback bind); otherwise the read token or the admin token, or a forwarded call with
     * proof of the read token.
     */
    private boolean readAuthorized(HttpExchange ex) throws IOException {
        if (readToken == null) {
            return true;
        }
        return authenticated(ex, readPeers, "agentwatch read", "http.read.token", readToken, adminToken);
    }

    private boolean authenticated(HttpExchange ex, PeerAuth peers, String realm, String setting, byte[]... tokens)
            throws IOException {
        String peerHeader = ex.getRequestHeaders().getFirst(PeerAuth.REQUEST_HEADER);
        if (peerHeader != null) {
            PeerAuth.Check check = peers.verify(peerHeader, ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                    applicationServer);
            if (check.refusal() == null) {
                peerAnswer.set(new PeerAnswer(peers, check.nonce()));
                return true;
            }
            error(ex, 401, check.refusal() + ": every instance needs the same " + setting);
            return false;
        }
        String header = ex.getRequestHeaders().getFirst("Authorization");
        byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : null;
        boolean match = false;
        for (byte[] token : tokens) {
            // Constant-time comparison: response timing must not reveal how much of a guess was right.
            match |= given != null && token != null && MessageDigest.isEqual(given, token);
        }
        if (!match) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"" + realm + "\"");
            error(ex, 401, (given == null ? "missing" : "wrong") + " token: send the header "
                    + "'Authorization: Bearer <" + setting + ">'");
            return false;
        }
        return true;
    }

    /** How to prove this instance's answer to the instance that forwarded the call. */
    private record PeerAnswer(PeerAuth peers, String nonce) {
    }

    /** The decoded SPIFFE id, or null after answering 400. */
    private String agentId(HttpExchange ex, String raw) throws IOException {
        String id;
        try {
            // A '+' stays a '+' (and is then refused): only form encoding makes it a space.
            id = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            error(ex, 400, "malformed URL encoding in the agent id '" + raw + "': URL-encode the SPIFFE id");
            return null;
        }
        if (!InputRules.SPIFFE_ID.matcher(id).matches()) {
            error(ex, 400, "'" + id + "' is not a SPIFFE ID: use the agent's id such as "
                    + "spiffe://corp.example/agents/billing-bot, URL-encoded (spiffe%3A%2F%2Fcorp.example%2Fagents%2Fbilling-bot)");
            return null;
        }
        return id;
    }

    private static String unknown(String agentId) {
        return "no instance knows agent " + agentId + ": it has sent no event agentwatch kept state for "
                + "(no baseline, open session or token); check the id";
    }

    private static String encode(String agentId) {
        return URLEncoder.encode(agentId, StandardCharsets.UTF_8);
    }

    private static Map<String, Object> body(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private void error(HttpExchange ex, int status, String message) throws IOException {
        if (status == 503) {
            ex.getResponseHeaders().set("Retry-After", "2"); // rebalances and restores take seconds
        }
        json(ex, status, body("error", message));
    }

    private void json(HttpExchange ex, int status, Object value) throws IOException {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the response as JSON", e);
        }
        send(ex, status, JSON_TYPE, bytes);
    }

    private void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        // A body trickling in byte by byte is a slow request like any other: the same limit applies.
        if (!workers.enter(HttpWorkers.Phase.READING)) {
            return;
        }
        drain(ex.getRequestBody());
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        PeerAnswer answer = peerAnswer.get();
        if (answer != null) {
            ex.getResponseHeaders().set(PeerAuth.RESPONSE_HEADER, answer.peers().responseMac(answer.nonce(), status, body));
        }
        if (!workers.enter(HttpWorkers.Phase.WRITING)) {
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Reads what the client sent so the connection can be reused; no endpoint takes a body. */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[1024];
        long total = 0;
        int n;
        while (total < 64 * 1024 && (n = in.read(buffer)) >= 0) {
            total += n;
        }
    }
}
