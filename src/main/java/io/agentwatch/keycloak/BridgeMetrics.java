package io.agentwatch.keycloak;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The bridge's metrics, served as Prometheus text on {@code /metrics} of its own small HTTP
 * server. No label carries an agent, client or token: label values come from small fixed sets.
 */
public final class BridgeMetrics implements AutoCloseable {
    static final List<String> COMMAND_OUTCOMES = List.of("applied", "refused", "stale", "undecodable");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer revokeLatency;
    private HttpServer server;

    public BridgeMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        for (String type : List.of("token_issued", "token_revoked")) {
            published(type, 0);
        }
        for (String outcome : COMMAND_OUTCOMES) {
            command(outcome);
        }
        registry.counter("agentwatch_keycloak_errors_total");
        revokeLatency = Timer.builder("agentwatch_keycloak_revoke_latency_seconds")
                .description("revoke command written by agentwatch -> Keycloak rejects its tokens")
                .publishPercentileHistogram()
                .register(registry);
    }

    /** Serves /metrics on {@code bind:port} (0: any free port); returns the port. */
    public int serve(String bind, int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bind), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + bind + ":" + port + " (" + e.getMessage()
                    + "): set http.port (AGENTWATCH_HTTP_PORT, or --http-port) to a free port, or 0 for any", e);
        }
        server.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server.getAddress().getPort();
    }

    void published(String type, int n) {
        Counter.builder("agentwatch_keycloak_published_total").tag("type", type)
                .description("TokenIssued / TokenRevoked events published").register(registry).increment(n);
    }

    void skipped(String reason) {
        Counter.builder("agentwatch_keycloak_events_skipped_total").tag("reason", reason)
                .description("Keycloak events with nothing for agentwatch").register(registry).increment();
    }

    void command(String outcome) {
        Counter.builder("agentwatch_keycloak_commands_total").tag("outcome", outcome)
                .description("revoke commands handled").register(registry);
    }

    void commandHandled(String outcome) {
        Counter.builder("agentwatch_keycloak_commands_total").tag("outcome", outcome).register(registry).increment();
    }

    void deadLettered(String reason) {
        Counter.builder("agentwatch_keycloak_dlq_records_total").tag("reason", reason)
                .description("records sent to the dead-letter topic").register(registry).increment();
    }

    void keycloakError() {
        registry.counter("agentwatch_keycloak_errors_total").increment();
    }

    void revokeLatency(Duration d) {
        if (!d.isNegative()) {
            revokeLatency.record(d);
        }
    }

    /** Prometheus text of every metric (what /metrics serves). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        registry.close();
    }
}
