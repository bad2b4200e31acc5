package io.agentwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.avro.Disposition;
import io.agentwatch.avro.FeedbackVerdict;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.FindingFeedback;
import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.serde.AvroSerdeConfig;
import io.agentwatch.serde.HttpSchemaRegistryClient;
import io.agentwatch.testing.ApicurioRegistryExtension;
import io.agentwatch.testing.KafkaBrokerExtension;
import io.agentwatch.topology.DeadLetters;
import io.agentwatch.trace.TraceCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * agentwatch as deployed: the real {@code DetectorService} (exactly_once_v2, persistent RocksDB
 * stores) on a real broker, every value written and read in the Confluent wire format through a
 * real registry (Apicurio serving the Confluent API). Producers and readers share nothing with
 * agentwatch but the broker and the registry.
 */
@ExtendWith({KafkaBrokerExtension.class, ApicurioRegistryExtension.class})
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class EndToEndIT {
    private static final String RESEARCH = "spiffe://corp.example/agents/research-1";
    private static final String HIJACKED_SESSION = "sess-research-1-0033";
    private static final String EXFILTRATING_SEND = "evt-research-1-0033-07";

    @TempDir
    Path stateDir;

    private final String registryUrl;
    private DetectorHarness live;

    EndToEndIT(ApicurioRegistryExtension.Registry registry) {
        this.registryUrl = registry.url();
    }

    @AfterEach
    void tearDown() {
        if (live != null) {
            live.close();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldRevokeTheExfiltratingSessionOnceAtTheSendWhenTheExampleTraceIsReplayedThroughKafka() throws Exception {
        // given the example trace (4 days of benign history, then one hijacked research session) in
        // the input topics, in file order, with the default baseline settings
        live = DetectorHarness.create(registryUrl, stateDir, Map.of());
        live.keepForever();
        for (String line : Files.readAllLines(Path.of("examples/exfiltration-chain.jsonl"))) {
            live.send(TraceCodec.parse(line).event());
        }
        live.flush();

        // when agentwatch starts on that backlog. Written before the start on purpose: Kafka Streams
        // then orders each task's three inputs by timestamp (it waits for partitions it knows to lag);
        // live, a call may be fetched before its token's issuance on the other topic (see DemoIT).
        live.start();
        live.awaitProcessed();

        // then
        List<RevokeCommand> commands = live.revokeCommands();
        assertThat(commands).filteredOn(c -> HIJACKED_SESSION.equals(c.getSessionId()))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.getTriggerEventId()).isEqualTo(EXFILTRATING_SEND);
                    assertThat(c.getAgentId()).isEqualTo(RESEARCH);
                    assertThat(c.getScope()).isEqualTo(RevokeScope.SESSION);
                    assertThat(c.getTokenIds()).containsExactly("tok-research-1-0033");
                });
        // The benign history of all three agents passes without a revocation, as in `replay`.
        assertThat(commands).hasSize(1);
        assertThat(live.findings()).filteredOn(f -> f.getRule().equals("chain.toxic_flow"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.getEvidence().getEventIds()).last().isEqualTo(EXFILTRATING_SEND);
                    assertThat(f.getFindingId()).isIn(commands.get(0).getFindingIds());
                });
    }

    @Test
    void shouldDeadLetterUndecodableToolCallsWithTheirReasonAndGoOnProcessing() throws Exception {
        // given
        live = DetectorHarness.create(registryUrl, stateDir, Map.of());
        live.start();
        String agent = agent("dlq");
        byte[] noMagicByte = "{\"event_id\":\"plain JSON, not Avro\"}".getBytes(StandardCharsets.UTF_8);
        byte[] unknownSchemaId = ByteBuffer.allocate(9).put((byte) 0).putInt(987_654).putInt(42).array();
        Instant t = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);

        // when two undecodable records, then a valid call with a token nobody issued, share one partition
        live.sendRaw(live.topics().toolCalls(), agent, noMagicByte);
        live.sendRaw(live.topics().toolCalls(), agent, unknownSchemaId);
        live.send(call(agent, "evt-dlq-1", "sess-dlq", "tok-never-issued", t));
        live.awaitProcessed();

        // then both are dead-lettered with their bytes and reasons
        List<ConsumerRecord<String, byte[]>> dead = live.readCommitted(live.topics().deadLetters());
        assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON))
                .containsExactlyInAnyOrder("bad-magic-byte", "unknown-schema-id");
        assertThat(dead).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(noMagicByte, unknownSchemaId);
        assertThat(dead).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(agent);
            assertThat(DeadLetters.header(r.headers(), DeadLetters.TOPIC)).isEqualTo(live.topics().toolCalls());
        });
        // and the call after them was still judged
        assertThat(live.findings()).singleElement().satisfies(f -> {
            assertThat(f.getRule()).isEqualTo("token.unknown");
            assertThat(f.getEvidence().getEventIds()).containsExactly("evt-dlq-1");
        });
    }

    @Test
    void shouldJudgeToolCallsWrittenWithANewerSchemaVersion() throws Exception {
        // given a token issued and revoked, written with today's schemas
        live = DetectorHarness.create(registryUrl, stateDir, Map.of());
        live.start();
        String agent = agent("evolution");
        Instant t = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        live.send(token(agent, "tok-evo", "sess-evo", t));
        live.send(revocation(agent, "tok-evo", t.plusSeconds(60)));
        // Issuance and revocation are on other topics than the call: let them be processed first.
        live.awaitProcessed();

        // when a producer with a newer ToolCall schema (one optional field more) uses the revoked token
        Schema newer = toolCallWithModelField();
        String subject = live.topics().toolCalls() + "-value";
        HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(
                new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl)));
        int newerId = registry.register(subject, newer);
        GenericRecord record = new GenericRecordBuilder(newer)
                .set("event_id", "evt-evo-1")
                .set("occurred_at", t.plusSeconds(120).toEpochMilli())
                .set("agent_id", agent)
                .set("session_id", "sess-evo")
                .set("token_id", "tok-evo")
                .set("tool", "send_email")
                .set("operation", new GenericData.EnumSymbol(newer.getField("operation").schema().getTypes().get(1), "SEND"))
                .set("target", "mailto:ops@corp.example")
                .set("boundary", "corp")
                .set("required_scope", "mail:send")
                .set("model", "gpt-x")
                .build();
        live.sendRaw(live.topics().toolCalls(), agent, wireFormat(newerId, record));
        live.awaitProcessed();

        // then agentwatch read it with the writer's schema from the registry and flagged the revoked token
        assertThat(registry.getById(newerId).getField("model")).isNotNull();
        assertThat(live.readCommitted(live.topics().deadLetters())).isEmpty();
        assertThat(live.findings()).filteredOn(f -> f.getRule().equals("token.revoked"))
                .singleElement()
                .satisfies(f -> assertThat(f.getEvidence().getEventIds()).containsExactly("evt-evo-1"));
    }

    @Test
    void shouldKeepTokenAndSessionStateAndNotRepeatRevokeCommandsAcrossARestart() throws Exception {
        // given a revoked token, and a call with it that made agentwatch revoke session 1
        String agent = agent("restart");
        Instant t = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        startRestartableAndUseARevokedToken(agent, "tok-r", "sess-r1", "evt-r1-1", t);
        assertThat(live.revokeCommands()).extracting(RevokeCommand::getTriggerEventId).containsExactly("evt-r1-1");

        // when agentwatch restarts on the same application id and state dir, and the token is used
        // again in session 1 and then in a new session 2
        live.stop();
        live.start();
        live.send(call(agent, "evt-r1-2", "sess-r1", "tok-r", t.plusSeconds(180)));
        live.send(call(agent, "evt-r2-1", "sess-r2", "tok-r", t.plusSeconds(240)));
        live.awaitProcessed();

        // then the tokens store still knows the token is revoked (the token index holds a tombstone
        // for it, so without the store the call would count as token.unknown) ...
        List<Finding> findings = live.findings();
        assertThat(findings).filteredOn(f -> f.getEvidence().getEventIds().contains("evt-r2-1"))
                .extracting(Finding::getRule).containsExactly("token.revoked");
        // ... the sessions store still knows session 1 was flagged and revoked, so the repeat is quiet ...
        assertThat(findings).noneMatch(f -> f.getEvidence().getEventIds().contains("evt-r1-2"));
        // ... and each session has exactly one command: nothing was emitted twice across the restart
        assertThat(live.revokeCommands()).extracting(RevokeCommand::getSessionId, RevokeCommand::getTriggerEventId)
                .containsExactlyInAnyOrder(tuple("sess-r1", "evt-r1-1"),
                        tuple("sess-r2", "evt-r2-1"));
    }

    @Test
    void shouldKeepAnAnalystsSuppressionAcrossARestart() throws Exception {
        // given a call with a revoked token, revoked by agentwatch, that an analyst calls a false
        // positive (the broker's revocation event was a mistake)
        String agent = agent("feedback");
        Instant t = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        startRestartableAndUseARevokedToken(agent, "tok-f", "sess-f1", "evt-f1-1", t);
        Finding revoked = live.findings().stream().filter(f -> f.getRule().equals("token.revoked")).findFirst()
                .orElseThrow();
        live.send(FindingFeedback.newBuilder().setFeedbackId("v-1").setFindingId(revoked.getFindingId())
                .setAgentId(agent).setVerdict(FeedbackVerdict.FALSE_POSITIVE).setAnalyst("alice")
                .setAt(t.plusSeconds(150)).build());
        live.awaitProcessed();

        // when agentwatch restarts on the same state, and the token is used in a new session
        live.stop();
        live.start();
        live.send(call(agent, "evt-f2-1", "sess-f2", "tok-f", t.plusSeconds(240)));
        live.awaitProcessed();

        // then the finding memory still holds the suppression: suppressed, and no second command
        assertThat(live.findings()).filteredOn(f -> f.getEvidence().getEventIds().contains("evt-f2-1"))
                .extracting(Finding::getRule, Finding::getDisposition)
                .containsExactly(tuple("token.revoked", Disposition.SUPPRESSED));
        assertThat(live.revokeCommands()).extracting(RevokeCommand::getSessionId).containsExactly("sess-f1");
    }

    /**
     * Starts agentwatch with static membership, as for any restarted stateful instance (without
     * it, a Kafka Streams client that closes does not leave its group, and the new one gets its
     * tasks only when the old member's session times out, 45 s); then the broker issues and
     * revokes a token, and the agent uses it a minute later.
     */
    private void startRestartableAndUseARevokedToken(String agent, String tokenId, String session, String eventId,
                                                    Instant t) throws Exception {
        live = DetectorHarness.create(registryUrl, stateDir,
                Map.of("kafka.group.instance.id", KafkaBrokerExtension.uniqueName("agentwatch-e2e-instance")));
        live.start();
        live.send(token(agent, tokenId, session, t));
        live.send(revocation(agent, tokenId, t.plusSeconds(60)));
        live.awaitProcessed();
        live.send(call(agent, eventId, session, tokenId, t.plusSeconds(120)));
        live.awaitProcessed();
    }

    private static String agent(String name) {
        return "spiffe://e2e.example/agents/" + KafkaBrokerExtension.uniqueName(name);
    }

    private static TokenIssued token(String agent, String tokenId, String session, Instant at) {
        return TokenIssued.newBuilder().setTokenId(tokenId).setAgentId(agent).setSessionId(session)
                .setIssuedAt(at).setExpiresAt(at.plus(1, ChronoUnit.HOURS))
                .setScopes(List.of("mail:send", "tickets:read")).setBoundaries(List.of("corp"))
                .setPurpose("e2e task").setIssuer("e2e-broker").build();
    }

    private static TokenRevoked revocation(String agent, String tokenId, Instant at) {
        return TokenRevoked.newBuilder().setTokenId(tokenId).setAgentId(agent).setRevokedAt(at)
                .setReason("task finished").setRevokedBy("e2e-broker").build();
    }

    /** A SEND of internal data: not a low-risk read, so a credential violation revokes the session. */
    private static ToolCall call(String agent, String eventId, String session, String tokenId, Instant at) {
        return ToolCall.newBuilder().setEventId(eventId).setOccurredAt(at).setAgentId(agent).setSessionId(session)
                .setTokenId(tokenId).setTool("send_email").setOperation(Operation.SEND)
                .setTarget("mailto:ops@corp.example").setBoundary("corp").setSensitivity(Sensitivity.INTERNAL)
                .setRequiredScope("mail:send").setOutcome(Outcome.OK).build();
    }

    /**
     * schemas/ToolCall.avsc as a later producer might have evolved it: plus an optional
     * {@code model} field with a default, which keeps it BACKWARD and FORWARD compatible.
     */
    private static Schema toolCallWithModelField() throws IOException {
        Schema.Parser parser = new Schema.Parser();
        for (String named : List.of("Operation", "Sensitivity", "Outcome")) {
            parser.parse(Path.of("schemas", named + ".avsc").toFile());
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode toolCall = (ObjectNode) json.readTree(Path.of("schemas", "ToolCall.avsc").toFile());
        ((ArrayNode) toolCall.get("fields")).addObject()
                .put("name", "model")
                .putNull("default")
                .put("doc", "LLM behind the agent; added by a newer producer.")
                .putArray("type").add("null").add("string");
        return parser.parse(toolCall.toString());
    }

    /** The Confluent wire format, built here rather than by agentwatch's serde: magic byte, schema id, Avro. */
    private static byte[] wireFormat(int schemaId, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
