package io.agentwatch.serde;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of {@link AvroSerde} and its registry client. The key names are Confluent's, so one
 * config map serves our serde and Confluent's alike (see {@link AvroSerdes}).
 */
public final class AvroSerdeConfig extends AbstractConfig {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
    public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";

    static final String MOCK_SCHEME = "mock://";

    private static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, Type.LIST, ConfigDef.NO_DEFAULT_VALUE,
                    AvroSerdeConfig::validateUrls, Importance.HIGH,
                    "Comma-separated registry base URLs (http:// or https://, tried in turn when one"
                            + " fails), or one mock://<scope> for an in-memory registry shared by every"
                            + " serde of this JVM that names the same scope.")
            .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Register the record's schema when serializing. When false, the schema must"
                            + " already be registered under the subject.")
            .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, "",
                    ConfigDef.ValidString.in("", "USER_INFO", "URL"), Importance.MEDIUM,
                    "USER_INFO: basic.auth.user.info; URL: the user:password@ of the registry URL;"
                            + " empty: whichever of the two is given.")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
                    "user:password for HTTP basic authentication.")
            .define(BEARER_AUTH_CREDENTIALS_SOURCE, Type.STRING, "STATIC_TOKEN",
                    ConfigDef.ValidString.in("STATIC_TOKEN"), Importance.LOW,
                    "Only STATIC_TOKEN (bearer.auth.token) is supported.")
            .define(BEARER_AUTH_TOKEN, Type.PASSWORD, null, Importance.MEDIUM,
                    "Bearer token sent as 'Authorization: Bearer <token>'.")
            .define(MAX_RETRIES, Type.INT, 3, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Retries after a connection error, timeout, HTTP 429 or 5xx; then the call fails.")
            .define(RETRIES_WAIT_MS, Type.LONG, 500L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Wait before the first retry; doubled for each further retry (with jitter).")
            .define(RETRIES_MAX_WAIT_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Upper bound of the wait between two retries.")
            .define(HTTP_CONNECT_TIMEOUT_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Timeout to open a connection to the registry.")
            .define(HTTP_READ_TIMEOUT_MS, Type.LONG, 30_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Timeout of one request, from sending it to the end of the response.")
            .define(TRUSTSTORE_LOCATION, Type.STRING, "", Importance.MEDIUM,
                    "Truststore (JKS or PKCS12 file) holding the CA of an https:// registry whose certificate the"
                            + " JVM's default CAs do not cover. Empty: the JVM's default trust.")
            .define(TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Password of the truststore.")
            .define(TRUSTSTORE_TYPE, Type.STRING, "JKS", Importance.LOW,
                    "Type of the truststore: JKS (which also reads PKCS12 files) or PKCS12.");

    public AvroSerdeConfig(Map<String, ?> originals) {
        // doLog=false: the application passes its whole config map, and logging it here would
        // repeat it once per serde.
        super(CONFIG_DEF, originals, false);
        if (basicAuthUserInfo().isPresent() && bearerToken().isPresent()) {
            throw new ConfigException(BASIC_AUTH_USER_INFO + " and " + BEARER_AUTH_TOKEN
                    + " are both set: the registry accepts one Authorization header, choose one");
        }
    }

    public List<String> registryUrls() {
        return getList(SCHEMA_REGISTRY_URL);
    }

    public boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS);
    }

    public RetryPolicy retryPolicy() {
        return new RetryPolicy(getInt(MAX_RETRIES), Duration.ofMillis(getLong(RETRIES_WAIT_MS)),
                Duration.ofMillis(getLong(RETRIES_MAX_WAIT_MS)));
    }

    public Duration connectTimeout() {
        return Duration.ofMillis(getLong(HTTP_CONNECT_TIMEOUT_MS));
    }

    public Duration readTimeout() {
        return Duration.ofMillis(getLong(HTTP_READ_TIMEOUT_MS));
    }

    /** The truststore for https:// registries, when one is configured. */
    public Optional<RegistryTls> tls() {
        String location = getString(TRUSTSTORE_LOCATION);
        if (location.isBlank()) {
            return Optional.empty();
        }
        Password password = getPassword(TRUSTSTORE_PASSWORD);
        return Optional.of(new RegistryTls(location, getString(TRUSTSTORE_TYPE), password == null ? "" : password.value()));
    }

    /** The value of the Authorization header to send, if credentials are configured. */
    public Optional<String> authorizationHeader() {
        Optional<String> bearer = bearerToken();
        if (bearer.isPresent()) {
            return Optional.of("Bearer " + bearer.get());
        }
        return basicCredentials().map(userInfo -> "Basic "
                + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }

    private Optional<String> basicCredentials() {
        String source = getString(BASIC_AUTH_CREDENTIALS_SOURCE);
        Optional<String> fromUrl = registryUrls().stream()
                .map(url -> URI.create(url).getRawUserInfo())
                .filter(userInfo -> userInfo != null && !userInfo.isEmpty())
                .findFirst();
        switch (source) {
            case "USER_INFO":
                return Optional.of(basicAuthUserInfo().orElseThrow(() -> new ConfigException(
                        BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO needs " + BASIC_AUTH_USER_INFO + "=user:password")));
            case "URL":
                return Optional.of(fromUrl.orElseThrow(() -> new ConfigException(
                        BASIC_AUTH_CREDENTIALS_SOURCE + "=URL needs user:password@ in " + SCHEMA_REGISTRY_URL)));
            default:
                return basicAuthUserInfo().or(() -> fromUrl);
        }
    }

    private Optional<String> basicAuthUserInfo() {
        return Optional.ofNullable(getPassword(BASIC_AUTH_USER_INFO)).map(Password::value);
    }

    private Optional<String> bearerToken() {
        return Optional.ofNullable(getPassword(BEARER_AUTH_TOKEN)).map(Password::value);
    }

    private static void validateUrls(String name, Object value) {
        @SuppressWarnings("unchecked")
        List<String> urls = (List<String>) value;
        if (urls.isEmpty()) {
            throw new ConfigException(name, value, "at least one registry URL is needed");
        }
        long mocks = urls.stream().filter(url -> url.startsWith(MOCK_SCHEME)).count();
        if (mocks > 0 && urls.size() > 1) {
            throw new ConfigException(name, value, "a mock:// URL stands alone, without other URLs");
        }
        for (String url : urls) {
            if (!url.startsWith(MOCK_SCHEME) && !url.startsWith("http://") && !url.startsWith("https://")) {
                throw new ConfigException(name, value, "'" + url + "' is neither http(s):// nor mock://");
            }
        }
    }
}
