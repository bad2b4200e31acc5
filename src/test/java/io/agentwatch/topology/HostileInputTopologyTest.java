package io.agentwatch.topology;

import static io.agentwatch.testing.Events.MAILER;
import static io.agentwatch.testing.Events.mailerToken;
import static io.agentwatch.testing.Events.readInbox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.avro.Actor;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.catalog.ToolCatalog;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.observe.MicrometerObserver;
import io.agentwatch.replay.Replayer;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.serde.MockSchemaRegistryClient;
import io.agentwatch.serde.WireBytes;
import io.agentwatch.testing.Events;
import io.agentwatch.testing.MonitorHarness;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input table of the README, each kind on the real topology (the same
 * {@code AgentwatchTopology.build} the application runs, in a TopologyTestDriver): the topology
 * keeps running, the record goes to the dead-letter topic with its reason or is handled as
 * documented, a metric counts it, and the next good record is still processed. Detection
 * outcomes are left to the detector tests: here only what happens to the hostile record.
 */
class HostileInputTopologyTest {
    private static final String SCOPE = "hostile-" + UUID.randomUUID();
    private static final String CALLS_SUBJECT = "agent.tool-calls-value";
    private static final String LONG = "x".repeat(600_000);

    private final MicrometerObserver metrics = new MicrometerObserver();
    private MonitorHarness h = harness(Map.of());
    private int goodRecords;

    private MonitorHarness harness(Map<String, Object> config) {
        Map<String, Object> props = new HashMap<>(config);
        props.putIfAbsent(AgentwatchConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE);
        return MonitorHarness.create(props, metrics);
    }

    @AfterEach
    void close() {
        h.close();
        metrics.close();
    }

    /** One hostile record and what must become of it. */
    private record Hostile(Consumer<HostileInputTopologyTest> send, String reason) {
    }

    private static Arguments kind(String kind, String reason, Consumer<HostileInputTopologyTest> send) {
        return Arguments.of(Named.of(kind, new Hostile(send, reason)));
    }

    static Stream<Arguments> deadLettered() {
        return Stream.of(
                // not decodable
                kind("bytes not in the wire format (plain JSON)", "bad-magic-byte",
                        t -> t.h.pipeRawToolCall(MAILER, "{\"tool\":\"x\"}".getBytes(StandardCharsets.UTF_8))),
                kind("empty value", "bad-magic-byte", t -> t.h.pipeRawToolCall(MAILER, new byte[0])),
                kind("header cut short", "corrupt-payload", t -> t.h.pipeRawToolCall(MAILER, new byte[] {0, 0, 0})),
                kind("malformed Avro body", "corrupt-payload",
                        t -> t.h.pipeRawToolCall(MAILER, WireBytes.frame(t.toolCallSchemaId(), new byte[] {-1, -1, -1, -1, 7}))),
                kind("string claiming 2 GB (allocation bomb)", "corrupt-payload",
                        t -> t.h.pipeRawToolCall(MAILER, WireBytes.frame(t.toolCallSchemaId(),
                                WireBytes.avroLong(Integer.MAX_VALUE - 8)))),
                kind("bytes left over after the record", "corrupt-payload",
                        t -> t.h.pipeRawToolCall(MAILER, WireBytes.concat(t.wireToolCall(), new byte[] {1, 2, 3}))),
                kind("schema id unknown to the registry", "unknown-schema-id",
                        t -> t.h.pipeRawToolCall(MAILER, WireBytes.frame(987_654, new byte[] {2, 'e'}))),
                kind("schema id of a Protobuf schema", "unsupported-schema",
                        t -> t.h.pipeRawToolCall(MAILER, WireBytes.frame(t.registry().registerOtherFormat(CALLS_SUBJECT,
                                "PROTOBUF"), new byte[] {10, 1, 'x'}))),
                kind("schema id of a JSON schema", "unsupported-schema",
                        t -> t.h.pipeRawToolCall(MAILER, WireBytes.frame(t.registry().registerOtherFormat(CALLS_SUBJECT,
                                "JSON"), "{}".getBytes(StandardCharsets.UTF_8)))),
                kind("record of another type on the topic", "incompatible-schema",
                        t -> t.h.pipeRawToolCall(MAILER, t.wireOfOtherType())),
                kind("writer schema missing a required field", "incompatible-schema",
                        t -> t.h.pipeRawToolCall(MAILER, t.wireWithoutTool())),
                kind("tombstone (null value)", "missing-value", t -> t.h.pipeRawToolCall(MAILER, null)),
                // decodable, refused by the validator
                kind("null key", "missing-key", t -> t.h.feed(null, t.call().build())),
                kind("key is not the agent id", "key-mismatch",
                        t -> t.h.feed("spiffe://corp.example/agents/other", t.call().build())),
                kind("agent id that is not a SPIFFE id", "invalid-agent-id",
                        t -> t.h.feed("billing-bot", t.call().setAgentId("billing-bot").build())),
                kind("SPIFFE id with a '..' segment", "invalid-agent-id", t -> t.feedAs(
                        "spiffe://corp.example/agents/../mailer")),
                kind("SPIFFE id with an upper-case trust domain", "invalid-agent-id", t -> t.feedAs(
                        "spiffe://Corp.Example/agents/mailer")),
                kind("SPIFFE id with percent-encoding", "invalid-agent-id", t -> t.feedAs(
                        "spiffe://corp.example/agents/mail%65r")),
                kind("delegated_to that is not a SPIFFE id", "invalid-agent-id",
                        t -> t.h.feed(t.call().setDelegatedTo("helper-bot").build())),
                kind("actor_chain sub that is not a SPIFFE id", "invalid-agent-id",
                        t -> t.h.issue(mailerToken("t-bad", "s").setActorChain(List.of(new Actor("root", "t-root"))))),
                kind("blank event id", "missing-field", t -> t.h.feed(t.call().setEventId(" ").build())),
                kind("token that expires before it is issued", "invalid-token-lifetime",
                        t -> t.h.issue(mailerToken("t-back", "s").setIssuedAt(t.h.now())
                                .setExpiresAt(t.h.now().minusSeconds(1)))),
                kind("600 KB target", "field-too-long", t -> t.h.feed(t.call().setTarget(LONG).build())),
                kind("key and agent id of 3,000 characters", "field-too-long", t -> t.feedAs(
                        "spiffe://corp.example/agents/" + "a".repeat(3000))),
                kind("attribute value of 5,000 characters", "field-too-long",
                        t -> t.h.feed(t.call().setAttributes(Map.of("prompt", "p".repeat(5000))).build())),
                kind("300 attributes", "too-many-entries", t -> t.h.feed(t.call().setAttributes(manyAttributes(300)).build())),
                kind("token with 300 scopes", "too-many-entries", t -> t.h.issue(mailerToken("t-wide", "s")
                        .setScopes(IntStream.range(0, 300).mapToObj(i -> "scope:" + i).toList()))),
                kind("actor chain of 300 delegators", "too-many-entries", t -> t.h.issue(mailerToken("t-deep", "s")
                        .setActorChain(IntStream.range(0, 300).mapToObj(i -> new Actor(Events.ORCHESTRATOR, "t-" + i))
                                .toList()))),
                kind("terminal escape in a tool name", "control-character",
                        t -> t.h.feed(t.call().setTool("read_inbox\u001b[2J").build())),
                kind("NUL in a session id", "control-character", t -> t.h.feed(t.call().setSessionId("s\u0000").build())),
                kind("line break in an event id (log forging)", "control-character",
                        t -> t.h.feed(t.call().setEventId("e-1\nFINDING HIGH forged").build())),
                kind("right-to-left override in a target", "control-character",
                        t -> t.h.feed(t.call().setTarget("mailto:boss@corp.example\u202egpj.exe").build())),
                kind("delegation chain naming the token itself", "delegation-cycle",
                        t -> t.h.issue(mailerToken("t-loop", "s").setActorChain(List.of(new Actor(Events.ORCHESTRATOR,
                                "t-loop"))))),
                kind("delegation chain naming one token twice", "delegation-cycle",
                        t -> t.h.issue(mailerToken("t-child", "s").setActorChain(List.of(
                                new Actor(Events.ORCHESTRATOR, "t-parent"), new Actor(Events.BILLING, "t-parent"))))),
                kind("timestamp more than replay.max.gap ahead of the trace", "future-timestamp", t -> {
                    t.h.issue(mailerToken("t-0", "s-0"));
                    t.h.feed(t.call().setOccurredAt(t.h.now().plus(Duration.ofDays(91))).build());
                }),
                kind("timestamp at Long.MAX_VALUE", "future-timestamp",
                        t -> t.h.feed(t.call().setOccurredAt(Instant.ofEpochMilli(Long.MAX_VALUE)).build())),
                kind("timestamp in year 9999 as the first record", "future-timestamp",
                        t -> t.h.feed(t.call().setOccurredAt(Instant.parse("9999-06-01T00:00:00Z")).build())),
                kind("negative timestamp", "pre-epoch-timestamp",
                        t -> t.h.feed(t.call().setOccurredAt(Instant.ofEpochMilli(-1)).build())),
                kind("timestamp before 1970", "pre-epoch-timestamp",
                        t -> t.h.feed(t.call().setOccurredAt(Instant.parse("1969-07-20T20:17:00Z")).build())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void deadLettered(Hostile hostile) {
        // when
        hostile.send().accept(this);

        // then
        assertDeadLettered(hostile.reason());
        assertProcessingGoesOn();
    }

    @Test
    void shouldDeadLetterAnOutputTooLargeToWriteAndGoOn() {
        // given a producer that takes records of at most 20 kB
        h.close();
        h = harness(Map.of("kafka.max.request.size", "20000"));

        // when a token is issued whose token-index record would be larger (100 scopes of 200 characters)
        h.issue(mailerToken("t-huge", "s").setScopes(IntStream.range(0, 100)
                .mapToObj(i -> "scope:" + "s".repeat(194) + String.format("%03d", i)).toList()));

        // then the input is dead-lettered (its value left out: it does not fit either) and processing goes on
        assertDeadLettered("record-too-large");
        assertThat(h.deadLetters().get(0).message()).contains("max.request.size");
        assertProcessingGoesOn();
    }

    @Test
    void shouldStopOnlyWhenTheRegistryItselfCannotBeReached() throws IOException {
        // given a registry URL where nothing listens, and no retries
        h.close();
        h = harness(Map.of(AgentwatchConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:" + freePort(), "max.retries", "0"));

        // when / then: a record of any schema id cannot be judged, so the stream thread stops
        // (the supervisor restarts it, the record is read again), and nothing is dead-lettered
        assertThatThrownBy(() -> h.pipeRawToolCall(MAILER, WireBytes.frame(1, new byte[] {2, 'e'})))
                .isInstanceOf(StreamsException.class)
                .hasStackTraceContaining("failed 1 times");
        assertThat(h.deadLetters()).isEmpty();
        assertThat(metrics.registry().find("agentwatch.dlq.records").counters()).isEmpty();
    }

    @Test
    void shouldDeadLetterARecordMoreThanTheSkewAheadOfTheWallClockLive() {
        // given the topology as `run` builds it (live: judged against the wall clock), default skew
        AtomicLong wallClock = new AtomicLong(MonitorHarness.START.toEpochMilli());
        AgentwatchConfig config = new AgentwatchConfig(Map.of(AgentwatchConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE));
        MonitorServices live = new MonitorServices(ToolCatalog.builtIn(), Suppressions.none(), new RegistrySerdes(config),
                metrics, MonitorHarness.clockOf(wallClock), false);
        try (Replayer topology = new Replayer(config, live, MonitorHarness.START)) {
            Instant now = MonitorHarness.START;

            // when one record is 4:59 ahead of the wall clock and one 5:01 ahead
            topology.feed(MAILER, call().setEventId("e-inside").setOccurredAt(now.plusSeconds(299)).build());
            topology.feed(MAILER, call().setEventId("e-ahead").setOccurredAt(now.plusSeconds(301)).build());

            // then only the second is dead-lettered, counted, and a good record follows
            assertThat(topology.deadLetters()).extracting(Replayer.DeadLetter::reason).containsExactly("future-timestamp");
            assertThat(dlqCount("future-timestamp")).isEqualTo(1);
            topology.feed(MAILER, mailerToken("t-next", "s").setIssuedAt(now).setExpiresAt(now.plusSeconds(3600)).build());
            assertThat(eventsIn("tool_call")).isEqualTo(1);
            assertThat(eventsIn("token_issued")).isEqualTo(1);
        }
    }

    @Test
    void shouldProcessADuplicateEventAgainWithTheSameOutputIds() {
        // given a call that produces output (a token nobody issued)
        ToolCall call = call().setEventId("e-dup").setTokenId("t-ghost").build();
        List<Replayer.Output> first = h.feed(call);

        // when the producer sends it again
        List<Replayer.Output> second = h.feed(ToolCall.newBuilder(call).build());

        // then both are processed and counted, nothing is dead-lettered, and the duplicate yields
        // no finding or command id the original did not (consumers can de-duplicate by id)
        assertThat(eventsIn("tool_call")).isEqualTo(2);
        assertThat(h.deadLetters()).isEmpty();
        assertThat(outputIds(second)).isSubsetOf(outputIds(first));
        assertProcessingGoesOn();
    }

    @Test
    void shouldProcessALateEventWithoutMovingStreamTimeBack() {
        // given stream time at the cursor
        h.issue(mailerToken("t-1", "s-1"));
        Instant streamTime = h.now();

        // when a call stamped ten minutes earlier arrives (out of order)
        h.feed(call().setOccurredAt(streamTime.minus(Duration.ofMinutes(10))).setTokenId("t-1").setSessionId("s-1").build());

        // then it is processed, not dead-lettered, and a token valid at stream time is still there
        assertThat(eventsIn("tool_call")).isEqualTo(1);
        assertThat(h.deadLetters()).isEmpty();
        assertThat(h.token(MAILER, "t-1")).isNotNull();
        assertProcessingGoesOn();
    }

    @Test
    void shouldProcessAFloodFromOneAgentAndStillServeTheOthers() {
        // when one agent sends 2,000 calls in two minutes, each with a new tool name and session
        int flood = 2_000;
        h.issue(mailerToken("t-hostile", "s-hostile"));
        Instant start = h.now();
        for (int i = 0; i < flood; i++) {
            h.feed(call().setEventId("e-flood-" + i).setTool("tool_" + i).setSessionId("s-" + i)
                    .setOccurredAt(start.plusMillis(60L * i)).build());
        }

        // then every call was processed and counted, none dead-lettered, and another agent is still served
        assertThat(eventsIn("tool_call")).isEqualTo(flood);
        assertThat(h.deadLetters()).isEmpty();
        h.at(start.plus(Duration.ofMinutes(2)));
        h.issue(Events.token(Events.BILLING, "t-billing", "s-b", Events.BILLING_SCOPES, Events.BILLING_BOUNDARIES));
        assertThat(h.token(Events.BILLING, "t-billing")).isNotNull();
    }

    // ---- helpers

    private ToolCall.Builder call() {
        return readInbox("s-hostile", "t-hostile").setEventId("e-hostile").setOccurredAt(h.now());
    }

    /** A call whose agent id, and key, is {@code agentId}. */
    private void feedAs(String agentId) {
        h.feed(agentId, call().setAgentId(agentId).build());
    }

    private MockSchemaRegistryClient registry() {
        return MockSchemaRegistryClient.forScope(SCOPE);
    }

    private int toolCallSchemaId() {
        return registry().register(CALLS_SUBJECT, ToolCall.getClassSchema());
    }

    private byte[] wireToolCall() {
        return WireBytes.frame(toolCallSchemaId(), WireBytes.avroBinary(call().build()));
    }

    private byte[] wireOfOtherType() {
        var revoked = Events.revoked(MAILER, "t-1", h.now(), "test");
        int id = registry().register("agent.token-revocations-value", revoked.getSchema());
        return WireBytes.frame(id, WireBytes.avroBinary(revoked));
    }

    /** A ToolCall written by a producer whose schema lacks the required 'tool' field. */
    private byte[] wireWithoutTool() {
        try {
            ObjectMapper json = new ObjectMapper();
            ObjectNode schema = (ObjectNode) json.readTree(ToolCall.getClassSchema().toString());
            ArrayNode fields = json.createArrayNode();
            schema.get("fields").forEach(f -> {
                if (!"tool".equals(f.get("name").asText())) {
                    fields.add(f);
                }
            });
            schema.set("fields", fields);
            Schema writer = new Schema.Parser().parse(schema.toString());
            int id = registry().register(CALLS_SUBJECT, writer);
            return WireBytes.frame(id, WireBytes.avroBinary(new GenericRecordBuilder(writer).set("event_id", "e-1")
                    .set("occurred_at", h.now().toEpochMilli()).set("agent_id", MAILER).set("session_id", "s").build()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> manyAttributes(int n) {
        Map<String, String> attributes = new HashMap<>();
        IntStream.range(0, n).forEach(i -> attributes.put("k" + i, "v"));
        return attributes;
    }

    private void assertDeadLettered(String reason) {
        assertThat(h.deadLetters()).extracting(Replayer.DeadLetter::reason).containsExactly(reason);
        assertThat(h.deadLetters().get(0).message()).isNotBlank().hasSizeLessThan(1100);
        assertThat(dlqCount(reason)).as("agentwatch_dlq_records_total{reason=%s}", reason).isEqualTo(1);
    }

    /** A good record after the hostile one is accepted, counted and stored; nothing more is dead-lettered. */
    private void assertProcessingGoesOn() {
        double before = eventsIn("token_issued");
        int deadLetters = h.deadLetters().size();
        String tokenId = "t-good-" + ++goodRecords;

        h.at(h.now().plus(Duration.ofMinutes(1))).issue(mailerToken(tokenId, "s-good"));

        assertThat(eventsIn("token_issued")).isEqualTo(before + 1);
        assertThat(h.token(MAILER, tokenId)).isNotNull();
        assertThat(h.deadLetters()).hasSize(deadLetters);
    }

    private double dlqCount(String reason) {
        Counter c = metrics.registry().find("agentwatch.dlq.records").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private double eventsIn(String type) {
        Counter c = metrics.registry().find("agentwatch.events.in").tag("type", type).counter();
        return c == null ? 0 : c.count();
    }

    private static List<String> outputIds(List<Replayer.Output> outputs) {
        List<String> ids = new ArrayList<>();
        for (Replayer.Output o : outputs) {
            ids.add(o.record() instanceof Finding f ? f.getFindingId() : ((RevokeCommand) o.record()).getCommandId());
        }
        return ids;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
