package io.agentwatch.e2e;

import static io.agentwatch.testing.Events.MAILER;
import static io.agentwatch.testing.Events.mailerToken;
import static io.agentwatch.testing.Events.readInbox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.App;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.embedded.EmbeddedKafkaBroker;
import io.agentwatch.kafka.TopicSetup;
import io.agentwatch.respond.CommandVerifier;
import io.agentwatch.serde.AvroSerdeConfig;
import io.agentwatch.serde.AvroSerdes;
import io.agentwatch.testing.ApicurioRegistryExtension;
import io.agentwatch.testing.TestCertificates;
import io.agentwatch.testing.TlsFront;
import io.agentwatch.topology.DeadLetters;
import io.agentwatch.topology.TopicNames;
import io.agentwatch.trust.Ed25519;
import io.agentwatch.trust.KeyFiles;
import io.agentwatch.trust.SigningKey;
import io.agentwatch.trust.TelemetrySignature;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * agentwatch on a secured cluster, configured only through {@code run --config FILE} as an
 * operator would: Kafka over SASL_SSL (PLAIN, a certificate made by keytool for this test)
 * with the ACLs of SECURITY.md per principal, the schema registry over https with a truststore,
 * signed telemetry required, signed revoke commands. Its own broker (the shared one has no
 * security); the plain listener stays for the test's own super-user checks only.
 */
@ExtendWith(ApicurioRegistryExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SecuredClusterIT {
    private static final EmbeddedKafkaBroker.Listener SECURE = new EmbeddedKafkaBroker.Listener("SECURE", "SASL_SSL");
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    private final Map<String, String> passwords = new HashMap<>();
    private final String prefix = "secured-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final TopicNames topics = TopicNames.defaults().withPrefix(prefix);
    private final String applicationId = prefix + "agentwatch";
    private final String readToken = "read-" + UUID.randomUUID();
    private TestCertificates kafkaTls;
    private TestCertificates registryTls;
    private EmbeddedKafkaBroker broker;
    private TlsFront registryFront;
    private String registryUrl;
    private SigningKey gatewayKey;
    private SigningKey brokerKey;
    private Path agentwatchPublicKey;
    private Process agentwatch;
    private Path agentwatchLog;
    private int httpPort;

    @BeforeAll
    void startSecuredClusterAndAgentwatch(ApicurioRegistryExtension.Registry registry) throws Exception {
        for (String user : List.of("agentwatch", "gateway", "credential-broker", "analyst", "intruder")) {
            passwords.put(user, "pw-" + UUID.randomUUID());
        }
        kafkaTls = TestCertificates.create(dir, "kafka");
        registryTls = TestCertificates.create(dir, "registry");
        broker = EmbeddedKafkaBroker.start(brokerSecurity(), List.of(SECURE));
        URI plainRegistry = URI.create(registry.url());
        registryFront = TlsFront.start(registryTls.serverContext(), plainRegistry.getHost(), plainRegistry.getPort());
        registryUrl = "https://127.0.0.1:" + registryFront.port() + plainRegistry.getPath();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TopicSetup.createTopics(admin, topics, 2, (short) 1);
            admin.createAcls(acls()).all().get();
        }
        gatewayKey = newKey("gateway");
        brokerKey = newKey("credential-broker");
        Files.writeString(dir.resolve("trusted-gateways.pem"), Files.readString(dir.resolve("gateway.pub"))
                + Files.readString(dir.resolve("credential-broker.pub")));
        newKey("agentwatch");
        agentwatchPublicKey = dir.resolve("agentwatch.pub");
        agentwatch = startAgentwatch(writeConfig());
        awaitReady();
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (agentwatch != null) {
            agentwatch.destroy();
            if (!agentwatch.waitFor(30, TimeUnit.SECONDS)) {
                agentwatch.destroyForcibly();
            }
        }
        if (registryFront != null) {
            registryFront.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldDetectAndPublishAVerifiableRevokeCommandOverSaslSslAndAnHttpsRegistry() throws Exception {
        // given the credential broker's signed issuance of a mailer token
        Instant now = Instant.now();
        TokenIssued token = mailerToken("t-secured", "s-secured").setIssuedAt(now).setExpiresAt(now.plusSeconds(3600))
                .build();
        try (KafkaProducer<byte[], byte[]> credentialBroker = producer("credential-broker")) {
            send(credentialBroker, topics.tokenIssuances(), MAILER, token, brokerKey);
        }

        // when the gateway reports the mailer using it for a scope it does not hold
        ToolCall misuse = readInbox("s-secured", "t-secured").setEventId("e-secured").setTool("update_invoice")
                .setRequiredScope("billing:write").setOccurredAt(now.plusSeconds(1)).build();
        try (KafkaProducer<byte[], byte[]> gateway = producer("gateway")) {
            send(gateway, topics.toolCalls(), MAILER, misuse, gatewayKey);
        }

        // then the credential broker reads a command signed by agentwatch's key, and accepts it
        RevokeCommand command = awaitValue(consumer("credential-broker", "credential-broker"), topics.revokeCommands(),
                RevokeCommand.class, c -> c.getTokenIds().contains("t-secured"));
        CommandVerifier verifier = new CommandVerifier(KeyFiles.readTrustedKeys(agentwatchPublicKey), Clock.systemUTC());
        assertThat(verifier.verify(command).accepted()).as("verdict on %s", command).isTrue();
        assertThat(command.getKeyId()).isEqualTo(KeyFiles.readTrustedKeys(agentwatchPublicKey).keyIds().iterator().next());
    }

    @Test
    void shouldDeadLetterAnUnsignedRecordFromAPrincipalThatMayWrite() throws Exception {
        // when the gateway principal (allowed to write) sends a record without a signature
        ToolCall unsigned = readInbox("s-unsigned", "t-none").setEventId("e-unsigned").setOccurredAt(Instant.now())
                .build();
        try (KafkaProducer<byte[], byte[]> gateway = producer("gateway")) {
            send(gateway, topics.toolCalls(), MAILER, unsigned, null);
        }

        // then it is in the DLQ with the reason (read by the test's super user on the plain listener)
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> dlq = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            ConsumerRecord<byte[], byte[]> dead = await(dlq, topics.deadLetters(), r ->
                    "signature-missing".equals(DeadLetters.header(r.headers(), DeadLetters.REASON)));
            assertThat(DeadLetters.header(dead.headers(), DeadLetters.TOPIC)).isEqualTo(topics.toolCalls());
        }
    }

    @Test
    void shouldRefuseWritesThePrincipalIsNotGrantedAndUnknownCredentials() {
        // a telemetry gateway may not issue revoke commands, forge the broker's revocations or an analyst's verdict
        try (KafkaProducer<byte[], byte[]> gateway = producer("gateway")) {
            for (String topic : List.of(topics.revokeCommands(), topics.tokenRevocations(), topics.tokenIssuances(),
                    topics.findingFeedback())) {
                assertThatThrownBy(() -> gateway.send(new ProducerRecord<>(topic, bytes(MAILER), bytes("forged")))
                        .get(30, TimeUnit.SECONDS))
                        .as("gateway writing to %s", topic).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
        // someone without an account gets nowhere
        try (KafkaProducer<byte[], byte[]> intruder = producer("intruder")) {
            assertThatThrownBy(() -> intruder.send(new ProducerRecord<>(topics.toolCalls(), bytes(MAILER),
                    bytes("forged"))).get(30, TimeUnit.SECONDS)).hasRootCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void shouldServeAgentQueriesOnlyWithTheReadToken() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI agent = URI.create("http://127.0.0.1:" + httpPort + "/agents/"
                + java.net.URLEncoder.encode(MAILER, StandardCharsets.UTF_8));

        int anonymous = http.send(HttpRequest.newBuilder(agent).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
        int reader = http.send(HttpRequest.newBuilder(agent).header("Authorization", "Bearer " + readToken).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();

        assertThat(anonymous).isEqualTo(401);
        assertThat(reader).isIn(200, 404); // 404 until the mailer has state on this instance
    }

    // ---- the cluster

    private Map<String, String> brokerSecurity() {
        StringBuilder users = new StringBuilder();
        passwords.forEach((user, password) -> {
            if (!user.equals("intruder")) {
                users.append(" user_").append(user).append("=\"").append(password).append('"');
            }
        });
        Map<String, String> p = new HashMap<>();
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // The broker's own PLAINTEXT and CONTROLLER listeners, on loopback, are the test's back door.
        p.put("super.users", "User:ANONYMOUS");
        p.put("listener.name.secure.sasl.enabled.mechanisms", "PLAIN");
        p.put("listener.name.secure.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required" + users + ";");
        p.put("listener.name.secure.ssl.keystore.location", kafkaTls.keystore().toString());
        p.put("listener.name.secure.ssl.keystore.password", kafkaTls.password());
        p.put("listener.name.secure.ssl.key.password", kafkaTls.password());
        p.put("listener.name.secure.ssl.keystore.type", "PKCS12");
        return p;
    }

    /** The ACLs of SECURITY.md, per principal, for this test's topic names and application id. */
    private List<AclBinding> acls() {
        List<AclBinding> acls = new ArrayList<>();
        // telemetry gateway: write its own input, nothing else
        allow(acls, "gateway", ResourceType.TOPIC, topics.toolCalls(), PatternType.LITERAL, AclOperation.WRITE);
        // credential broker: write issuances and revocations, read the commands
        allow(acls, "credential-broker", ResourceType.TOPIC, topics.tokenIssuances(), PatternType.LITERAL,
                AclOperation.WRITE);
        allow(acls, "credential-broker", ResourceType.TOPIC, topics.tokenRevocations(), PatternType.LITERAL,
                AclOperation.WRITE);
        allow(acls, "credential-broker", ResourceType.TOPIC, topics.revokeCommands(), PatternType.LITERAL,
                AclOperation.READ);
        allow(acls, "credential-broker", ResourceType.GROUP, "credential-broker", PatternType.LITERAL,
                AclOperation.READ);
        // approval service: write people's decisions on step-up approvals
        allow(acls, "approvals", ResourceType.TOPIC, topics.approvals(), PatternType.LITERAL, AclOperation.WRITE);
        // analysts' triage tool: write verdicts, nothing else
        allow(acls, "analyst", ResourceType.TOPIC, topics.findingFeedback(), PatternType.LITERAL, AclOperation.WRITE);
        // agentwatch: read the inputs, write its outputs, own everything named after its application id
        for (String input : List.of(topics.toolCalls(), topics.tokenIssuances(), topics.tokenRevocations(),
                topics.baselineResets(), topics.approvals(), topics.findingFeedback(), topics.tokenIndex())) {
            allow(acls, "agentwatch", ResourceType.TOPIC, input, PatternType.LITERAL, AclOperation.READ);
        }
        for (String output : List.of(topics.findings(), topics.revokeCommands(), topics.tokenIndex(),
                topics.baselineResets(), topics.deadLetters())) {
            allow(acls, "agentwatch", ResourceType.TOPIC, output, PatternType.LITERAL, AclOperation.WRITE);
        }
        allow(acls, "agentwatch", ResourceType.TOPIC, applicationId, PatternType.PREFIXED, AclOperation.ALL);
        allow(acls, "agentwatch", ResourceType.GROUP, applicationId, PatternType.PREFIXED, AclOperation.READ);
        allow(acls, "agentwatch", ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED,
                AclOperation.WRITE);
        return acls;
    }

    private static void allow(List<AclBinding> acls, String user, ResourceType type, String name, PatternType pattern,
                              AclOperation operation) {
        acls.add(new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)));
    }

    /** SASL_SSL client settings for {@code user}, without the bootstrap servers. */
    private Map<String, Object> clientSecurity(String user) {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        p.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        p.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"" + user + "\" password=\"" + passwords.get(user) + "\";");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, kafkaTls.truststore().toString());
        p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, kafkaTls.password());
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        return p;
    }

    private Map<String, Object> registrySecurity() {
        Map<String, Object> p = new HashMap<>();
        p.put(AgentwatchConfig.SCHEMA_REGISTRY_URL, registryUrl);
        p.put(AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION, registryTls.truststore().toString());
        p.put(AvroSerdeConfig.SSL_TRUSTSTORE_PASSWORD, registryTls.password());
        p.put(AvroSerdeConfig.SSL_TRUSTSTORE_TYPE, "PKCS12");
        return p;
    }

    // ---- agentwatch, as an operator starts it

    private SigningKey newKey(String name) {
        KeyFiles.write(Ed25519.generate(), dir.resolve(name + ".key"), dir.resolve(name + ".pub"));
        return KeyFiles.readSigningKey(dir.resolve(name + ".key"));
    }

    private Path writeConfig() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        Properties config = new Properties();
        config.put("kafka.bootstrap.servers", broker.bootstrapServers(SECURE));
        clientSecurity("agentwatch").forEach((k, v) -> config.put("kafka." + k, v.toString()));
        config.put("kafka.application.id", applicationId);
        config.put("kafka.state.dir", dir.resolve("state").toString());
        config.put("kafka.commit.interval.ms", "200");
        config.putAll(topics.toConfig());
        registrySecurity().forEach((k, v) -> config.put(k, v.toString()));
        config.put(AgentwatchConfig.RESPONSE_SIGNING_KEY_FILE, dir.resolve("agentwatch.key").toString());
        config.put(AgentwatchConfig.INPUT_REQUIRE_SIGNATURE, "true");
        config.put(AgentwatchConfig.INPUT_TRUSTED_KEYS_FILE, dir.resolve("trusted-gateways.pem").toString());
        config.put(AgentwatchConfig.HTTP_PORT, Integer.toString(httpPort));
        config.put(AgentwatchConfig.HTTP_READ_TOKEN, readToken);
        Path file = dir.resolve("agentwatch.properties");
        try (var out = Files.newBufferedWriter(file)) {
            config.store(out, "SecuredClusterIT");
        }
        return file;
    }

    private Process startAgentwatch(Path config) throws IOException {
        // C1 only, as the embedded broker: starts in half the time on two busy cores.
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), App.class.getName(), "run", "--config", config.toString());
        agentwatchLog = dir.resolve("agentwatch.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(agentwatchLog.toFile());
        // Only the file configures it: no AGENTWATCH_* variable of the machine running the test.
        builder.environment().keySet().removeIf(name -> name.startsWith("AGENTWATCH_"));
        return builder.start();
    }

    private void awaitReady() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(agentwatch.isAlive()).as("agentwatch exited with %s:%n%s", agentwatch.isAlive() ? "" :
                    agentwatch.exitValue(), log()).isTrue();
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("agentwatch not RUNNING within " + WAIT.toSeconds() + " s:\n" + log());
    }

    private String log() {
        try {
            List<String> lines = Files.readAllLines(agentwatchLog);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    // ---- clients

    private KafkaProducer<byte[], byte[]> producer(String user) {
        Map<String, Object> p = clientSecurity(user);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(SECURE));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> consumer(String user, String group) {
        Map<String, Object> p = clientSecurity(user);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(SECURE));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Serializes through the https registry, signs as a gateway does ({@code signer} null: unsigned), sends. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, SpecificRecord value,
                      SigningKey signer) throws ExecutionException, InterruptedException {
        byte[] keyBytes = bytes(key);
        byte[] valueBytes = AvroSerdes.forClass((Class) value.getClass(), registrySecurity()).serializer()
                .serialize(topic, value);
        RecordHeaders headers = new RecordHeaders();
        if (signer != null) {
            TelemetrySignature.sign(signer, keyBytes, valueBytes, headers);
        }
        producer.send(new ProducerRecord<>(topic, null, keyBytes, valueBytes, headers)).get();
    }

    private <T extends SpecificRecord> T awaitValue(KafkaConsumer<byte[], byte[]> consumer, String topic, Class<T> type,
                                                    Predicate<T> wanted) {
        var values = AvroSerdes.forClass(type, registrySecurity()).deserializer();
        try (consumer) {
            ConsumerRecord<byte[], byte[]> r = await(consumer, topic, rec -> wanted.test(values.deserialize(topic,
                    rec.value())));
            return values.deserialize(topic, r.value());
        }
    }

    private ConsumerRecord<byte[], byte[]> await(KafkaConsumer<byte[], byte[]> consumer, String topic,
                                                  Predicate<ConsumerRecord<byte[], byte[]>> wanted) {
        consumer.subscribe(List.of(topic));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (wanted.test(r)) {
                    return r;
                }
            }
            assertThat(agentwatch.isAlive()).as("agentwatch is running; its log:%n%s", log()).isTrue();
        }
        throw new AssertionError("nothing wanted on " + topic + " within " + WAIT.toSeconds() + " s; agentwatch log:\n"
                + log());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
