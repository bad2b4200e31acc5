package io.agentwatch.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.Severity;
import io.agentwatch.topology.Names;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MicrometerObserverTest {
    private final MicrometerObserver observer = new MicrometerObserver(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));

    @AfterEach
    void close() {
        observer.close();
    }

    @Test
    void shouldServeEveryContractMetricOnceTheTopologyHasReportedEachKind() {
        // given: one of each callback, as the topology makes them
        observer.eventIn("tool_call");
        observer.finding(Fixtures.finding());
        observer.revokeCommand(Fixtures.command(), Fixtures.EVENT_TIME.toEpochMilli() + 250);
        observer.revokeDeduplicated();
        observer.approval("requested");
        observer.deadLetter("invalid-agent-id");
        observer.recordProcessed(40_000);
        observer.punctuated(2_000_000);
        observer.agents("0_0", 3, 1);
        observer.storeEntries("0_0", Names.SESSIONS_STORE, 5);

        // when
        Set<String> series = seriesNames(observer.scrape());

        // then (the GC pause timer appears with the first collection, so it is not asked for here)
        assertThat(series).containsAll(MetricNames.APP)
                .containsAll(MetricNames.JVM.stream().filter(n -> !n.startsWith("jvm_gc_pause")).toList());
    }

    @Test
    void shouldRegisterAgentsAndStoreEntriesForEveryStoreAtStartUp() {
        // given a fresh observer (the dashboards' instance variable is built from agentwatch_store_entries)
        String scrape = observer.scrape();

        // then
        for (String store : new String[] {Names.TOKENS_STORE, Names.SESSIONS_STORE, Names.BASELINES_STORE}) {
            assertThat(value(scrape, "agentwatch_store_entries{store=\"" + store + "\"}")).isEqualTo(0.0);
        }
        assertThat(value(scrape, "agentwatch_agents{state=\"LEARNING\"}")).isEqualTo(0.0);
        assertThat(value(scrape, "agentwatch_agents{state=\"ACTIVE\"}")).isEqualTo(0.0);
        assertThat(value(scrape, "agentwatch_findings_total{detector=\"CREDENTIAL\",severity=\"CRITICAL\"}"))
                .isEqualTo(0.0);
        assertThat(value(scrape, "agentwatch_revoke_commands_total{scope=\"AGENT\"}")).isEqualTo(0.0);
    }

    @Test
    void shouldCountSuspensionsAsApprovalsNotAsRevokes() {
        RevokeCommand suspend = Fixtures.command();
        suspend.setScope(io.agentwatch.avro.RevokeScope.SUSPEND);

        observer.revokeCommand(suspend, suspend.getIssuedAt().toEpochMilli());
        observer.approval("requested");
        observer.approval("timed_out");
        String scrape = observer.scrape();

        assertThat(value(scrape, "agentwatch_approvals_total{outcome=\"requested\"}")).isEqualTo(1.0);
        assertThat(value(scrape, "agentwatch_approvals_total{outcome=\"timed_out\"}")).isEqualTo(1.0);
        assertThat(value(scrape, "agentwatch_approvals_total{outcome=\"approved\"}")).isEqualTo(0.0);
        assertThat(scrape).doesNotContain("scope=\"SUSPEND\"");
        assertThat(value(scrape, "agentwatch_detection_latency_seconds_count")).isEqualTo(0.0);
    }

    @Test
    void shouldCountFindingsByDetectorAndSeverityAndRevokesByScope() {
        Finding finding = Fixtures.finding();
        RevokeCommand command = Fixtures.command();

        observer.finding(finding);
        observer.finding(finding);
        observer.revokeCommand(command, command.getIssuedAt().toEpochMilli());
        observer.eventIn("token_issued");

        String scrape = observer.scrape();
        assertThat(value(scrape, "agentwatch_findings_total{detector=\"CROSS_BOUNDARY\",severity=\"HIGH\"}")).isEqualTo(2.0);
        assertThat(value(scrape, "agentwatch_revoke_commands_total{scope=\"SESSION\"}")).isEqualTo(1.0);
        assertThat(value(scrape, "agentwatch_events_in_total{type=\"token_issued\"}")).isEqualTo(1.0);
        assertThat(value(scrape, "agentwatch_events_in_total{type=\"tool_call\"}")).isEqualTo(0.0);
    }

    @Test
    void shouldMeasureDetectionLatencyFromTheTriggeringEventTimeToTheCommand() {
        RevokeCommand command = Fixtures.command();

        observer.revokeCommand(command, command.getIssuedAt().toEpochMilli() + 1500);

        String scrape = observer.scrape();
        assertThat(value(scrape, "agentwatch_detection_latency_seconds_count")).isEqualTo(1.0);
        assertThat(value(scrape, "agentwatch_detection_latency_seconds_sum")).isEqualTo(1.5);
        // a percentile histogram: Prometheus can take quantiles across instances
        assertThat(scrape).contains("agentwatch_detection_latency_seconds_bucket{le=\"1.431655765\"} 0")
                .contains("agentwatch_detection_latency_seconds_bucket{le=\"1.789569706\"} 1");
    }

    @Test
    void shouldSumGaugesOverTasksKeepingOnlyEachTasksLatestReport() {
        observer.agents("0_0", 3, 1);
        observer.agents("0_1", 2, 4);
        observer.agents("0_0", 5, 1); // the next sweep of task 0_0 replaces its values
        observer.storeEntries("0_0", Names.TOKENS_STORE, 10);
        observer.storeEntries("0_1", Names.TOKENS_STORE, 7);

        String scrape = observer.scrape();
        assertThat(value(scrape, "agentwatch_agents{state=\"LEARNING\"}")).isEqualTo(7.0);
        assertThat(value(scrape, "agentwatch_agents{state=\"ACTIVE\"}")).isEqualTo(5.0);
        assertThat(value(scrape, "agentwatch_store_entries{store=\"tokens\"}")).isEqualTo(17.0);
    }

    @Test
    void shouldForgetTasksThatLeftThisInstance() {
        AtomicReference<Set<String>> live = new AtomicReference<>(Set.of("0_0", "0_1"));
        observer.liveTasks(live::get);
        observer.agents("0_0", 3, 1);
        observer.agents("0_1", 2, 4);
        observer.storeEntries("0_1", Names.SESSIONS_STORE, 9);

        // when task 0_1 moves to another instance
        live.set(Set.of("0_0"));
        observer.liveTasks(live::get);

        String scrape = observer.scrape();
        assertThat(value(scrape, "agentwatch_agents{state=\"LEARNING\"}")).isEqualTo(3.0);
        assertThat(value(scrape, "agentwatch_store_entries{store=\"sessions\"}")).isEqualTo(0.0);
    }

    @Test
    void shouldNeverLabelASeriesWithAnAgentSessionOrToken() {
        observer.finding(Fixtures.finding());
        observer.revokeCommand(Fixtures.command(), System.currentTimeMillis());

        String scrape = observer.scrape();

        Set<String> labels = labelNames(scrape);
        assertThat(labels).doesNotContainAnyElementsOf(MetricNames.PER_AGENT_LABELS);
        assertThat(scrape).doesNotContain(Fixtures.AGENT).doesNotContain("s-1").doesNotContain("tok-1");
    }

    @Test
    void shouldKeepTheNumberOfSeriesBoundedWhateverLabelValuesArrive() {
        for (int i = 0; i < 500; i++) {
            observer.deadLetter("reason-" + i);
        }

        long dlqSeries = observer.scrape().lines().filter(l -> l.startsWith("agentwatch_dlq_records_total{")).count();
        assertThat(dlqSeries).isLessThanOrEqualTo(65);
        assertThat(value(observer.scrape(), "agentwatch_dlq_records_total{reason=\"other\"}")).isGreaterThan(400.0);
    }

    @Test
    void shouldExposeKafkaStreamsOwnMetricsOnceBound(@TempDir Path stateDir) {
        // given a KafkaStreams that is never started (its client metrics exist from construction)
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in").to("out");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (KafkaStreams streams = new KafkaStreams(builder.build(), p)) {
            // when
            observer.bindStreams(streams);

            // then
            String scrape = observer.scrape();
            assertThat(scrape).contains("kafka_stream_alive_stream_threads");
            assertThat(seriesNames(scrape)).containsAll(MetricNames.APP.stream()
                    .filter(n -> !n.startsWith("agentwatch_dlq")).toList());
        }
    }

    @Test
    void shouldPreRegisterFindingsOfEverySeverity() {
        String scrape = observer.scrape();
        for (Severity s : Severity.values()) {
            assertThat(scrape).contains("agentwatch_findings_total{detector=\"SCOPE_DRIFT\",severity=\"" + s.name() + "\"} 0");
        }
    }

    static Set<String> seriesNames(String scrape) {
        Set<String> names = new HashSet<>();
        scrape.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(l -> names.add(l.split("[{ ]", 2)[0]));
        return names;
    }

    private static Set<String> labelNames(String scrape) {
        Set<String> names = new HashSet<>();
        Matcher m = Pattern.compile("[{,]([a-zA-Z_][a-zA-Z0-9_]*)=\"").matcher(scrape);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The value of one exact series line, e.g. {@code name{label="v"}}. */
    static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " "))
                .map(l -> Double.parseDouble(Arrays.stream(l.split(" ")).skip(1).findFirst().orElseThrow()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no series " + series + " in the scrape"));
    }
}
