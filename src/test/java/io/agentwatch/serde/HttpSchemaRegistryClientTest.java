package io.agentwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.serde.StubRegistry.Response;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpSchemaRegistryClientTest {

    private static final String SUBJECT = "agent.tool-calls-value";
    private static final Schema SCHEMA = ToolCall.getClassSchema();
    private static final String SCHEMA_JSON = new ObjectMapper().createObjectNode().put("schema", SCHEMA.toString()).toString();
    private static final Response REGISTERED = new Response(200, "{\"id\":42}");

    private final StubRegistry stub = StubRegistry.start();

    @AfterEach
    void stopStub() {
        stub.close();
    }

    @Test
    void shouldRegisterByPostingTheSchemaTextAndReturnTheRegistrysId() throws IOException {
        // given
        stub.answer(request -> REGISTERED);

        // when
        int id = client(config()).register(SUBJECT, SCHEMA);

        // then
        assertThat(id).isEqualTo(42);
        StubRegistry.Request request = stub.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/subjects/agent.tool-calls-value/versions");
        assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(new Schema.Parser().parse(new ObjectMapper().readTree(request.body()).get("schema").asText()))
                .isEqualTo(SCHEMA);
    }

    @Test
    void shouldAskOnceForTheSameSubjectAndSchemaAndKnowTheSchemaOfTheIdItGot() {
        // given
        stub.answer(request -> REGISTERED);
        HttpSchemaRegistryClient client = client(config());

        // when
        client.register(SUBJECT, SCHEMA);
        int again = client.register(SUBJECT, SCHEMA);
        Schema byId = client.getById(42);

        // then
        assertThat(again).isEqualTo(42);
        assertThat(byId).isEqualTo(SCHEMA);
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void shouldFetchSchemaByIdOnceAndThenServeItFromCache() {
        // given
        stub.answer(request -> new Response(200, SCHEMA_JSON));
        HttpSchemaRegistryClient client = client(config());

        // when
        Schema first = client.getById(7);
        Schema second = client.getById(7);

        // then
        assertThat(first).isEqualTo(SCHEMA).isSameAs(second);
        assertThat(stub.requests()).extracting(StubRegistry.Request::path).containsExactly("/schemas/ids/7");
    }

    @Test
    void shouldLookUpTheIdWithoutRegisteringWhenAskedForGetId() {
        // given
        stub.answer(request -> new Response(200, "{\"id\":42,\"version\":3,\"subject\":\"" + SUBJECT + "\"}"));

        // when
        int id = client(config()).getId(SUBJECT, SCHEMA);

        // then
        assertThat(id).isEqualTo(42);
        assertThat(stub.requests().get(0).path()).isEqualTo("/subjects/agent.tool-calls-value");
    }

    @Test
    void shouldReadTheLatestVersionOfASubject() {
        // given
        stub.answer(request -> new Response(200, "{\"id\":42,\"version\":3,\"subject\":\"" + SUBJECT
                + "\",\"schema\":" + new ObjectMapper().valueToTree(SCHEMA.toString()) + "}"));

        // when
        RegisteredSchema latest = client(config()).getLatest(SUBJECT);

        // then
        assertThat(latest).isEqualTo(new RegisteredSchema(SUBJECT, 3, 42, SCHEMA));
        assertThat(stub.requests().get(0).path()).isEqualTo("/subjects/agent.tool-calls-value/versions/latest");
    }

    @Test
    void shouldSendBasicCredentialsFromUserInfo() {
        // given a registry that accepts only alice:s3cret
        requireAuthorization("Basic " + base64("alice:s3cret"));
        Map<String, Object> config = config();
        config.put(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
        config.put(AvroSerdeConfig.BASIC_AUTH_USER_INFO, "alice:s3cret");

        // when
        int id = client(config).register(SUBJECT, SCHEMA);

        // then
        assertThat(id).isEqualTo(42);
    }

    @Test
    void shouldSendBasicCredentialsTakenFromTheUrl() {
        // given
        requireAuthorization("Basic " + base64("alice:s3cret"));
        Map<String, Object> config = config();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stub.url().replace("http://", "http://alice:s3cret@"));
        config.put(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "URL");

        // when
        int id = client(config).register(SUBJECT, SCHEMA);

        // then
        assertThat(id).isEqualTo(42);
        assertThat(stub.requests().get(0).path()).isEqualTo("/subjects/agent.tool-calls-value/versions");
    }

    @Test
    void shouldFailAtOnceWithCredentialsErrorWhenBasicCredentialsAreWrong() {
        // given
        requireAuthorization("Basic " + base64("alice:s3cret"));
        Map<String, Object> config = config();
        config.put(AvroSerdeConfig.BASIC_AUTH_USER_INFO, "alice:guess-7");
        HttpSchemaRegistryClient client = client(config);

        // when / then
        assertThatThrownBy(() -> client.register(SUBJECT, SCHEMA))
                .isInstanceOf(RegistryCredentialsException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("basic credentials were rejected")
                .hasMessageContaining(AvroSerdeConfig.BASIC_AUTH_USER_INFO)
                .hasMessageNotContaining("guess-7");
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void shouldSendBearerToken() {
        // given
        requireAuthorization("Bearer t0ken");
        Map<String, Object> config = config();
        config.put(AvroSerdeConfig.BEARER_AUTH_TOKEN, "t0ken");

        // when
        int id = client(config).register(SUBJECT, SCHEMA);

        // then
        assertThat(id).isEqualTo(42);
    }

    @Test
    void shouldFailWithCredentialsErrorWhenBearerTokenIsWrong() {
        // given
        requireAuthorization("Bearer t0ken");
        Map<String, Object> config = config();
        config.put(AvroSerdeConfig.BEARER_AUTH_TOKEN, "expired");
        HttpSchemaRegistryClient client = client(config);

        // when / then
        assertThatThrownBy(() -> client.getById(1))
                .isInstanceOf(RegistryCredentialsException.class)
                .hasMessageContaining("bearer credentials were rejected");
    }

    @Test
    void shouldSayNoCredentialsAreConfiguredWhenTheRegistryWantsSome() {
        // given
        requireAuthorization("Bearer t0ken");
        HttpSchemaRegistryClient client = client(config());

        // when / then
        assertThatThrownBy(() -> client.getById(1))
                .isInstanceOf(RegistryCredentialsException.class)
                .hasMessageContaining("no credentials are configured");
    }

    @Test
    void shouldRetryAfter503sAndSucceedWhenTheRegistryRecovers() {
        // given a registry that answers 503 twice, then registers
        AtomicInteger calls = new AtomicInteger();
        stub.answer(request -> calls.incrementAndGet() <= 2 ? new Response(503, "{\"message\":\"starting\"}") : REGISTERED);

        // when
        int id = client(config()).register(SUBJECT, SCHEMA);

        // then
        assertThat(id).isEqualTo(42);
        assertThat(stub.requests()).hasSize(3);
    }

    @Test
    void shouldGiveUpAfterTheConfiguredRetriesWhenTheRegistryKeepsAnswering503() {
        // given
        stub.answer(request -> new Response(503, "{\"message\":\"overloaded\",\"error_code\":50302}"));
        Map<String, Object> config = config();
        config.put(AvroSerdeConfig.MAX_RETRIES, 2);
        HttpSchemaRegistryClient client = client(config);

        // when / then
        assertThatThrownBy(() -> client.register(SUBJECT, SCHEMA))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("failed 3 times")
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("overloaded");
        assertThat(stub.requests()).hasSize(3);
    }

    @Test
    void shouldReportIncompatibleSchemaOn409ByStatusEvenWithApicuriosErrorCode0AndNotRetry() {
        // given Apicurio's answer to an incompatible schema
        stub.answer(request -> new Response(409, "{\"message\":\"Incompatible artifact: " + SUBJECT
                + " [AVRO], num of incompatible diffs: {1}\",\"error_code\":0}"));
        HttpSchemaRegistryClient client = client(config());

        // when / then
        assertThatThrownBy(() -> client.register(SUBJECT, SCHEMA))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("is incompatible with the versions already registered under subject '" + SUBJECT)
                .hasMessageContaining("compatibility setting")
                .hasMessageContaining("add new fields with a default")
                .hasMessageContaining("Incompatible artifact");
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void shouldReportUnknownSchemaIdOn404() {
        // given
        stub.answer(request -> new Response(404, "{\"message\":\"No content with id/hash 'contentId-9' was found.\",\"error_code\":40403}"));
        HttpSchemaRegistryClient client = client(config());

        // when / then
        assertThatThrownBy(() -> client.getById(9))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("Schema id 9 is unknown")
                .hasMessageContaining("40403");
    }

    @Test
    void shouldReportANonAvroSchemaAsUnsupported() {
        // given
        stub.answer(request -> new Response(200, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}"));
        HttpSchemaRegistryClient client = client(config());

        // when / then
        assertThatThrownBy(() -> client.getById(3))
                .isInstanceOf(UnsupportedSchemaException.class)
                .hasMessageContaining("PROTOBUF");
    }

    @Test
    void shouldReportOtherRefusalsWithStatusAndTheRegistrysMessage() {
        // given
        stub.answer(request -> new Response(422, "{\"message\":\"Failed to discover artifact type from content.\",\"error_code\":42201}"));
        HttpSchemaRegistryClient client = client(config());

        // when / then
        assertThatThrownBy(() -> client.register(SUBJECT, SCHEMA))
                .isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 422")
                .hasMessageContaining("Failed to discover artifact type");
    }

    @Test
    void shouldRetryRefusedConnectionsWithBackoffThenFailClearly() throws IOException {
        // given a URL where nothing listens
        String deadUrl = "http://127.0.0.1:" + freePort();
        Map<String, Object> config = config();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, deadUrl);
        config.put(AvroSerdeConfig.MAX_RETRIES, 2);
        config.put(AvroSerdeConfig.RETRIES_WAIT_MS, 100);
        HttpSchemaRegistryClient client = client(config);
        long start = System.nanoTime();

        // when / then: two retries wait at least 50 + 100 ms (jitter keeps half of 100, 200)
        assertThatThrownBy(() -> client.getById(1))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("failed 3 times against [" + deadUrl + "]")
                .hasMessageContaining("connection refused")
                .hasMessageContaining("schema.registry.url")
                .hasCauseInstanceOf(ConnectException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(10));
    }

    @Test
    void shouldMoveOnToTheNextUrlWhenTheFirstRefusesConnections() throws IOException {
        // given
        stub.answer(request -> REGISTERED);
        Map<String, Object> config = config();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:" + freePort() + "," + stub.url());

        // when
        int id = client(config).register(SUBJECT, SCHEMA);

        // then
        assertThat(id).isEqualTo(42);
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void shouldAskOnceWithinTheTtlForAnIdTheRegistryDoesNotKnow() {
        // given
        stub.answer(request -> new Response(404, "{\"message\":\"Schema 9 not found\",\"error_code\":40403}"));
        HttpSchemaRegistryClient client = client(config());

        // when a stream of records names the same unknown id
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> client.getById(9)).isInstanceOf(SchemaNotFoundException.class)
                    .hasMessageContaining("Schema id 9 is unknown");
        }

        // then
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void shouldAskEveryTimeForAnUnknownIdWhenTheTtlIsZero() {
        // given
        stub.answer(request -> new Response(404, "{\"message\":\"Schema 9 not found\",\"error_code\":40403}"));
        Map<String, Object> config = config();
        config.put(AvroSerdeConfig.MISSING_ID_CACHE_TTL_SEC, 0);
        HttpSchemaRegistryClient client = client(config);

        // when
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> client.getById(9)).isInstanceOf(SchemaNotFoundException.class);
        }

        // then
        assertThat(stub.requests()).hasSize(3);
    }

    @Test
    void shouldTakeTheRetryKeysFromTheApplicationsConfig() {
        // given the application config of `run`, with retries switched off
        stub.answer(request -> new Response(503, "{\"message\":\"down\"}"));
        AgentwatchConfig app = new AgentwatchConfig(Map.of(AgentwatchConfig.SCHEMA_REGISTRY_URL, stub.url(),
                AvroSerdeConfig.MAX_RETRIES, "0", AvroSerdeConfig.HTTP_READ_TIMEOUT_MS, "5000"));
        HttpSchemaRegistryClient client = client(app.serdeConfig());

        // when / then: one attempt, no retry
        assertThatThrownBy(() -> client.getById(1)).isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("failed 1 times");
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void shouldTrustAnHttpsRegistryThroughTheConfiguredTruststoreOnly(@TempDir Path dir) throws Exception {
        // given a registry whose certificate no public CA signed
        SelfSignedTls tls = SelfSignedTls.create(dir);
        try (StubRegistry https = StubRegistry.startHttps(tls.serverContext())) {
            https.answer(request -> new Response(200, SCHEMA_JSON));
            Map<String, Object> config = new HashMap<>();
            config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, https.url());
            config.put(AvroSerdeConfig.MAX_RETRIES, 0);

            // when / then: without the truststore the handshake fails, saying what to set
            assertThatThrownBy(() -> client(config).getById(1)).isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining("TLS handshake failed")
                    .hasMessageContaining(AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION);

            // and with it the schema is read
            config.put(AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION, tls.trustStore.toString());
            config.put(AvroSerdeConfig.SSL_TRUSTSTORE_PASSWORD, SelfSignedTls.PASSWORD);
            assertThat(client(config).getById(1)).isEqualTo(SCHEMA);
        }
    }

    @Test
    void shouldSayWhatIsWrongWithATruststoreThatCannotBeLoaded(@TempDir Path dir) throws IOException {
        // given
        Path notAStore = Files.writeString(dir.resolve("truststore.jks"), "not a keystore");
        Map<String, Object> config = config();
        config.put(AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION, notAStore.toString());
        config.put(AvroSerdeConfig.SSL_TRUSTSTORE_PASSWORD, "wrong");

        // when / then
        assertThatThrownBy(() -> client(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(notAStore.toString()).hasMessageContaining("cannot load the JKS truststore")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void shouldNotRepeatTheUrlsCredentialsInAnyError() {
        // given URLs carrying user:password@ that are wrong in three ways
        List<String> badUrls = List.of("ftp://agentwatch:s3cr3t@registry.example",
                "https://agentwatch:s3cr3t@registry example:8081", "https://agentwatch:s3cr3t@@registry.example:x");

        // then none of the errors repeats the password
        for (String url : badUrls) {
            Throwable e = org.assertj.core.api.Assertions.catchThrowable(
                    () -> client(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url)).getById(1));
            assertThat(e).as(url).isInstanceOf(ConfigException.class);
            assertThat(e.getMessage()).as(url).doesNotContain("s3cr3t").contains("***@");
        }
    }

    private void requireAuthorization(String expected) {
        stub.answer(request -> expected.equals(request.authorization())
                ? (request.path().startsWith("/schemas/ids/") ? new Response(200, SCHEMA_JSON) : REGISTERED)
                : new Response(401, "{\"message\":\"Unauthorized\",\"error_code\":40101}"));
    }

    private Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stub.url());
        config.put(AvroSerdeConfig.RETRIES_WAIT_MS, 1);
        return config;
    }

    private static HttpSchemaRegistryClient client(Map<String, ?> config) {
        return new HttpSchemaRegistryClient(new AvroSerdeConfig(config));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A loopback port nobody listens on (freed right away; nothing else grabs it in time). */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
