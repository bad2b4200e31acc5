package io.agentwatch.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.rules.Rules;
import io.agentwatch.state.Baseline;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routing, forwarding, auth and errors of the HTTP endpoints, over a fake of Kafka Streams'
 * metadata and stores ({@link AgentQueries}); {@code AgentQueryIT} does the same against real
 * KafkaStreams instances.
 */
class HttpEndpointsTest {
    private static final String AGENT = "spiffe://corp.example/agents/billing-bot";
    private static final String OTHER_AGENT = "spiffe://corp.example/agents/mail-bot";
    private static final String TOKEN = "s3cret-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<HttpEndpoints> started = new ArrayList<>();
    private final MicrometerObserver metrics = new MicrometerObserver();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        started.forEach(HttpEndpoints::close);
        metrics.close();
    }

    @Test
    void shouldListenOnAFreePortAndAdvertiseItAsApplicationServer() {
        HttpEndpoints endpoints = start(TOKEN, new RecordedResets(), Suppressions.none());

        assertThat(endpoints.port()).isPositive();
        assertThat(endpoints.applicationServer()).isEqualTo("127.0.0.1:" + endpoints.port());
    }

    @Test
    void shouldServeMetricsAsPrometheusText() throws Exception {
        HttpEndpoints endpoints = start(TOKEN, new RecordedResets(), Suppressions.none());

        HttpResponse<String> r = get(endpoints, "/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(r.body()).contains("agentwatch_store_entries{store=\"baselines\"}");
    }

    @Test
    void shouldBeHealthyAtOnceButReadyOnlyWhenStreamsIsRunning() throws Exception {
        HttpEndpoints endpoints = start(TOKEN, new RecordedResets(), Suppressions.none());
        FakeQueries streams = new FakeQueries(endpoints);

        HttpResponse<String> healthBeforeStreams = get(endpoints, "/health");
        HttpResponse<String> readyBeforeStreams = get(endpoints, "/ready");
        endpoints.attach(streams);
        streams.state = "REBALANCING";
        HttpResponse<String> readyRebalancing = get(endpoints, "/ready");
        streams.state = "RUNNING";
        HttpResponse<String> readyRunning = get(endpoints, "/ready");

        assertThat(healthBeforeStreams.statusCode()).isEqualTo(200);
        assertThat(readyBeforeStreams.statusCode()).isEqualTo(503);
        assertThat(json(readyBeforeStreams).get("state").asText()).isEqualTo("NOT_STARTED");
        assertThat(readyRebalancing.statusCode()).isEqualTo(503);
        assertThat(json(readyRebalancing).get("error").asText()).contains("REBALANCING");
        assertThat(readyRunning.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerAnAgentItOwnsFromTheLocalStores() throws Exception {
        HttpEndpoints endpoints = start(TOKEN, new RecordedResets(), Suppressions.none());
        endpoints.attach(new FakeQueries(endpoints).owns(AGENT, 1));

        HttpResponse<String> r = get(endpoints, "/agents/" + encode(AGENT));

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("agent_id").asText()).isEqualTo(AGENT);
        assertThat(body.get("partition").asInt()).isEqualTo(1);
        assertThat(body.at("/baseline/state").asText()).isEqualTo("LEARNING");
        assertThat(body.at("/baseline/learned_events").asLong()).isZero();
    }

    @Test
    void shouldAcceptTheAgentIdUnencodedToo() throws Exception {
        HttpEndpoints endpoints = start(TOKEN, new RecordedResets(), Suppressions.none());
        endpoints.attach(new FakeQueries(endpoints).owns(AGENT, 0));

        HttpResponse<String> r = get(endpoints, "/agents/" + AGENT);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("agent_id").asText()).isEqualTo(AGENT);
    }

    @Test
    void shouldForwardAQueryToTheInstanceThatOwnsTheAgent() throws Exception {
        HttpEndpoints owner = start(TOKEN, new RecordedResets(), Suppressions.none());
        HttpEndpoints asked = start(TOKEN, new RecordedResets(), Suppressions.none());
        owner.attach(new FakeQueries(owner).owns(AGENT, 1));
        asked.attach(new FakeQueries(asked).ownedBy(AGENT, owner));

        HttpResponse<String> r = get(asked, "/agents/" + encode(AGENT));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("instance").asText()).isEqualTo(owner.applicationServer());
    }

    @Test
    void shouldAnswer404ForAnAgentNoInstanceKnows() throws Exception {
        HttpEndpoints endpoints = start(TOKEN, new RecordedResets(), Suppressions.none());
        endpoints.attach(new FakeQueries(endpoints).owns(AGENT, 0));

        HttpResponse<String> r = get(endpoints, "/agents/" + encode(OTHER_AGENT));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).get("error").asText()).contains(OTHER_AGENT);
    }

    @Test
    void shouldAnswer400ForAnIdThatIsNotASpiffeId() throws Exception {
        HttpEndpoints endpoints = start(TOKEN, new RecordedResets(), Suppressions.none());
        endpoints.attach(new FakeQueries(endpoints).owns(AGENT, 0));

        HttpResponse<String> notSpiffe = get(endpoints, "/agents/" + encode("billing-bot"));
        String badEncoding = rawStatusLine(endpoints, "/agents/spiffe%3A%2F%2Fcorp%ZZ");

        assertThat(notSpiffe.statusCode()).isEqualTo(400);
        assertThat(json(notSpiffe).get("error").asText()).contains("not a SPIFFE ID");
        assertThat(badEncoding).startsWith("HTTP/1.1 400");
    }

    @Test
    void shouldAnswer503WhileNoOwnerIsKnownOrTheStoreIsMigrating() throws Exception {
        HttpEndpoints endpoints = start(TOKEN, new RecordedResets(), Suppressions.none());
        HttpResponse<String> notStarted = get(endpoints, "/agents/" + encode(AGENT));
        FakeQueries streams = new FakeQueries(endpoints);
        endpoints.attach(streams);
        HttpResponse<String> rebalancing = get(endpoints, "/agents/" + encode(AGENT));
        streams.owns(AGENT, 0).migrating = true;
        HttpResponse<String> migrating = get(endpoints, "/agents/" + encode(AGENT));

        assertThat(List.of(notStarted, rebalancing, migrating)).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(json(r).get("error").asText()).contains("retry");
        });
    }

    @Test
    void shouldAnswer502WhenTheOwnerDoesNotAnswer() throws Exception {
        HttpEndpoints endpoints = start(TOKEN, new RecordedResets(), Suppressions.none());
        FakeQueries streams = new FakeQueries(endpoints);
        streams.routes.put(AGENT, new AgentQueries.Remote("127.0.0.1:" + closedPort()));
        endpoints.attach(streams);

        HttpResponse<String> r = get(endpoints, "/agents/" + encode(AGENT));

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(json(r).get("error").asText()).contains("did not answer");
    }

    @Test
    void shouldAnswerAQueryFromItsStandbyReplicaWhenTheOwnerDoesNotAnswerButNotAReset() throws Exception {
        // given the owner is gone, and this instance keeps a standby replica of the agent's task
        HttpEndpoints endpoints = start(TOKEN, new RecordedResets(), Suppressions.none());
        FakeQueries streams = new FakeQueries(endpoints);
        streams.routes.put(AGENT, new AgentQueries.Remote("127.0.0.1:" + closedPort(), 2));
        endpoints.attach(streams);

        // when
        HttpResponse<String> query = get(endpoints, "/agents/" + encode(AGENT));
        HttpResponse<String> reset = post(endpoints, resetPath(AGENT), "Bearer " + TOKEN);

        // then the query is answered, marked as a standby's answer; a reset is not taken on a standby's word
        assertThat(query.statusCode()).as(query.body()).isEqualTo(200);
        assertThat(json(query).get("standby").asBoolean()).isTrue();
        assertThat(json(query).get("partition").asInt()).isEqualTo(2);
        assertThat(reset.statusCode()).isEqualTo(502);
    }

    @Test
    void shouldNotForwardARequestThatWasAlreadyForwarded() throws Exception {
        HttpEndpoints a = start(TOKEN, new RecordedResets(), Suppressions.none());
        HttpEndpoints b = start(TOKEN, new RecordedResets(), Suppressions.none());
        // both believe the other owns the agent: a stale view during a rebalance
        a.attach(new FakeQueries(a).ownedBy(AGENT, b));
        b.attach(new FakeQueries(b).ownedBy(AGENT, a));

        HttpResponse<String> r = get(a, "/agents/" + encode(AGENT));

        assertThat(r.statusCode()).isEqualTo(503);
    }

    @Test
    void shouldRefuseAdminCallsWith403WhenNoAdminTokenIsConfigured() throws Exception {
        HttpEndpoints endpoints = start((String) null, new RecordedResets(), Suppressions.none());
        endpoints.attach(new FakeQueries(endpoints).owns(AGENT, 0));

        HttpResponse<String> reset = post(endpoints, resetPath(AGENT), "Bearer anything");
        HttpResponse<String> reload = post(endpoints, "/admin/suppressions/reload", "Bearer anything");

        assertThat(reset.statusCode()).isEqualTo(403);
        assertThat(reload.statusCode()).isEqualTo(403);
        assertThat(json(reset).get("error").asText()).contains("admin.token");
    }

    @Test
    void shouldRefuseAdminCallsWith401WhenTheTokenIsMissingOrWrong() throws Exception {
        RecordedResets resets = new RecordedResets();
        HttpEndpoints endpoints = start(TOKEN, resets, Suppressions.none());
        endpoints.attach(new FakeQueries(endpoints).owns(AGENT, 0));

        HttpResponse<String> missing = post(endpoints, resetPath(AGENT), null);
        HttpResponse<String> wrong = post(endpoints, resetPath(AGENT), "Bearer " + TOKEN + "x");
        HttpResponse<String> notBearer = post(endpoints, resetPath(AGENT), TOKEN);

        assertThat(List.of(missing, wrong, notBearer)).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(401));
        assertThat(missing.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(resets.isRecorded(AGENT)).isFalse();
    }

    @Test
    void shouldRecordABaselineResetOnTheOwningInstance() throws Exception {
        RecordedResets ownerResets = new RecordedResets();
        RecordedResets askedResets = new RecordedResets();
        HttpEndpoints owner = start(TOKEN, ownerResets, Suppressions.none());
        HttpEndpoints asked = start(TOKEN, askedResets, Suppressions.none());
        owner.attach(new FakeQueries(owner).owns(AGENT, 0));
        asked.attach(new FakeQueries(asked).ownedBy(AGENT, owner));

        HttpResponse<String> r = post(asked, resetPath(AGENT), "Bearer " + TOKEN);

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(json(r).get("instance").asText()).isEqualTo(owner.applicationServer());
        assertThat(ownerResets.isRecorded(AGENT)).isTrue();
        assertThat(askedResets.isRecorded(AGENT)).isFalse();
    }

    @Test
    void shouldNotRecordAResetForAnUnknownAgent() throws Exception {
        RecordedResets resets = new RecordedResets();
        HttpEndpoints endpoints = start(TOKEN, resets, Suppressions.none());
        endpoints.attach(new FakeQueries(endpoints).owns(AGENT, 0));

        HttpResponse<String> r = post(endpoints, resetPath(OTHER_AGENT), "Bearer " + TOKEN);

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(resets.isRecorded(OTHER_AGENT)).isFalse();
    }

    @Test
    void shouldReloadSuppressionsOnThisAndEveryOtherInstance() throws Exception {
        Path file = dir.resolve("suppressions.yaml");
        Files.writeString(file, "suppressions:\n  - rule: drift.*\n");
        Suppressions here = Suppressions.fromConfig(file.toString());
        Suppressions there = Suppressions.fromConfig(file.toString());
        HttpEndpoints a = start(TOKEN, new RecordedResets(), here);
        HttpEndpoints b = start(TOKEN, new RecordedResets(), there);
        FakeQueries aStreams = new FakeQueries(a);
        aStreams.others.add(b.applicationServer());
        a.attach(aStreams);
        b.attach(new FakeQueries(b));
        Files.writeString(file, "suppressions:\n  - rule: drift.*\n  - tool: web_fetch\n");

        HttpResponse<String> r = post(a, "/admin/suppressions/reload", "Bearer " + TOKEN);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("instances").findValuesAsText("rules")).containsExactly("2", "2");
        assertThat(here.rules()).hasSize(2);
        assertThat(there.rules()).hasSize(2);
    }

    @Test
    void shouldKeepTheOldRulesAndAnswer422WhenTheSuppressionsFileIsInvalid() throws Exception {
        Path file = dir.resolve("suppressions.yaml");
        Files.writeString(file, "suppressions:\n  - rule: drift.*\n");
        Suppressions suppressions = Suppressions.fromConfig(file.toString());
        HttpEndpoints endpoints = start(TOKEN, new RecordedResets(), suppressions);
        Files.writeString(file, "rules: []\n");

        HttpResponse<String> r = post(endpoints, "/admin/suppressions/reload", "Bearer " + TOKEN);

        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(json(r).get("error").asText()).contains("previous rules stay");
        assertThat(suppressions.rules()).hasSize(1);
    }

    @Test
    void shouldReloadTheAnalystsRulesAndListEveryProblemOfAnInvalidFile() throws Exception {
        // given an instance with one rule
        Path file = dir.resolve("rules.yaml");
        String rule = "  - {id: %s, severity: LOW, action: ALERT, tags: [maestro:L7], condition: '%s'}\n";
        Files.writeString(file, "rules:\n" + rule.formatted("one", "true"));
        Rules rules = Rules.fromConfig(new AgentwatchConfig(Map.of(AgentwatchConfig.RULES_FILE, file.toString())));
        Map<String, Object> props = new HashMap<>(Map.of(AgentwatchConfig.ADMIN_TOKEN, TOKEN, AgentwatchConfig.HTTP_PORT, 0));
        HttpEndpoints endpoints = HttpEndpoints.start(new AgentwatchConfig(props), metrics::scrape, Suppressions.none(),
                new RecordedResets(), rules);
        started.add(endpoints);

        // when a second rule is added and the file reloaded
        Files.writeString(file, "rules:\n" + rule.formatted("one", "true") + rule.formatted("two", "false"));
        HttpResponse<String> ok = post(endpoints, "/admin/rules/reload", "Bearer " + TOKEN);

        // then
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).get("instances").findValuesAsText("rules")).containsExactly("2");
        assertThat(rules.current().size()).isEqualTo(2);

        // when the file is broken and reloaded
        Files.writeString(file, "rules:\n" + rule.formatted("one", "call.nothing") + rule.formatted("one", "true"));
        HttpResponse<String> bad = post(endpoints, "/admin/rules/reload", "Bearer " + TOKEN);

        // then 422 with every problem, and the two rules stay
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(json(bad).get("error").asText()).contains("previous rules stay in force");
        assertThat(json(bad).get("problems")).hasSize(2);
        assertThat(json(bad).get("problems").get(1).asText()).isEqualTo("rules.yaml: rule 'one': id used by an earlier rule");
        assertThat(rules.current().size()).isEqualTo(2);
    }

    @Test
    void shouldAnswer404ForUnknownPathsAnd405ForWrongMethods() throws Exception {
        HttpEndpoints endpoints = start(TOKEN, new RecordedResets(), Suppressions.none());

        HttpResponse<String> unknown = get(endpoints, "/nothing-here");
        HttpResponse<String> postMetrics = post(endpoints, "/metrics", null);
        HttpResponse<String> getReload = get(endpoints, "/admin/suppressions/reload");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").asText()).contains("/agents/{agent_id}");
        assertThat(postMetrics.statusCode()).isEqualTo(405);
        assertThat(postMetrics.headers().firstValue("Allow")).hasValue("GET");
        assertThat(getReload.statusCode()).isEqualTo(405);
    }

    @Test
    void shouldAnswerHealthWithinASecondWhileEightClientsHoldHalfSentRequests() throws Exception {
        // given a liveness probe's server with 8 clients that started a request and went quiet
        HttpEndpoints endpoints = start(TOKEN, new RecordedResets(), Suppressions.none());
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                slow.add(halfSentRequest(endpoints));
            }
            Thread.sleep(200); // the server has handed each of them to a thread by now

            // when
            long started = System.nanoTime();
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri(endpoints, "/health"))
                    .timeout(java.time.Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - started) / 1_000_000;

            // then
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(millis).as("ms to answer /health").isLessThan(1_000);
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void shouldCloseAConnectionWhoseRequestTakesLongerThanTheRequestTimeout() throws Exception {
        // given
        HttpEndpoints endpoints = start(Map.of(AgentwatchConfig.HTTP_REQUEST_TIMEOUT, "1s"), new RecordedResets(),
                Suppressions.none());

        // when a client sends half a request and waits, then the server hangs up after about the timeout
        try (Socket socket = halfSentRequest(endpoints)) {
            assertHungUpWithoutAnswerWithin(socket, 800, 5_000);
        }
        // and so after a body that stops halfway (the handler reads it before answering)
        try (Socket socket = new Socket("127.0.0.1", endpoints.port())) {
            socket.getOutputStream().write(("POST /admin/suppressions/reload HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Length: 100\r\n\r\n0123456789").getBytes(StandardCharsets.US_ASCII));
            assertHungUpWithoutAnswerWithin(socket, 800, 5_000);
        }
        assertThat(get(endpoints, "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRequireTheReadTokenForAgentQueriesWhenOneIsSet() throws Exception {
        // given
        String readToken = "read-token-0123456789abcdef";
        HttpEndpoints endpoints = start(Map.of(AgentwatchConfig.ADMIN_TOKEN, TOKEN, AgentwatchConfig.HTTP_READ_TOKEN,
                readToken), new RecordedResets(), Suppressions.none());
        endpoints.attach(new FakeQueries(endpoints).owns(AGENT, 0));
        String path = "/agents/" + encode(AGENT);

        // when
        HttpResponse<String> anonymous = get(endpoints, path);
        HttpResponse<String> wrong = get(endpoints, path, "Bearer " + readToken + "x");
        HttpResponse<String> reader = get(endpoints, path, "Bearer " + readToken);
        HttpResponse<String> admin = get(endpoints, path, "Bearer " + TOKEN);
        HttpResponse<String> metricsWithoutToken = get(endpoints, "/metrics");

        // then
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).doesNotContain("tok-").contains("http.read.token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(reader.statusCode()).isEqualTo(200);
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(metricsWithoutToken.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseToListenBeyondLoopbackWithoutAReadToken() {
        assertThatThrownBy(() -> start(Map.of(AgentwatchConfig.HTTP_BIND, "0.0.0.0"), new RecordedResets(),
                Suppressions.none()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.read.token")
                .hasMessageContaining("127.0.0.1");
        assertThatThrownBy(() -> new AgentwatchConfig(Map.of(AgentwatchConfig.HTTP_READ_TOKEN, "short")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least 16");
        HttpEndpoints open = start(Map.of(AgentwatchConfig.HTTP_BIND, "0.0.0.0", AgentwatchConfig.HTTP_READ_TOKEN,
                "read-token-0123456789abcdef"), new RecordedResets(), Suppressions.none());
        assertThat(open.port()).isPositive();
    }

    @Test
    void shouldForwardWithoutTheBearerTokenAndPassOnNoAnswerTheOwnerCannotProve() throws Exception {
        // given an instance whose group metadata names an impostor as the agent's owner
        String readToken = "read-token-0123456789abcdef";
        HttpEndpoints asked = start(Map.of(AgentwatchConfig.ADMIN_TOKEN, TOKEN, AgentwatchConfig.HTTP_READ_TOKEN,
                readToken), new RecordedResets(), Suppressions.none());
        List<Map<String, List<String>>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer impostor = impostor(seen);
        try {
            FakeQueries streams = new FakeQueries(asked);
            streams.routes.put(AGENT, new AgentQueries.Remote("127.0.0.1:" + impostor.getAddress().getPort()));
            asked.attach(streams);

            // when
            HttpResponse<String> query = get(asked, "/agents/" + encode(AGENT), "Bearer " + readToken);
            HttpResponse<String> reset = post(asked, resetPath(AGENT), "Bearer " + TOKEN);

            // then neither token left the instance, and the made-up answers were not passed on
            assertThat(seen).hasSize(2).allSatisfy(headers -> {
                assertThat(headers.keySet()).noneMatch(h -> h.equalsIgnoreCase("Authorization"));
                assertThat(headers.toString()).doesNotContain(readToken).doesNotContain(TOKEN);
                assertThat(headers.keySet()).anyMatch(h -> h.equalsIgnoreCase(PeerAuth.REQUEST_HEADER));
            });
            assertThat(query.statusCode()).isEqualTo(502);
            assertThat(query.body()).contains("without proof").doesNotContain("ACTIVE");
            assertThat(reset.statusCode()).isEqualTo(502);
        } finally {
            impostor.stop(0);
        }
    }

    @Test
    void shouldForwardToAnOwnerWithTheSameTokensAndRefuseOneWithOthers() throws Exception {
        // given
        String readToken = "read-token-0123456789abcdef";
        HttpEndpoints owner = start(Map.of(AgentwatchConfig.HTTP_READ_TOKEN, readToken), new RecordedResets(),
                Suppressions.none());
        HttpEndpoints asked = start(Map.of(AgentwatchConfig.HTTP_READ_TOKEN, readToken), new RecordedResets(),
                Suppressions.none());
        HttpEndpoints misconfigured = start(Map.of(AgentwatchConfig.HTTP_READ_TOKEN, "another-token-0123456789"),
                new RecordedResets(), Suppressions.none());
        owner.attach(new FakeQueries(owner).owns(AGENT, 1));
        asked.attach(new FakeQueries(asked).ownedBy(AGENT, owner));
        misconfigured.attach(new FakeQueries(misconfigured).ownedBy(AGENT, owner));

        // when
        HttpResponse<String> forwarded = get(asked, "/agents/" + encode(AGENT), "Bearer " + readToken);
        HttpResponse<String> mismatch = get(misconfigured, "/agents/" + encode(AGENT), "Bearer another-token-0123456789");

        // then
        assertThat(forwarded.statusCode()).isEqualTo(200);
        assertThat(json(forwarded).get("instance").asText()).isEqualTo(owner.applicationServer());
        assertThat(mismatch.statusCode()).isEqualTo(502);
        assertThat(mismatch.body()).contains("same admin.token and http.read.token");
    }

    private HttpEndpoints start(String adminToken, RecordedResets resets, Suppressions suppressions) {
        Map<String, Object> props = new HashMap<>();
        if (adminToken != null) {
            props.put(AgentwatchConfig.ADMIN_TOKEN, adminToken);
        }
        return start(props, resets, suppressions);
    }

    private HttpEndpoints start(Map<String, ?> settings, RecordedResets resets, Suppressions suppressions) {
        Map<String, Object> props = new HashMap<>(settings);
        props.put(AgentwatchConfig.HTTP_PORT, 0);
        HttpEndpoints endpoints = HttpEndpoints.start(new AgentwatchConfig(props), metrics::scrape, suppressions, resets);
        started.add(endpoints);
        return endpoints;
    }

    private HttpResponse<String> get(HttpEndpoints endpoints, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(endpoints, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(HttpEndpoints endpoints, String path, String authorization)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(endpoints, path)).header("Authorization", authorization).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertHungUpWithoutAnswerWithin(Socket socket, long minMillis, long maxMillis)
            throws IOException {
        socket.setSoTimeout(10_000);
        long started = System.nanoTime();
        int read = socket.getInputStream().read();
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(read).as("first byte of an answer").isEqualTo(-1);
        assertThat(millis).as("ms until the server closed").isBetween(minMillis, maxMillis);
    }

    /** Opens a connection and sends the start of a request, never the blank line that ends it. */
    private Socket halfSentRequest(HttpEndpoints endpoints) throws IOException {
        Socket socket = new Socket("127.0.0.1", endpoints.port());
        socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /**
     * A stand-in for whatever answers at the address the consumer group names for the owner:
     * it records the requests it gets and answers 200 with a made-up agent view.
     */
    private com.sun.net.httpserver.HttpServer impostor(List<Map<String, List<String>>> requests) throws IOException {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            requests.add(new HashMap<>(ex.getRequestHeaders()));
            byte[] body = ("{\"agent_id\":\"" + AGENT + "\",\"baseline\":{\"state\":\"ACTIVE\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return server;
    }

    private HttpResponse<String> post(HttpEndpoints endpoints, String path, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(endpoints, path)).POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A request no well-behaved client would send (java.net.URI refuses to build it); the JDK's
     * server refuses it with 400 before any handler runs.
     */
    private static String rawStatusLine(HttpEndpoints endpoints, String rawPath) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", endpoints.port())) {
            socket.getOutputStream().write(("GET " + rawPath + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static URI uri(HttpEndpoints endpoints, String path) {
        return URI.create("http://127.0.0.1:" + endpoints.port() + path);
    }

    private static String resetPath(String agent) {
        return "/admin/agents/" + encode(agent) + "/reset-baseline";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Kafka Streams as the endpoints see it: who owns which agent, and what the local stores hold. */
    private static final class FakeQueries implements AgentQueries {
        final HttpEndpoints self;
        final Map<String, Route> routes = new HashMap<>();
        final List<String> others = new ArrayList<>();
        volatile String state = "RUNNING";
        volatile boolean migrating;

        FakeQueries(HttpEndpoints self) {
            this.self = self;
        }

        FakeQueries owns(String agent, int partition) {
            routes.put(agent, new Local(partition));
            return this;
        }

        FakeQueries ownedBy(String agent, HttpEndpoints owner) {
            routes.put(agent, new Remote(owner.applicationServer()));
            return this;
        }

        @Override
        public String state() {
            return state;
        }

        @Override
        public Route route(String agentId) {
            // An agent no one has seen hashes to some partition all the same: say this instance owns it.
            return routes.getOrDefault(agentId, routes.isEmpty() ? new Unavailable("REBALANCING") : new Local(0));
        }

        @Override
        public Optional<AgentView> local(String agentId, int partition) {
            if (migrating) {
                throw new InvalidStateStoreException("the state store, baselines, may have migrated to another instance");
            }
            return routes.get(agentId) instanceof Local
                    ? Optional.of(AgentView.of(agentId, self.applicationServer(), partition, new Baseline(), List.of(), List.of()))
                    : Optional.empty();
        }

        @Override
        public Optional<AgentView> standby(String agentId, int partition) {
            return routes.get(agentId) instanceof Remote remote && remote.standbyPartition() == partition
                    ? Optional.of(AgentView.of(agentId, self.applicationServer(), partition, new Baseline(), List.of(),
                    List.of()).fromStandby())
                    : Optional.empty();
        }

        @Override
        public List<String> otherInstances() {
            return others;
        }
    }
}
