package io.agentwatch.observe;

import com.sun.net.httpserver.HttpServer;
import io.agentwatch.observe.DashboardQueries.Query;
import io.agentwatch.observe.PrometheusClient.Result;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every dashboard expression evaluated by a real Prometheus, scraping a stub {@code /metrics}
 * that serves the application's contract metrics (made by Micrometer's Prometheus registry, as
 * the application makes them) and Micrometer's JVM metrics. Kafka Streams' metrics are absent
 * here, so their queries are only checked for validity; the check that every panel has data
 * against the running application is {@link LiveDashboardsIT}.
 */
@Timeout(120)
class DashboardPromqlIT {

    private static final List<Query> QUERIES = DashboardQueries.queries(DashboardQueries.dashboardsDir());

    private static StubMetrics stub;
    private static PrometheusProcess prometheus;
    private static PrometheusClient client;

    @BeforeAll
    static void startPrometheusScrapingTheStub() throws IOException {
        stub = StubMetrics.start();
        prometheus = PrometheusProcess.start(stub.target(), "/metrics");
        client = prometheus.client();
        // rate() and increase() need two samples in their window: wait for three scrapes.
        client.awaitSeries("count_over_time(agentwatch_events_in_total[1m]) >= 3", Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (stub != null) {
            stub.close();
        }
    }

    @Test
    void shouldServeEveryContractAndJvmMetricFromTheStub() {
        Set<String> served = stub.seriesNames();

        assertThat(served).containsAll(MetricNames.APP).containsAll(MetricNames.JVM);
    }

    @Test
    void shouldAcceptEveryDashboardExpression() {
        assertThat(QUERIES).isNotEmpty();
        List<String> rejected = new ArrayList<>();
        for (Query query : QUERIES) {
            Result result = client.query(query.expr());
            if (!result.ok()) {
                rejected.add(query.dashboard() + " / " + query.panelTitle() + ": " + result);
            }
        }

        assertThat(rejected).as("expressions Prometheus rejected").isEmpty();
    }

    @Test
    void shouldReturnDataForEveryExpressionOverApplicationAndJvmMetrics() {
        Set<String> servedByStub = new HashSet<>(MetricNames.APP);
        servedByStub.addAll(MetricNames.JVM);
        List<Query> checkable = QUERIES.stream()
                .filter(q -> servedByStub.containsAll(Promql.names(q.expr()).metrics()))
                .toList();
        List<String> empty = new ArrayList<>();
        for (Query query : checkable) {
            Result result = client.query(query.expr());
            if (!result.ok() || result.empty()) {
                empty.add(query.dashboard() + " / " + query.panelTitle() + ": " + result);
            }
        }

        // Most panels use only these metrics; if none did, this test would check nothing.
        assertThat(checkable).hasSizeGreaterThan(QUERIES.size() / 2);
        assertThat(empty).as("expressions without data although the stub serves their metrics").isEmpty();
    }

    /**
     * An HTTP {@code /metrics} endpoint with one series for every label value of the contract.
     * Every scrape counts events and records timings, so that rates and quantiles have values.
     */
    private static final class StubMetrics implements AutoCloseable {

        private static final List<String> TYPES = List.of("tool_call", "token_issued", "token_revoked");
        private static final List<String> DETECTORS = List.of("CREDENTIAL", "SCOPE_DRIFT", "CROSS_BOUNDARY", "RATE_ANOMALY", "RESPONSE");
        private static final List<String> SEVERITIES = List.of("LOW", "MEDIUM", "HIGH", "CRITICAL");
        private static final List<String> SCOPES = List.of("TOKEN", "SESSION", "AGENT");
        private static final List<String> DLQ_REASONS = List.of("deserialization", "validation");
        private static final List<String> APPROVAL_OUTCOMES = List.of("requested", "approved", "timed_out");
        private static final Map<String, String> FRAMEWORK_ITEMS = Map.of("owasp_asi", "ASI02", "maestro", "L7",
                "nist_ai_rmf", "MEASURE 2.4");

        private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        private final List<Counter> counters = new ArrayList<>();
        private final List<Timer> timers = new ArrayList<>();
        private final JvmGcMetrics gc = new JvmGcMetrics();
        private final HttpServer server;

        private StubMetrics() throws IOException {
            TYPES.forEach(t -> counters.add(registry.counter("agentwatch.events.in", "type", t)));
            DETECTORS.forEach(d -> SEVERITIES.forEach(s -> counters.add(registry.counter("agentwatch.findings", "detector", d, "severity", s))));
            SCOPES.forEach(s -> counters.add(registry.counter("agentwatch.revoke.commands", "scope", s)));
            counters.add(registry.counter("agentwatch.revoke.commands.deduplicated"));
            DLQ_REASONS.forEach(r -> counters.add(registry.counter("agentwatch.dlq.records", "reason", r)));
            APPROVAL_OUTCOMES.forEach(o -> counters.add(registry.counter("agentwatch.approvals", "outcome", o)));
            FRAMEWORK_ITEMS.forEach((framework, item) -> counters.add(
                    registry.counter("agentwatch.framework.findings", "framework", framework, "item", item)));
            Gauge.builder("agentwatch.agents", () -> 9).tag("state", "ACTIVE").register(registry);
            Gauge.builder("agentwatch.agents", () -> 3).tag("state", "LEARNING").register(registry);
            for (String store : List.of("tokens", "sessions", "baselines")) {
                Gauge.builder("agentwatch.store.entries", () -> 42).tag("store", store).register(registry);
            }
            for (String timer : List.of("agentwatch.punctuation", "agentwatch.detection.latency", "agentwatch.record.processing")) {
                timers.add(Timer.builder(timer).publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                        .register(registry));
            }
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            gc.bindTo(registry);
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/metrics", exchange -> {
                tick();
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }

        static StubMetrics start() throws IOException {
            StubMetrics stub = new StubMetrics();
            stub.awaitGcPauseTimer();
            return stub;
        }

        String target() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        /** Names of the series the stub serves now, as Prometheus will store them. */
        Set<String> seriesNames() {
            Set<String> names = new HashSet<>();
            for (String line : registry.scrape().split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.split("[{ ]", 2)[0]);
                }
            }
            return names;
        }

        private synchronized void tick() {
            counters.forEach(Counter::increment);
            for (int i = 0; i < timers.size(); i++) {
                timers.get(i).record(Duration.ofMillis(5L * (i + 1)));
            }
        }

        /** Micrometer creates the GC pause timer on the first GC it is told about. */
        private void awaitGcPauseTimer() {
            System.gc();
            Instant deadline = Instant.now().plusSeconds(10);
            while (registry.find("jvm.gc.pause").timer() == null) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("no GC notification reached Micrometer's JvmGcMetrics");
                }
                PrometheusClient.sleep(Duration.ofMillis(50));
            }
        }

        @Override
        public void close() {
            server.stop(0);
            gc.close();
            registry.close();
        }
    }
}
