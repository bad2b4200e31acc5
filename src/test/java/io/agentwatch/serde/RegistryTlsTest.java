package io.agentwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.serde.StubRegistry.Response;
import io.agentwatch.testing.TestCertificates;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry client over https:// with a registry certificate signed by no public CA. */
class RegistryTlsTest {
    private static final Schema SCHEMA = ToolCall.getClassSchema();
    private static final String SCHEMA_JSON = new ObjectMapper().createObjectNode().put("schema", SCHEMA.toString())
            .toString();

    @TempDir
    Path dir;

    private TestCertificates certificates;
    private StubRegistry registry;

    @BeforeEach
    void start() {
        certificates = TestCertificates.create(dir, "registry");
        registry = StubRegistry.startTls(certificates.serverContext());
        registry.answer(request -> new Response(200, SCHEMA_JSON));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        config.put(AvroSerdeConfig.MAX_RETRIES, 0);
        return config;
    }

    @Test
    void shouldTalkToTheRegistryOverTlsWithTheConfiguredTruststore() {
        // given
        Map<String, Object> config = config();
        config.put(AvroSerdeConfig.TRUSTSTORE_LOCATION, certificates.truststore().toString());
        config.put(AvroSerdeConfig.TRUSTSTORE_PASSWORD, certificates.password());
        config.put(AvroSerdeConfig.TRUSTSTORE_TYPE, "PKCS12");

        // when
        Schema schema = new HttpSchemaRegistryClient(new AvroSerdeConfig(config)).getById(7);

        // then
        assertThat(registry.url()).startsWith("https://");
        assertThat(schema).isEqualTo(SCHEMA);
        assertThat(registry.requests()).extracting(StubRegistry.Request::path).containsExactly("/schemas/ids/7");
    }

    @Test
    void shouldSayWhatToSetWhenTheRegistryCertificateIsNotTrusted() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(new AvroSerdeConfig(config()));

        assertThatThrownBy(() -> client.getById(7)).isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("TLS handshake failed").hasMessageContaining(AvroSerdeConfig.TRUSTSTORE_LOCATION);
        assertThat(registry.requests()).isEmpty();
    }

    @Test
    void shouldRefuseATruststoreItCannotRead() {
        Map<String, Object> config = config();
        config.put(AvroSerdeConfig.TRUSTSTORE_LOCATION, dir.resolve("missing.p12").toString());

        assertThatThrownBy(() -> new HttpSchemaRegistryClient(new AvroSerdeConfig(config)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.p12");
    }
}
