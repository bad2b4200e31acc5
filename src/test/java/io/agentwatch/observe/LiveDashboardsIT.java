package io.agentwatch.observe;

import io.agentwatch.config.Topics;
import io.agentwatch.topology.DetectionObserver;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.kafka.TopicSetup;
import io.agentwatch.observe.DashboardQueries.Query;
import io.agentwatch.observe.PrometheusClient.Result;
import io.agentwatch.runtime.LiveDetector;
import io.agentwatch.simulate.KafkaSink;
import io.agentwatch.simulate.SampleCredentialBroker;
import io.agentwatch.trust.Ed25519;
import io.agentwatch.trust.KeyFiles;
import io.agentwatch.simulate.SimulationRunner;
import io.agentwatch.simulate.SimulationSpec;
import io.agentwatch.simulate.Simulator;
import io.agentwatch.testing.KafkaBrokerExtension;
import io.agentwatch.topology.RegistrySerdes;
import io.agentwatch.topology.TopicNames;
import java.io.IOException;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboards against the running application: agentwatch ({@link LiveDetector}, as {@code run}
 * and {@code demo} start it) on the embedded broker, fed by the simulator (a short benign history,
 * then live traffic with a hijack every few seconds) with the sample credential broker answering
 * its revoke commands, and a real Prometheus scraping its {@code /metrics} every second. Once the
 * data is there (findings, revoke commands and detection-latency samples scraped; Micrometer's
 * Kafka binder has picked up the task, store and consumer metrics), every PromQL expression of
 * every dashboard panel is evaluated through Prometheus' HTTP API. The test fails if any is
 * rejected, or returns no series although its panel must have data, listing all of them.
 *
 * <p>The panels and their result sizes go to {@code target/live-dashboards/report.txt} (and the
 * test output), the last scrape of {@code /metrics} to {@code target/live-dashboards/metrics.txt}.
 */
@ExtendWith(KafkaBrokerExtension.class)
class LiveDashboardsIT {
    /** From the start of the test method until every panel has its data; the method's timeout bounds the rest. */
    private static final Duration DATA_DEADLINE = Duration.ofSeconds(65);
    /** Series values shown per expression in the report. */
    private static final int MAX_SHOWN = 5;
    private static final Path REPORT_DIR = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
            .resolve("target").resolve("live-dashboards");

    /**
     * What "the data is there" means beyond every must-have panel returning series: the loop has
     * closed at least once (a revoke command, so findings and a detection-latency sample too) and
     * Prometheus has it, and the RocksDB and topic metrics of the running tasks have been bound.
     */
    private static final List<String> DATA_READY = List.of(
            "sum(agentwatch_findings_total) > 0",
            "sum(agentwatch_revoke_commands_total) > 0",
            "sum(agentwatch_detection_latency_seconds_count) > 0",
            "sum(agentwatch_events_in_total) > 0",
            "sum(agentwatch_store_entries) > 0",
            "count(kafka_stream_state_estimate_num_keys) > 0",
            "count(kafka_stream_topic_records_consumed_total) > 0",
            "count(kafka_consumer_fetch_manager_records_lag_max) > 0");

    @TempDir
    Path stateDir;

    @TempDir
    Path keyDir;

    @Test
    @Timeout(value = 95, unit = TimeUnit.SECONDS)
    void shouldHaveDataForEveryDashboardPanelFromTheRunningApplication() throws Exception {
        long started = System.nanoTime();
        List<Query> queries = DashboardQueries.queries(DashboardQueries.dashboardsDir());
        assertThat(queries).isNotEmpty();

        String prefix = KafkaBrokerExtension.uniqueName("live-dashboards") + ".";
        TopicNames topics = TopicNames.defaults().withPrefix(prefix);
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicSetup.createTopics(admin, topics, 2, (short) 1);
        }
        Path signingKey = keyDir.resolve("signing.key");
        KeyFiles.write(Ed25519.generate(), signingKey, keyDir.resolve("signing.pub"));
        AgentwatchConfig config = config(prefix, topics, bootstrap, signingKey);
        RegistrySerdes serdes = new RegistrySerdes(config);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> simulatorFailure = new AtomicReference<>();

        try (LiveDetector live = LiveDetector.start(config, DetectionObserver.NONE);
             PrometheusProcess prometheus = PrometheusProcess.start("127.0.0.1:" + live.observability().port(), "/metrics");
             SampleCredentialBroker credentialBroker = new SampleCredentialBroker(bootstrap, topics, serdes,
                     Clock.systemUTC(), KeyFiles.readSigningKey(signingKey).asTrusted(), revoked -> { });
             KafkaSink sink = KafkaSink.create(Map.of("bootstrap.servers", bootstrap), serdes.anySerializer(),
                     new KafkaSink.Topics(topics.toolCalls(), topics.tokenIssuances(), topics.tokenRevocations()))) {
            // One day of benign history (seconds of Kafka time), then live traffic with a hijack every 4 s.
            Simulator simulator = new Simulator(SimulationSpec.builder().seed(7).agents(6)
                    .start(Instant.now().minus(1, ChronoUnit.DAYS)).historyDays(1).liveRate(20)
                    .hijackEvery(Duration.ofSeconds(4)).liveDuration(Duration.ofSeconds(100)).build());
            Thread producer = new Thread(() -> {
                try {
                    SimulationRunner.realTime().run(simulator, sink, true, stop::get, p -> { });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception | Error e) {
                    simulatorFailure.set(e);
                }
            }, "live-dashboards-simulator");
            producer.setDaemon(true);
            producer.start();

            PrometheusClient client = prometheus.client();
            Instant deadline = Instant.now().plus(DATA_DEADLINE).minusNanos(System.nanoTime() - started);
            List<Evaluated> evaluated;
            List<String> notReady;
            try {
                evaluated = evaluate(client, queries);
                notReady = notReady(client, evaluated);
                while (!notReady.isEmpty() && Instant.now().isBefore(deadline)
                        && simulatorFailure.get() == null && !live.service().hasFailed()) {
                    PrometheusClient.sleep(Duration.ofSeconds(1));
                    evaluated = evaluate(client, queries);
                    notReady = notReady(client, evaluated);
                }
            } finally {
                // The simulator stops before the sink and the detector close under it.
                stop.set(true);
                producer.join(5_000);
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - started);

            String scrape = get(URI.create("http://127.0.0.1:" + live.observability().port() + "/metrics"));
            Set<String> served = seriesNames(scrape);
            Files.createDirectories(REPORT_DIR);
            Files.writeString(REPORT_DIR.resolve("metrics.txt"), scrape);
            String report = report(evaluated, waited, served);
            Files.writeString(REPORT_DIR.resolve("report.txt"), report);
            System.out.println(report);

            assertThat(simulatorFailure.get()).as("simulator failure").isNull();
            assertThat(live.service().hasFailed()).as("Kafka Streams failed").isFalse();
            List<String> failing = evaluated.stream().filter(Evaluated::failing).map(Evaluated::line).toList();
            assertThat(failing)
                    .as("dashboard expressions rejected by Prometheus, or without data although their panel must have data"
                            + " (after %d s; still waiting for: %s; scrape target up: %s)",
                            waited.toSeconds(), notReady, client.query("up").values())
                    .isEmpty();
            assertThat(notReady).as("conditions of 'the data is there' still false after %d s", waited.toSeconds())
                    .isEmpty();
            // Every Kafka Streams and JVM name the dashboards may use is one the running app exports.
            Set<String> expected = new TreeSet<>(MetricNames.KAFKA_STREAMS);
            expected.addAll(MetricNames.JVM);
            expected.removeAll(served);
            assertThat(expected).as("MetricNames the running application does not export").isEmpty();
        }
    }

    private AgentwatchConfig config(String prefix, TopicNames topics, String bootstrap, Path signingKey) {
        Map<String, Object> p = new HashMap<>();
        p.putAll(topics.toConfig());
        p.put(AgentwatchConfig.SCHEMA_REGISTRY_URL, "mock://" + prefix + "registry");
        p.put(AgentwatchConfig.HTTP_PORT, 0);
        // The sample broker answers within a second, as in the demo.
        p.put(AgentwatchConfig.RESPONSE_CONFIRM_TIMEOUT, "1m");
        p.put(AgentwatchConfig.RESPONSE_SIGNING_KEY_FILE, signingKey.toString());
        // Sweep often, so that the punctuation panels have samples in the live phase too.
        p.put(AgentwatchConfig.PUNCTUATE_INTERVAL, "5s");
        p.put("kafka." + StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put("kafka." + StreamsConfig.APPLICATION_ID_CONFIG, prefix + "agentwatch");
        p.put("kafka." + StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put("kafka." + StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put("kafka." + StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        return new AgentwatchConfig(p);
    }

    /**
     * One dashboard query and what Prometheus answered. A result whose every value is NaN (a
     * quantile or average over a window without samples) draws nothing in Grafana either, so it
     * counts as no data.
     */
    private record Evaluated(Query query, Result result) {
        boolean noData() {
            return result.ok() && (result.empty() || result.values().stream().allMatch("NaN"::equals));
        }

        boolean failing() {
            return !result.ok() || (query.mustHaveData() && noData());
        }

        String outcome() {
            if (!result.ok()) {
                return "REJECTED: " + result.error();
            }
            if (noData()) {
                return (query.mustHaveData() ? "NO DATA: " : "no data (allowed): ")
                        + (result.empty() ? "empty" : result.series() + " series, all NaN");
            }
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < Math.min(MAX_SHOWN, result.values().size()); i++) {
                String number = shortNumber(result.values().get(i));
                // Only the labels that tell the series apart: Prometheus' own instance and job say nothing here.
                String labels = Stream.of(result.labels().get(i).split(","))
                        .filter(l -> !l.isEmpty() && !l.startsWith("instance=") && !l.startsWith("job="))
                        .map(l -> l.substring(l.indexOf('=') + 1)).collect(Collectors.joining(","));
                shown.add(labels.isEmpty() ? number : labels + "=" + number);
            }
            return result.series() + " series " + shown + (result.series() > shown.size() ? "..." : "");
        }

        String line() {
            return query.dashboard() + " / " + query.panelTitle() + ": " + outcome() + "\n      " + query.expr();
        }
    }

    private static List<Evaluated> evaluate(PrometheusClient client, List<Query> queries) {
        List<Evaluated> out = new ArrayList<>();
        for (Query q : queries) {
            out.add(new Evaluated(q, client.query(q.expr())));
        }
        return out;
    }

    /** Every must-have panel has series and every condition of {@link #DATA_READY} holds: empty list. */
    private static List<String> notReady(PrometheusClient client, List<Evaluated> evaluated) {
        List<String> missing = new ArrayList<>();
        // A rejected expression stays rejected: no reason to wait for it.
        evaluated.stream().filter(e -> e.query().mustHaveData() && e.noData())
                .forEach(e -> missing.add(e.query().panelTitle()));
        for (String condition : DATA_READY) {
            Result r = client.query(condition);
            if (!r.ok() || r.empty()) {
                missing.add(condition);
            }
        }
        return missing;
    }

    private static String report(List<Evaluated> evaluated, Duration waited, Set<String> served) {
        StringBuilder out = new StringBuilder(String.format("Dashboard panels on a real Prometheus scraping the running"
                + " app: %d expressions, %d failing, data complete after %.1f s%n", evaluated.size(),
                evaluated.stream().filter(Evaluated::failing).count(), waited.toMillis() / 1000.0));
        String lastPanel = null;
        for (Evaluated e : evaluated) {
            String panel = e.query().dashboard() + " / " + e.query().panelTitle();
            if (!panel.equals(lastPanel)) {
                out.append(panel).append(e.query().mustHaveData() ? "" : " (may be empty)").append('\n');
                lastPanel = panel;
            }
            out.append("    ").append(e.outcome()).append("  <-  ").append(e.query().expr()).append('\n');
        }
        Set<String> absent = new TreeSet<>(MetricNames.APP);
        absent.removeAll(served);
        out.append("Contract metrics absent from the last scrape: ").append(absent.isEmpty() ? "none" : absent).append('\n');
        return out.toString();
    }

    /** A sample value as the report shows it: at most 4 significant digits. */
    private static String shortNumber(String value) {
        try {
            double d = Double.parseDouble(value);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return value;
            }
            return d == Math.rint(d) && Math.abs(d) < 1e12 ? Long.toString((long) d) : String.format(Locale.ROOT, "%.4g", d);
        } catch (NumberFormatException e) {
            return value;
        }
    }

    /** The names of the series in a Prometheus text exposition. */
    static Set<String> seriesNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
