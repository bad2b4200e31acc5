package io.agentwatch.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates PromQL through Prometheus' HTTP API ({@code /api/v1/query}). An expression that
 * Prometheus rejects comes back as a {@link Result} carrying the error, not as an exception, so a
 * test can evaluate every dashboard query and report all bad ones at once. Only a Prometheus that
 * cannot be reached throws.
 */
public final class PrometheusClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * The outcome of one query: {@code error} is Prometheus' message when it rejected the
     * expression, otherwise null; {@code series} counts the series (or 1 for a scalar) returned;
     * {@code values} holds each series' value as Prometheus wrote it ("NaN" included), the last
     * one of a range, and {@code labels} each series' labels as {@code name=value,...} (empty
     * for a scalar or a series without labels), in the same order.
     */
    public record Result(String expr, String error, String resultType, int series, List<String> values,
                         List<String> labels) {
        public Result {
            values = values == null ? List.of() : List.copyOf(values);
            labels = labels == null ? List.of() : List.copyOf(labels);
        }

        public boolean ok() {
            return error == null;
        }

        public boolean empty() {
            return ok() && series == 0;
        }

        @Override
        public String toString() {
            return ok() ? resultType + " with " + series + " series: " + expr : "error \"" + error + "\": " + expr;
        }
    }

    /** @param base Prometheus' address, such as {@code http://127.0.0.1:9090} */
    public PrometheusClient(URI base) {
        this.base = base;
    }

    /** Evaluates the expression at the current time. */
    public Result query(String expr) {
        // POST keeps long expressions out of the URL; Prometheus accepts the form body the same way.
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/query"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
                .build();
        HttpResponse<String> response = send(request);
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            return new Result(expr, "HTTP " + response.statusCode() + ", not JSON: " + response.body(), null, 0, null, null);
        }
        if (!"success".equals(body.path("status").asText())) {
            return new Result(expr, body.path("errorType").asText() + ": " + body.path("error").asText(), null, 0, null, null);
        }
        JsonNode data = body.path("data");
        String type = data.path("resultType").asText();
        // A scalar or string result is one [time, value] pair, not a list of series.
        JsonNode result = data.path("result");
        List<String> values = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        if ("vector".equals(type) || "matrix".equals(type)) {
            for (JsonNode s : result) {
                JsonNode sample = "vector".equals(type) ? s.path("value") : s.path("values").path(s.path("values").size() - 1);
                values.add(sample.path(1).asText());
                List<String> pairs = new ArrayList<>();
                s.path("metric").properties().forEach(l -> pairs.add(l.getKey() + "=" + l.getValue().asText()));
                labels.add(String.join(",", pairs));
            }
        } else {
            values.add(result.path(1).asText());
            labels.add("");
        }
        int series = "vector".equals(type) || "matrix".equals(type) ? result.size() : 1;
        return new Result(expr, null, type, series, values, labels);
    }

    /** True once Prometheus answers its readiness endpoint. */
    public boolean ready() {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/-/ready")).timeout(Duration.ofSeconds(2)).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking Prometheus readiness", e);
        }
    }

    /**
     * Waits until the expression returns at least one series, for example until enough scrapes
     * have happened for {@code rate()} to have two samples.
     *
     * @throws IllegalStateException with the last result when the time runs out
     */
    public Result awaitSeries(String expr, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Result last = query(expr);
        while (!(last.ok() && last.series() > 0)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("no series after " + timeout + ": " + last);
            }
            sleep(Duration.ofMillis(250));
            last = query(expr);
        }
        return last;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Prometheus at " + base + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while querying Prometheus", e);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
