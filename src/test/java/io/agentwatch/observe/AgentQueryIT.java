package io.agentwatch.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.catalog.ToolCatalog;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.kafka.TopicSetup;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.serde.AvroSerdes;
import io.agentwatch.testing.KafkaBrokerExtension;
import io.agentwatch.topology.AgentwatchTopology;
import io.agentwatch.topology.MonitorServices;
import io.agentwatch.topology.Names;
import io.agentwatch.topology.RegistrySerdes;
import io.agentwatch.topology.TopicNames;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the real topology in one consumer group on the embedded broker, each with
 * its own state dir, Observability (metrics, HTTP) and application.server: an agent's summary is
 * answered by either instance, the non-owner forwarding to the owner. The instances and the
 * traffic are set up once for the class: the tests only read, except that one queues a
 * baseline reset, which nothing else looks at.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AgentQueryIT {
    private static final String ADMIN_TOKEN = "it-admin-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> AGENTS = List.of(
            "spiffe://corp.example/agents/billing-bot", "spiffe://corp.example/agents/mail-bot",
            "spiffe://corp.example/agents/crm-bot", "spiffe://corp.example/agents/hr-bot",
            "spiffe://corp.example/agents/ops-bot", "spiffe://corp.example/agents/research-bot");
    /** Calls a payment tool with a token that only grants crm:read: a HIGH finding and a revoke. */
    private static final String ROGUE = "spiffe://corp.example/agents/rogue-bot";

    @TempDir
    static Path stateDirs;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Instance> instances = new ArrayList<>();
    private Map<String, Object> baseConfig;
    private String registryUrl;

    /** One agentwatch instance: what {@code run} will start. */
    private record Instance(Observability obs, KafkaStreams streams, RecordedResets resets) {
        HostInfo host() {
            return HostInfo.buildFromEndpoint(obs.applicationServer());
        }
    }

    @BeforeAll
    void startTwoInstancesAndProduceTraffic() {
        String prefix = KafkaBrokerExtension.uniqueName("agent-query") + ".";
        TopicNames topics = TopicNames.defaults().withPrefix(prefix);
        registryUrl = "mock://" + KafkaBrokerExtension.uniqueName("agent-query-registry");
        baseConfig = new HashMap<>();
        baseConfig.putAll(topics.toConfig());
        baseConfig.put(AgentwatchConfig.SCHEMA_REGISTRY_URL, registryUrl);
        baseConfig.put(AgentwatchConfig.HTTP_PORT, 0);
        baseConfig.put(AgentwatchConfig.ADMIN_TOKEN, ADMIN_TOKEN);
        baseConfig.put("kafka." + StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerExtension.bootstrapServers());
        baseConfig.put("kafka." + StreamsConfig.APPLICATION_ID_CONFIG, prefix + "agentwatch");
        // Commit (and so expose output and changelog) often, to keep the test short; the app's
        // processing guarantee, exactly_once_v2, stays.
        baseConfig.put("kafka." + StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBrokerExtension.bootstrapServers()))) {
            TopicSetup.createTopics(admin, topics, 2, (short) 1);
        }
        for (int i = 0; i < 2; i++) {
            instances.add(startInstance(stateDirs.resolve("instance-" + i)));
        }
        await("both instances RUNNING with one task each", () -> instances.stream().allMatch(in ->
                in.streams().state() == KafkaStreams.State.RUNNING && activeTasks(in.streams()) == 1));
        produceTraffic();
    }

    private Instance startInstance(Path stateDir) {
        Map<String, Object> props = new HashMap<>(baseConfig);
        props.put("kafka." + StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        AgentwatchConfig config = new AgentwatchConfig(props);
        Suppressions suppressions = Suppressions.none();
        RecordedResets resets = new RecordedResets();
        Observability obs = Observability.start(config, suppressions, resets);
        MonitorServices services = new MonitorServices(ToolCatalog.builtIn(), suppressions, new RegistrySerdes(config),
                obs.observer(), Clock.systemUTC(), false);
        Properties streamsProps = obs.streamsProperties(config);
        assertThat(streamsProps.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        KafkaStreams streams = new KafkaStreams(AgentwatchTopology.build(config, services), streamsProps);
        obs.attach(streams);
        streams.start();
        return new Instance(obs, streams, resets);
    }

    @AfterAll
    void stopInstances() {
        // Reverse order of opening: streams, then their HTTP servers and metrics.
        instances.forEach(in -> in.streams().close(Duration.ofSeconds(30)));
        instances.forEach(in -> in.obs().close());
    }

    @Test
    void shouldAnswerAnAgentOwnedByTheOtherInstanceByForwardingTheQuery() throws Exception {
        // given
        Map<String, Instance> owners = new HashMap<>();
        for (String agent : AGENTS) {
            owners.put(agent, ownerOf(agent));
        }
        assertThat(owners.values()).as("agents spread over both instances").containsAll(instances);

        for (String agent : AGENTS) {
            Instance owner = owners.get(agent);
            Instance other = instances.get(0) == owner ? instances.get(1) : instances.get(0);
            await(agent + " processed", () -> hasSessionAndToken(get(owner, "/agents/" + encode(agent))));

            // when
            HttpResponse<String> r = get(other, "/agents/" + encode(agent));

            // then
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.get("agent_id").asText()).isEqualTo(agent);
            assertThat(body.get("instance").asText()).as("answered by the owner").isEqualTo(owner.obs().applicationServer());
            assertThat(body.at("/baseline/state").asText()).isEqualTo("LEARNING");
            assertThat(body.at("/sessions/0/session_id").asText()).isEqualTo(sessionOf(agent));
            assertThat(body.at("/sessions/0/events").asInt()).isEqualTo(2);
            assertThat(body.at("/tokens/0/token_id").asText()).isEqualTo(tokenOf(agent));
            assertThat(body.at("/tokens/0/revoked").asBoolean()).isFalse();
        }
    }

    @Test
    void shouldAnswer404ForAnUnknownAgentAnd400ForAMalformedIdOnEitherInstance() {
        for (Instance in : instances) {
            assertThat(get(in, "/agents/" + encode("spiffe://corp.example/agents/nobody")).statusCode()).isEqualTo(404);
            assertThat(get(in, "/agents/" + encode("not-a-spiffe-id")).statusCode()).isEqualTo(400);
        }
    }

    @Test
    void shouldBeReadyAndServeContractAndKafkaStreamsMetrics() {
        // given
        Instance rogueOwner = ownerOf(ROGUE);
        await("the rogue agent's revoke command", () -> metric(rogueOwner, "agentwatch_revoke_commands_total{") >= 1);

        for (Instance in : instances) {
            // when
            HttpResponse<String> ready = get(in, "/ready");
            HttpResponse<String> health = get(in, "/health");

            // then
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(health.statusCode()).isEqualTo(200);
            await("Kafka Streams' task metrics", () -> get(in, "/metrics").body().contains("kafka_stream_task_"));
            String metrics = get(in, "/metrics").body();
            assertThat(metrics).contains("agentwatch_store_entries{store=\"sessions\"}", "kafka_stream_client_state",
                    "kafka_stream_thread_process_rate", "jvm_memory_used_bytes");
            assertThat(metrics).doesNotContain("agent_id=", "session_id=", "spiffe://");
        }
        double toolCalls = instances.stream().mapToDouble(in -> metric(in, "agentwatch_events_in_total{type=\"tool_call\"}")).sum();
        assertThat(toolCalls).isEqualTo(2.0 * AGENTS.size() + 1);
        assertThat(metric(rogueOwner, "agentwatch_findings_total{detector=\"CREDENTIAL\",severity=\"HIGH\"}")).isPositive();
        assertThat(metric(rogueOwner, "agentwatch_detection_latency_seconds_count")).isPositive();
    }

    @Test
    void shouldGuardAdminCallsAndQueueAResetOnTheOwner() throws Exception {
        // given
        String agent = AGENTS.get(0);
        Instance owner = ownerOf(agent);
        Instance other = instances.get(0) == owner ? instances.get(1) : instances.get(0);
        await(agent + " processed", () -> hasSessionAndToken(get(owner, "/agents/" + encode(agent))));
        String reset = "/admin/agents/" + encode(agent) + "/reset-baseline";
        AgentwatchConfig noToken = new AgentwatchConfig(Map.of(AgentwatchConfig.HTTP_PORT, 0));

        // when
        int missing = post(other, reset, null).statusCode();
        int wrong = post(other, reset, "Bearer not-" + ADMIN_TOKEN).statusCode();
        int disabled;
        try (HttpEndpoints withoutToken = HttpEndpoints.start(noToken, () -> "", Suppressions.none(), new RecordedResets())) {
            withoutToken.attach(other.streams());
            disabled = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + withoutToken.port() + reset))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        }
        HttpResponse<String> accepted = post(other, reset, "Bearer " + ADMIN_TOKEN);
        HttpResponse<String> reloaded = post(other, "/admin/suppressions/reload", "Bearer " + ADMIN_TOKEN);

        // then
        assertThat(missing).isEqualTo(401);
        assertThat(wrong).isEqualTo(401);
        assertThat(disabled).isEqualTo(403);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(owner.resets().isRecorded(agent)).as("recorded by the owner").isTrue();
        assertThat(other.resets().isRecorded(agent)).isFalse();
        assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
        assertThat(JSON.readTree(reloaded.body()).get("instances").size()).as("reloaded on both instances").isEqualTo(2);
    }

    private void produceTraffic() {
        Instant now = Instant.now();
        Map<String, Object> serdeConfig = Map.of(AgentwatchConfig.SCHEMA_REGISTRY_URL, registryUrl);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerExtension.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            Serializer<TokenIssued> tokens = AvroSerdes.forClass(TokenIssued.class, serdeConfig).serializer();
            Serializer<ToolCall> calls = AvroSerdes.forClass(ToolCall.class, serdeConfig).serializer();
            String tokenTopic = (String) baseConfig.get(AgentwatchConfig.TOPIC_TOKEN_ISSUANCES);
            String callTopic = (String) baseConfig.get(AgentwatchConfig.TOPIC_TOOL_CALLS);
            List<String> all = new ArrayList<>(AGENTS);
            all.add(ROGUE);
            for (String agent : all) {
                TokenIssued token = TokenIssued.newBuilder().setTokenId(tokenOf(agent)).setAgentId(agent)
                        .setSessionId(sessionOf(agent)).setIssuedAt(now.minusSeconds(30)).setExpiresAt(now.plusSeconds(3600))
                        .setScopes(List.of("crm:read")).build();
                send(producer, tokenTopic, agent, token, tokens, token.getIssuedAt());
            }
            producer.flush();
            for (String agent : AGENTS) {
                for (int i = 0; i < 2; i++) {
                    ToolCall call = call(agent, "e-" + agent.hashCode() + "-" + i, "crm_lookup", null, now.minusSeconds(20 - i));
                    send(producer, callTopic, agent, call, calls, call.getOccurredAt());
                }
            }
            ToolCall rogue = call(ROGUE, "e-rogue", "pay_invoice", "payments:write", now.minusSeconds(10));
            send(producer, callTopic, ROGUE, rogue, calls, rogue.getOccurredAt());
        }
    }

    private static ToolCall call(String agent, String eventId, String tool, String scope, Instant at) {
        return ToolCall.newBuilder().setEventId(eventId).setOccurredAt(at).setAgentId(agent)
                .setSessionId(sessionOf(agent)).setTokenId(tokenOf(agent)).setTool(tool).setRequiredScope(scope).build();
    }

    private static <T extends SpecificRecord> void send(KafkaProducer<String, byte[]> producer, String topic, String agent,
                                                        T value, Serializer<T> serializer, Instant time) {
        producer.send(new ProducerRecord<>(topic, null, time.toEpochMilli(), agent, serializer.serialize(topic, value)));
    }

    private static String sessionOf(String agent) {
        return "session-" + agent.substring(agent.lastIndexOf('/') + 1);
    }

    private static String tokenOf(String agent) {
        return "token-" + agent.substring(agent.lastIndexOf('/') + 1);
    }

    private Instance ownerOf(String agent) {
        KeyQueryMetadata[] metadata = new KeyQueryMetadata[1];
        await("metadata for " + agent, () -> {
            metadata[0] = instances.get(0).streams().queryMetadataForKey(Names.BASELINES_STORE, agent, new StringSerializer());
            return !KeyQueryMetadata.NOT_AVAILABLE.equals(metadata[0]);
        });
        return instances.stream().filter(in -> in.host().equals(metadata[0].activeHost())).findFirst()
                .orElseThrow(() -> new AssertionError("no instance at " + metadata[0].activeHost()));
    }

    private static int activeTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt((ThreadMetadata t) -> t.activeTasks().size()).sum();
    }

    private static boolean hasSessionAndToken(HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            return false;
        }
        try {
            JsonNode body = JSON.readTree(r.body());
            return body.get("open_sessions").asInt() == 1 && body.at("/sessions/0/events").asInt() == 2
                    && body.get("token_count").asInt() == 1;
        } catch (IOException e) {
            return false;
        }
    }

    /** The value of one series, or the sum of those starting with {@code series} when it ends with '{'. */
    private double metric(Instance in, String series) {
        boolean family = series.endsWith("{");
        return get(in, "/metrics").body().lines()
                .filter(l -> family ? l.startsWith(series) : l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private HttpResponse<String> get(Instance in, String path) {
        try {
            return http.send(HttpRequest.newBuilder(uri(in, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private HttpResponse<String> post(Instance in, String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(in, path)).POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(Instance in, String path) {
        return URI.create("http://127.0.0.1:" + in.obs().port() + path);
    }

    private static String encode(String agent) {
        return URLEncoder.encode(agent, StandardCharsets.UTF_8);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
