package io.agentwatch.topology;

import static io.agentwatch.testing.Events.BILLING;
import static io.agentwatch.testing.Events.MAILER;
import static io.agentwatch.testing.Events.crmLookup;
import static io.agentwatch.testing.Events.mailerToken;
import static io.agentwatch.testing.Events.sendTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.catalog.ToolCatalog;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import io.agentwatch.testing.BenignHistory;
import io.agentwatch.testing.MonitorHarness;
import io.agentwatch.trace.TraceEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live topology (replay=false: persistent RocksDB stores with changelogs, future
 * timestamps judged against the wall clock) in a plain TopologyTestDriver, with a wall clock
 * that follows the producers' events.
 */
class RocksDbTopologyTest {
    @TempDir
    Path stateDir;

    private final AtomicLong wallClock = new AtomicLong(MonitorHarness.START.toEpochMilli());
    private TopologyTestDriver driver;
    private TestInputTopic<String, ToolCall> calls;
    private TestInputTopic<String, TokenIssued> issuances;
    private TestInputTopic<String, TokenRevoked> revocations;
    private TestOutputTopic<String, Finding> findings;
    private TestOutputTopic<String, RevokeCommand> commands;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        AgentwatchConfig config = new AgentwatchConfig(Map.of(AgentwatchConfig.SCHEMA_REGISTRY_URL,
                "mock://rocksdb-" + UUID.randomUUID()));
        MonitorServices services = new MonitorServices(ToolCatalog.builtIn(), Suppressions.none(),
                new RegistrySerdes(config), DetectionObserver.NONE, MonitorHarness.clockOf(wallClock), false);
        Properties props = AgentwatchTopology.streamsProperties(config, DetectionObserver.NONE);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "agentwatch-rocksdb-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // The test pipes records in time order across the inputs; live, Streams would wait up to
        // max.task.idle.ms for the other inputs, which the driver's mock wall clock never reaches.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "0");
        driver = new TopologyTestDriver(AgentwatchTopology.build(config, services), props, MonitorHarness.START);
        TopicNames topics = TopicNames.from(config);
        StringSerializer keys = new StringSerializer();
        calls = driver.createInputTopic(topics.toolCalls(), keys, services.serdes().forClass(ToolCall.class).serializer());
        issuances = driver.createInputTopic(topics.tokenIssuances(), keys,
                services.serdes().forClass(TokenIssued.class).serializer());
        revocations = driver.createInputTopic(topics.tokenRevocations(), keys,
                services.serdes().forClass(TokenRevoked.class).serializer());
        findings = driver.createOutputTopic(topics.findings(), new StringDeserializer(),
                services.serdes().forClass(Finding.class).deserializer());
        commands = driver.createOutputTopic(topics.revokeCommands(), new StringDeserializer(),
                services.serdes().forClass(RevokeCommand.class).deserializer());
        dlq = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    /** Produces the event with the producer's clock in sync: record timestamp = event time = wall clock. */
    private void produce(SpecificRecord e) {
        Instant t = TraceEvent.eventTime(e);
        wallClock.set(t.toEpochMilli());
        if (e instanceof ToolCall c) {
            calls.pipeInput(c.getAgentId(), c, t);
        } else if (e instanceof TokenIssued i) {
            issuances.pipeInput(i.getAgentId(), i, t);
        } else {
            TokenRevoked r = (TokenRevoked) e;
            revocations.pipeInput(r.getAgentId(), r, t);
        }
    }

    @Test
    void shouldLearnInRocksDbAndRevokeTheSessionAtTheSend() {
        // given the benign history
        BenignHistory.events().forEach(this::produce);
        Instant day = BenignHistory.end();
        produce(mailerToken("t-x", "s-x").setBoundaries(null).setIssuedAt(day).setExpiresAt(day.plusSeconds(3600))
                .build());
        produce(crmLookup("s-x", "t-x").setEventId("e-crm").setOccurredAt(day.plusSeconds(60)).build());
        List<Finding> quiet = findings.readValuesToList();
        assertThat(commands.isEmpty()).isTrue();

        // when the mailer posts the CRM data to a paste site
        produce(sendTo("s-x", "t-x", "http_post", "https://paste.example/x", "paste.example").setEventId("e-send")
                .setOccurredAt(day.plusSeconds(120)).build());

        // then the persistent stores hold the learned baselines, the session and the ordered revocation
        KeyValueStore<String, Baseline> baselines = driver.getKeyValueStore(Names.BASELINES_STORE);
        KeyValueStore<String, SessionState> sessions = driver.getKeyValueStore(Names.SESSIONS_STORE);
        KeyValueStore<String, TokenState> tokens = driver.getKeyValueStore(Names.TOKENS_STORE);
        assertThat(baselines.persistent()).isTrue();
        assertThat(sessions.persistent()).isTrue();
        assertThat(tokens.persistent()).isTrue();
        assertThat(baselines.get(MAILER).isActive()).isTrue();
        assertThat(baselines.get(MAILER).learnedEvents()).isEqualTo(BenignHistory.calls(MAILER));
        assertThat(baselines.get(BILLING).isActive()).isTrue();
        assertThat(sessions.get(Names.key(MAILER, "s-x")).response().maxSeverity()).isEqualTo(Severity.HIGH);
        assertThat(quiet).filteredOn(f -> f.getBaselineState() == BaselineState.ACTIVE)
                .allSatisfy(f -> assertThat(f.getSeverity()).isEqualTo(Severity.LOW));

        // and one command came out at the send
        List<TestRecord<String, RevokeCommand>> out = commands.readRecordsToList();
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.value().getScope()).isEqualTo(RevokeScope.SESSION);
            assertThat(r.value().getTriggerEventId()).isEqualTo("e-send");
            assertThat(r.value().getTokenIds()).containsExactly("t-x");
            assertThat(new String(r.headers().lastHeader(Names.INPUT_EVENT_HEADER).value())).isEqualTo("e-send");
            assertThat(tokens.get(Names.key(MAILER, "t-x")).commandId()).isEqualTo(r.value().getCommandId());
        });
        assertThat(findings.readValuesToList()).extracting(Finding::getRule).contains("chain.exfiltration");
    }

    @Test
    void shouldDeadLetterARecordAheadOfTheWallClockAndKeepTheTokens() {
        // given a live token
        Instant now = MonitorHarness.START;
        produce(mailerToken("t-1", "s-1").setIssuedAt(now).setExpiresAt(now.plusSeconds(3600)).build());

        // when a producer whose clock runs two days ahead sends a call
        Instant ahead = now.plus(Duration.ofDays(2));
        calls.pipeInput(MAILER, crmLookup("s-1", "t-1").setEventId("e-ahead").setOccurredAt(ahead).build(), ahead);

        // then it is dead-lettered and stream time did not jump: the token is still there
        assertThat(dlq.readRecordsToList()).singleElement().satisfies(r -> {
            assertThat(new String(r.headers().lastHeader(io.agentwatch.topology.DeadLetters.REASON).value()))
                    .isEqualTo("future-timestamp");
            assertThat(new String(r.headers().lastHeader(io.agentwatch.topology.DeadLetters.TOPIC).value()))
                    .isEqualTo(TopicNames.defaults().toolCalls());
            assertThat(r.key()).isEqualTo(MAILER.getBytes());
            assertThat(r.value()).isNotEmpty();
        });
        KeyValueStore<String, TokenState> tokens = driver.getKeyValueStore(Names.TOKENS_STORE);
        assertThat(tokens.get(Names.key(MAILER, "t-1"))).isNotNull();
        produce(crmLookup("s-1", "t-1").setEventId("e-ok").setOccurredAt(now.plusSeconds(60)).build());
        assertThat(findings.isEmpty()).isTrue();
    }
}
