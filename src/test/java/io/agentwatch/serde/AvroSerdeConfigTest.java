package io.agentwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AvroSerdeConfigTest {

    private static final String URL = "http://registry.example:8081";

    @Test
    void shouldRequireTheRegistryUrl() {
        // when / then
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdeConfig.SCHEMA_REGISTRY_URL);
    }

    @Test
    void shouldDefaultToAutoRegisterBoundedRetriesAndNoCredentials() {
        // when
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, URL));

        // then
        assertThat(config.autoRegisterSchemas()).isTrue();
        assertThat(config.retryPolicy().maxAttempts()).isEqualTo(4);
        assertThat(config.authorizationHeader()).isEmpty();
    }

    @Test
    void shouldSplitACommaSeparatedUrlList() {
        // when
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, URL + ", https://b.example"));

        // then
        assertThat(config.registryUrls()).containsExactly(URL, "https://b.example");
    }

    @Test
    void shouldRefuseAUrlThatIsNeitherHttpNorMock() {
        // when / then
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "registry.example:8081")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("neither http(s):// nor mock://");
    }

    @Test
    void shouldRefuseAMockUrlMixedWithOtherUrls() {
        // when / then
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://a," + URL)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mock:// URL stands alone");
    }

    @Test
    void shouldBuildBasicAuthorizationFromUserInfo() {
        // when
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, URL,
                AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                AvroSerdeConfig.BASIC_AUTH_USER_INFO, "alice:s3cret"));

        // then: base64("alice:s3cret")
        assertThat(config.authorizationHeader()).hasValue("Basic YWxpY2U6czNjcmV0");
    }

    @Test
    void shouldTakeBasicCredentialsFromTheUrlWhenNoUserInfoIsGiven() {
        // when
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                "http://alice:s3cret@registry.example:8081"));

        // then
        assertThat(config.authorizationHeader()).hasValue("Basic YWxpY2U6czNjcmV0");
    }

    @Test
    void shouldRefuseUserInfoSourceWithoutUserInfo() {
        // given
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, URL,
                AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO"));

        // when / then
        assertThatThrownBy(config::authorizationHeader)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdeConfig.BASIC_AUTH_USER_INFO);
    }

    @Test
    void shouldBuildBearerAuthorizationFromToken() {
        // when
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, URL,
                AvroSerdeConfig.BEARER_AUTH_TOKEN, "t0ken"));

        // then
        assertThat(config.authorizationHeader()).hasValue("Bearer t0ken");
    }

    @Test
    void shouldRefuseBasicAndBearerCredentialsTogether() {
        // when / then
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, URL,
                AvroSerdeConfig.BASIC_AUTH_USER_INFO, "alice:s3cret", AvroSerdeConfig.BEARER_AUTH_TOKEN, "t0ken")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("choose one");
    }

    @Test
    void shouldKeepBackoffWithinHalfAndAllOfTheCappedExponentialWait() {
        // given
        Map<String, Object> settings = new HashMap<>(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, URL));
        settings.put(AvroSerdeConfig.RETRIES_WAIT_MS, 100);
        settings.put(AvroSerdeConfig.RETRIES_MAX_WAIT_MS, 300);
        RetryPolicy policy = new AvroSerdeConfig(settings).retryPolicy();

        // when
        List<Duration> waits = List.of(policy.backoff(1), policy.backoff(2), policy.backoff(3), policy.backoff(40));

        // then
        assertThat(waits.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(waits.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(waits.get(2)).isBetween(Duration.ofMillis(150), Duration.ofMillis(300));
        assertThat(waits.get(3)).isBetween(Duration.ofMillis(150), Duration.ofMillis(300));
    }
}
