package io.agentwatch.serde;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one registry request with retries: connection errors, timeouts, 429 and 5xx are
 * retried with backoff, moving on to the next registry URL each time; 401/403 end the call at
 * once. Every other answer goes back to the caller, which knows what a 404 or 409 means.
 */
final class RegistryTransport {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryTransport.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    /**
     * One java.net.http client per connect timeout and truststore for the whole JVM: each client
     * owns a selector thread, and Java 17 cannot close a client, so one per serde would leak threads.
     */
    private static final Map<ClientSettings, HttpClient> HTTP_CLIENTS = new ConcurrentHashMap<>();

    private record ClientSettings(Duration connectTimeout, Optional<RegistryTls> tls) {
    }

    private final List<URI> baseUrls;
    private final Optional<String> authorization;
    private final RetryPolicy retryPolicy;
    private final Duration readTimeout;
    private final HttpClient http;
    private final Optional<RegistryTls> tls;
    /** The URL that answered last; requests start there instead of at a dead first URL. */
    private volatile int preferredUrl;

    RegistryTransport(List<URI> baseUrls, Optional<String> authorization, RetryPolicy retryPolicy,
            Duration connectTimeout, Duration readTimeout, Optional<RegistryTls> tls) {
        this.baseUrls = List.copyOf(baseUrls);
        this.authorization = authorization;
        this.retryPolicy = retryPolicy;
        this.readTimeout = readTimeout;
        this.tls = tls;
        this.http = HTTP_CLIENTS.computeIfAbsent(new ClientSettings(connectTimeout, tls), settings -> {
            HttpClient.Builder builder = HttpClient.newBuilder()
                    .connectTimeout(settings.connectTimeout())
                    // Registries speak HTTP/1.1; skipping the h2c upgrade attempt saves a round trip.
                    .version(HttpClient.Version.HTTP_1_1);
            settings.tls().ifPresent(t -> builder.sslContext(t.sslContext()));
            return builder.build();
        });
    }

    RegistryResponse get(String path) {
        return send("GET", path, null);
    }

    RegistryResponse post(String path, String jsonBody) {
        return send("POST", path, jsonBody);
    }

    private RegistryResponse send(String method, String path, String jsonBody) {
        String lastFailure = "";
        Exception lastCause = null;
        int first = preferredUrl;
        for (int attempt = 0; attempt < retryPolicy.maxAttempts(); attempt++) {
            if (attempt > 0) {
                sleep(retryPolicy.backoff(attempt));
            }
            int urlIndex = (first + attempt) % baseUrls.size();
            URI uri = URI.create(baseUrls.get(urlIndex) + path);
            try {
                HttpResponse<String> response = http.send(request(method, uri, jsonBody),
                        HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 429 || status >= 500) {
                    lastFailure = "HTTP " + status + " from " + uri + ": "
                            + new RegistryResponse(uri, status, response.body()).errorMessage();
                    lastCause = null;
                } else {
                    preferredUrl = urlIndex;
                    if (status == 401 || status == 403) {
                        throw credentialsRejected(uri, status, response.body());
                    }
                    return new RegistryResponse(uri, status, response.body());
                }
            } catch (IOException e) {
                lastFailure = describe(e) + " (" + uri + ")";
                lastCause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
            LOG.warn("Schema registry request {} {} failed (attempt {} of {}): {}", method, path,
                    attempt + 1, retryPolicy.maxAttempts(), lastFailure);
        }
        throw new RegistryUnavailableException("Schema registry unavailable: " + method + " " + path
                + " failed " + retryPolicy.maxAttempts() + " times against " + baseUrls + "; last failure: "
                + lastFailure + ". Check that " + AvroSerdeConfig.SCHEMA_REGISTRY_URL
                + " is right and the registry is up (" + AvroSerdeConfig.MAX_RETRIES + " and "
                + AvroSerdeConfig.RETRIES_WAIT_MS + " bound the retries).", lastCause);
    }

    private HttpRequest request(String method, URI uri, String jsonBody) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(readTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, jsonBody == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            builder.header("Content-Type", CONTENT_TYPE);
        }
        authorization.ifPresent(value -> builder.header("Authorization", value));
        return builder.build();
    }

    private RegistryCredentialsException credentialsRejected(URI uri, int status, String body) {
        String detail = new RegistryResponse(uri, status, body).errorMessage();
        String advice = authorization.isEmpty()
                ? "no credentials are configured: set " + AvroSerdeConfig.BASIC_AUTH_USER_INFO
                        + "=user:password or " + AvroSerdeConfig.BEARER_AUTH_TOKEN
                : status == 401
                        ? "the configured " + authorization.get().split(" ", 2)[0].toLowerCase()
                                + " credentials were rejected: check " + AvroSerdeConfig.BASIC_AUTH_USER_INFO
                                + " or " + AvroSerdeConfig.BEARER_AUTH_TOKEN
                        : "the configured credentials are valid but lack the permission for this request";
        return new RegistryCredentialsException("Schema registry at " + uri + " answered HTTP " + status
                + ": " + advice + ". Registry said: " + detail);
    }

    private String describe(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "connect timed out (HttpConnectTimeoutException)";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + readTimeout.toMillis() + " ms (HttpTimeoutException)";
        }
        if (e instanceof SSLHandshakeException) {
            return "TLS handshake failed (" + e.getMessage() + "): " + (tls.isEmpty()
                    ? "if the registry's certificate is signed by a private CA, set " + AvroSerdeConfig.TRUSTSTORE_LOCATION
                            + " to a truststore holding that CA"
                    : "check that " + tls.get().truststoreLocation() + " holds the CA of the registry's certificate"
                            + " and that the certificate names the host in " + AvroSerdeConfig.SCHEMA_REGISTRY_URL);
        }
        if (e instanceof ConnectException) {
            // The JDK's client gives no message here; refused is by far the usual cause.
            return "cannot connect, connection refused or unreachable (ConnectException)";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }
}
