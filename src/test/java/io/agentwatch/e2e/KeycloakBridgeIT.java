package io.agentwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.keycloak.AgentClients;
import io.agentwatch.keycloak.BridgeMetrics;
import io.agentwatch.keycloak.BridgeSettings;
import io.agentwatch.keycloak.CommandVerifier;
import io.agentwatch.trust.Ed25519;
import io.agentwatch.trust.KeyFiles;
import io.agentwatch.keycloak.KeycloakBridge;
import io.agentwatch.serde.AvroSerdes;
import io.agentwatch.testing.KafkaBrokerExtension;
import io.agentwatch.testing.KeycloakExtension;
import io.agentwatch.testing.KeycloakRealm;
import io.agentwatch.testing.KeycloakRealm.Token;
import io.agentwatch.topology.RegistrySerdes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop with a real Keycloak at the other end: agents get tokens from Keycloak with client
 * credentials, the bridge publishes the issuances, agentwatch (the real DetectorService on a real
 * broker) judges the agents' calls and writes revoke commands, the bridge makes Keycloak reject the
 * tokens, and introspection by the gateway (a client in the tokens' audience) shows it.
 */
@ExtendWith({KafkaBrokerExtension.class, KeycloakExtension.class})
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KeycloakBridgeIT {
    private static final String REGISTRY = "mock://keycloak-bridge-it";
    private static final String TRUST_DOMAIN = "spiffe://e2e.example/agents/";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long SETTLE_MS = 1500;

    /** One realm for the class (creating one takes seconds): each test has its own clients. */
    private static KeycloakRealm realm;
    private static String keycloakUrl;

    @TempDir
    Path dir;

    private DetectorHarness live;
    private final List<RunningBridge> bridges = new ArrayList<>();

    @BeforeAll
    static void createRealm(KeycloakExtension.Keycloak keycloak) {
        keycloakUrl = keycloak.url();
        realm = KeycloakRealm.create(keycloakUrl, KafkaBrokerExtension.uniqueName("agents"));
    }

    @AfterEach
    void tearDown() {
        bridges.forEach(RunningBridge::close);
        if (live != null) {
            live.close();
        }
    }

    @Test
    void shouldMakeKeycloakRejectTheTokensAgentwatchRevokesAndReportExactlyThose() throws Exception {
        // given three agents with Keycloak clients (billing and research limited to boundary corp,
        // support mapped by the template), agentwatch and the bridge running
        for (String client : List.of("billing-bot", "research-1", "support-1")) {
            realm.createAgentClient(client);
        }
        // a stolen token cuts its presenter off everywhere (AGENT), so each scope is exercised
        live = DetectorHarness.create(REGISTRY, dir.resolve("state"),
                Map.of(AgentwatchConfig.RESPONSE_SIGNING_KEY_FILE, signingKey().toString(),
                        AgentwatchConfig.RESPONSE_REVOKE_AGENT_RULES, "token.foreign"));
        live.start();
        Path clients = clientsFile(Map.of("billing-bot", List.of("corp"), "research-1", List.of("corp")));
        bridges.add(RunningBridge.start(bridgeConfig(clients, TRUST_DOMAIN + "{client_id}",
                KafkaBrokerExtension.uniqueName("bridge"))));

        // and tokens: billing's in four different seconds (two in the second one), one each for
        // research and support
        Token billingEarlier = realm.mint("billing-bot", null);
        List<Token> pair = mintTwoInOneSecond("billing-bot", billingEarlier);
        Token billing = pair.get(0);
        Token billingTwin = pair.get(1);
        Token billingLater = mintInLaterSecond("billing-bot", null, billingTwin);
        Token billingLatest = mintInLaterSecond("billing-bot", null, billingLater);
        Token research = realm.mint("research-1", "mail:send");
        Token support = realm.mint("support-1", null);
        List<Token> all = List.of(billingEarlier, billing, billingTwin, billingLater, billingLatest, research, support);
        awaitUntil("the bridge publishes the issuances", () -> issuedIds().containsAll(ids(all)));
        live.awaitProcessed();

        // when billing calls a tool needing a scope its token lacks (TOKEN), research writes restricted
        // data outside its allowed boundary (SESSION), and support presents billing's third token (AGENT
        // for support, TOKEN for the stolen token, to billing)
        List<Long> latencies = new ArrayList<>();
        latencies.add(offendAndAwaitRejection(billing, call(billing, "read_invoice", Operation.READ,
                Sensitivity.INTERNAL, "corp", "payments:write")));
        latencies.add(offendAndAwaitRejection(research, call(research, "upload_file", Operation.WRITE,
                Sensitivity.RESTRICTED, "dropmail.example", "mail:send")));
        ToolCall stolen = ToolCall.newBuilder(call(billingLater, "send_email", Operation.SEND, Sensitivity.INTERNAL, "corp",
                "tickets:read")).setAgentId(agentId("support-1")).setSessionId(support.jti()).build();
        latencies.add(offendAndAwaitRejection(support, stolen));
        awaitUntil("agentwatch sees the revocations",
                () -> revokedIds().containsAll(ids(List.of(billing, research, support, billingLater))));
        live.awaitProcessed();

        // then agentwatch ordered one command of each scope for those agents, and one for the
        // stolen token, addressed to its owner
        assertThat(live.revokeCommands()).extracting(RevokeCommand::getScope, RevokeCommand::getAgentId)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(RevokeScope.TOKEN, agentId("billing-bot")),
                        org.assertj.core.groups.Tuple.tuple(RevokeScope.SESSION, agentId("research-1")),
                        org.assertj.core.groups.Tuple.tuple(RevokeScope.AGENT, agentId("support-1")),
                        org.assertj.core.groups.Tuple.tuple(RevokeScope.TOKEN, agentId("billing-bot")));
        // and Keycloak rejects the offending tokens, the stolen one, billing's token of the same
        // second and its older ones (notBefore has whole seconds: revoking a token revokes its
        // client's tokens up to that second), not billing's newest one
        assertThat(realm.active(billing)).isFalse();
        assertThat(realm.active(billingTwin)).isFalse();
        assertThat(realm.active(billingEarlier)).isFalse();
        assertThat(realm.active(research)).isFalse();
        assertThat(realm.active(support)).isFalse();
        assertThat(realm.active(billingLater)).isFalse();
        assertThat(realm.active(billingLatest)).isTrue();
        // and what agentwatch was told is exactly what Keycloak does: a TokenRevoked for every
        // token it rejects, none for the one it accepts, each once, each naming its command
        // (the realm is shared: other tests' clients are agents here too, by the template)
        List<TokenRevoked> revoked = revocations().stream().filter(r -> ids(all).contains(r.getTokenId())).toList();
        for (Token t : all) {
            assertThat(revoked.stream().filter(r -> r.getTokenId().equals(t.jti())).count())
                    .as("TokenRevoked events for %s (active at Keycloak: %s)", t.jti(), realm.active(t))
                    .isEqualTo(realm.active(t) ? 0 : 1);
        }
        assertThat(revoked).allSatisfy(r -> assertThat(r.getCommandId()).isNotNull());
        // and the issuances agentwatch got carry Keycloak's scopes, the mapped agent and boundaries
        assertThat(issuances()).filteredOn(i -> i.getTokenId().equals(research.jti())).singleElement().satisfies(i -> {
            assertThat(i.getAgentId()).isEqualTo(agentId("research-1"));
            assertThat(i.getScopes()).containsExactlyInAnyOrderElementsOf(research.scopes());
            assertThat(i.getBoundaries()).containsExactly("corp");
            assertThat(i.getSessionId()).isEqualTo(research.jti());
            assertThat(i.getExpiresAt()).isEqualTo(Instant.ofEpochSecond(research.iat() + 300));
        });
        latencies.sort(null);
        System.out.printf("keycloak-bridge: offending call -> token inactive at introspection, %d revocations: "
                + "p50 %d ms, max %d ms (%s)%n", latencies.size(), latencies.get(latencies.size() / 2),
                latencies.get(latencies.size() - 1), latencies);
    }

    @Test
    void shouldPublishEveryEventOnceAcrossARestartOfTheBridge() throws Exception {
        // given a bridge (only alpha-1 and beta-1 are its agents) that published two issuances and
        // was stopped
        for (String client : List.of("alpha-1", "beta-1")) {
            realm.createAgentClient(client);
        }
        live = DetectorHarness.create(REGISTRY, dir.resolve("state"),
                Map.of(AgentwatchConfig.RESPONSE_SIGNING_KEY_FILE, signingKey().toString()));
        AgentwatchConfig config = bridgeConfig(clientsFile(Map.of("alpha-1", List.of(), "beta-1", List.of())), null,
                KafkaBrokerExtension.uniqueName("bridge"));
        RunningBridge first = RunningBridge.start(config);
        bridges.add(first);
        Token a1 = realm.mint("alpha-1", null);
        Token b1 = realm.mint("beta-1", "mail:send");
        awaitUntil("the first bridge publishes a1 and b1", () -> issuedIds().containsAll(ids(List.of(a1, b1))));
        first.close();

        // when tokens are issued and one is revoked by its client (RFC 7009) while it is down, and
        // more after it started again on its stored position
        Token a2 = realm.mint("alpha-1", null);
        Token b2 = realm.mint("beta-1", null);
        realm.revokeAsOwnClient(a1);
        bridges.add(RunningBridge.start(config));
        Token a3 = realm.mint("alpha-1", null);
        awaitUntil("the second bridge publishes a2, b2, a3 and a1's revocation",
                () -> issuedIds().containsAll(ids(List.of(a2, b2, a3))) && revokedIds().contains(a1.jti()));
        // Past the settle time: an event read again by the re-read window would be published by now.
        Thread.sleep(2 * SETTLE_MS);

        // then every issuance is published exactly once, and the revocation once
        assertThat(issuedIds()).containsExactlyInAnyOrderElementsOf(ids(List.of(a1, b1, a2, b2, a3)));
        assertThat(revocations()).singleElement().satisfies(r -> {
            assertThat(r.getTokenId()).isEqualTo(a1.jti());
            assertThat(r.getAgentId()).isEqualTo(TRUST_DOMAIN + "alpha-1");
            assertThat(r.getRevokedBy()).isEqualTo("keycloak:alpha-1");
        });
        assertThat(realm.active(a1)).isFalse();
        assertThat(realm.active(a2)).isTrue();
    }

    /** Sends the call and measures from just before the send until introspection says inactive. */
    private long offendAndAwaitRejection(Token token, ToolCall call) throws InterruptedException {
        long start = System.nanoTime();
        live.send(call);
        live.flush();
        long deadline = start + WAIT.toNanos();
        while (realm.active(token)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("token " + token.jti() + " still active " + WAIT.toSeconds() + " s after "
                        + call.getEventId() + "; revoke commands: " + live.revokeCommands());
            }
            Thread.sleep(20);
        }
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    private static ToolCall call(Token token, String tool, Operation operation, Sensitivity sensitivity, String boundary,
                                 String scope) {
        // A client-credentials token is its own session: the agent's calls with it name its jti.
        return ToolCall.newBuilder().setEventId("evt-" + token.jti()).setOccurredAt(Instant.now())
                .setAgentId(agentId(token.clientId())).setSessionId(token.jti()).setTokenId(token.jti())
                .setTool(tool).setOperation(operation).setTarget(tool + "-target").setBoundary(boundary)
                .setSensitivity(sensitivity).setRequiredScope(scope).setOutcome(Outcome.OK).build();
    }

    private static Token mintInLaterSecond(String client, String scope, Token after)
            throws InterruptedException {
        while (Instant.now().getEpochSecond() <= after.iat()) {
            Thread.sleep(20);
        }
        Token t = realm.mint(client, scope);
        assertThat(t.iat()).isGreaterThan(after.iat());
        return t;
    }

    /** Two tokens with the same iat, minted in a second after {@code after}'s. */
    private static List<Token> mintTwoInOneSecond(String client, Token after) throws InterruptedException {
        for (int attempt = 0; attempt < 5; attempt++) {
            Token first = mintInLaterSecond(client, null, after);
            Token second = realm.mint(client, null);
            if (second.iat() == first.iat()) {
                return List.of(first, second);
            }
            after = second;
        }
        throw new AssertionError("could not mint two tokens within one second in 5 attempts");
    }

    /** agentwatch's signing key pair in the test directory, made once: agentwatch.key, agentwatch.pub. */
    private Path signingKey() {
        Path key = dir.resolve("agentwatch.key");
        if (!Files.exists(key)) {
            KeyFiles.write(Ed25519.generate(), key, dir.resolve("agentwatch.pub"));
        }
        return key;
    }

    private AgentwatchConfig bridgeConfig(Path clientsFile, String template, String bridgeId) {
        String positionTopic = live.topics().tokenIssuances() + ".keycloak-position";
        KafkaBrokerExtension.createTopics(new NewTopic(positionTopic, 1, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        Map<String, Object> c = new HashMap<>(live.topics().toConfig());
        c.put("kafka.bootstrap.servers", KafkaBrokerExtension.bootstrapServers());
        c.put(AgentwatchConfig.SCHEMA_REGISTRY_URL, REGISTRY);
        c.put(AgentwatchConfig.KEYCLOAK_URL, keycloakUrl);
        c.put(AgentwatchConfig.KEYCLOAK_REALM, realm.name());
        c.put(AgentwatchConfig.KEYCLOAK_ADMIN_CLIENT_ID, KeycloakRealm.BRIDGE_CLIENT);
        c.put(AgentwatchConfig.KEYCLOAK_ADMIN_CLIENT_SECRET, KeycloakRealm.secretOf(KeycloakRealm.BRIDGE_CLIENT));
        c.put(AgentwatchConfig.KEYCLOAK_CLIENTS_FILE, clientsFile.toString());
        c.put(AgentwatchConfig.KEYCLOAK_AGENT_ID_TEMPLATE, template == null ? "" : template);
        c.put(AgentwatchConfig.KEYCLOAK_POLL_INTERVAL, "200ms");
        c.put(AgentwatchConfig.KEYCLOAK_EVENTS_SETTLE, SETTLE_MS + "ms");
        c.put(AgentwatchConfig.KEYCLOAK_BRIDGE_ID, bridgeId);
        // The bridge acts only on commands signed by agentwatch's key (the default).
        signingKey();
        c.put(AgentwatchConfig.KEYCLOAK_COMMAND_KEYS_FILE, dir.resolve("agentwatch.pub").toString());
        c.put(AgentwatchConfig.TOPIC_KEYCLOAK_POSITION, positionTopic);
        return new AgentwatchConfig(c);
    }

    /** Maps each client to its agent id; an empty boundary list: the tokens allow any boundary. */
    private Path clientsFile(Map<String, List<String>> boundaries) throws IOException {
        Map<String, String> agents = new HashMap<>();
        boundaries.keySet().forEach(client -> agents.put(client, agentId(client)));
        Map<String, List<String>> restricted = new HashMap<>(boundaries);
        restricted.values().removeIf(List::isEmpty);
        boundaries = restricted;
        Path file = dir.resolve("keycloak-clients.yaml");
        Files.writeString(file, KeycloakRealm.clientsFile(agents, boundaries));
        return file;
    }

    private static String agentId(String clientId) {
        return TRUST_DOMAIN + clientId;
    }

    private static List<String> ids(List<Token> tokens) {
        return tokens.stream().map(Token::jti).toList();
    }

    private List<TokenIssued> issuances() {
        return decode(live.topics().tokenIssuances(), TokenIssued.class);
    }

    private List<String> issuedIds() {
        return issuances().stream().map(TokenIssued::getTokenId).toList();
    }

    private List<TokenRevoked> revocations() {
        return decode(live.topics().tokenRevocations(), TokenRevoked.class);
    }

    private List<String> revokedIds() {
        return revocations().stream().map(TokenRevoked::getTokenId).toList();
    }

    private <T extends SpecificRecord> List<T> decode(String topic, Class<T> type) {
        Deserializer<T> d = AvroSerdes.forClass(type, Map.of(AgentwatchConfig.SCHEMA_REGISTRY_URL, REGISTRY)).deserializer();
        return live.readCommitted(topic).stream().map(r -> d.deserialize(topic, r.value())).toList();
    }

    private void awaitUntil(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            bridges.forEach(RunningBridge::failIfStopped);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    /** A bridge on its own thread, as {@code keycloak-bridge} runs it. */
    private static final class RunningBridge implements AutoCloseable {
        private final KeycloakBridge bridge;
        private final BridgeMetrics metrics = new BridgeMetrics();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;
        private boolean closed;

        private RunningBridge(AgentwatchConfig config) {
            bridge = new KeycloakBridge(BridgeSettings.from(config),
                    AgentClients.load(config.getString(AgentwatchConfig.KEYCLOAK_CLIENTS_FILE),
                            config.getString(AgentwatchConfig.KEYCLOAK_AGENT_ID_TEMPLATE),
                            config.getString(AgentwatchConfig.KEYCLOAK_ADMIN_CLIENT_ID)),
                    CommandVerifier.fromConfig(config, Clock.systemUTC()), new RegistrySerdes(config),
                    config.kafkaOverrides(), metrics, Clock.systemUTC());
            thread = new Thread(() -> {
                try {
                    bridge.run();
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "keycloak-bridge-under-test");
        }

        static RunningBridge start(AgentwatchConfig config) {
            RunningBridge b = new RunningBridge(config);
            b.thread.start();
            return b;
        }

        void failIfStopped() {
            if (failure.get() != null) {
                throw new AssertionError("the bridge stopped", failure.get());
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                bridge.close();
                metrics.close();
            }
        }
    }
}
