package io.agentwatch.topology;

import static io.agentwatch.testing.Events.MAILER;
import static io.agentwatch.testing.Events.mailerToken;
import static io.agentwatch.testing.Events.readInbox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.catalog.ToolCatalog;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.testing.MonitorHarness;
import io.agentwatch.trust.KeyFiles;
import io.agentwatch.trust.SigningKey;
import io.agentwatch.trust.TelemetrySignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * input.require.signature on the live topology: only records a trusted gateway signed reach
 * the detectors; the rest go to the DLQ with the reason and are counted. The attack it stops:
 * anyone who can write to an input topic forging a victim's call to get the victim revoked.
 */
class SignedTelemetryTopologyTest {
    private static final Instant T0 = MonitorHarness.START;

    @TempDir
    Path dir;

    private final SigningKey gateway = SigningKey.generate();
    private final SigningKey attacker = SigningKey.generate();
    private final List<String> countedDeadLetters = new ArrayList<>();
    private final AtomicLong wallClock = new AtomicLong(T0.toEpochMilli());
    private TopologyTestDriver driver;
    private MonitorServices services;
    private TopicNames topics;
    private TestOutputTopic<String, RevokeCommand> commands;
    private TestOutputTopic<byte[], byte[]> dlq;

    private void start(boolean requireSignature) {
        Path trusted = dir.resolve("trusted-gateways.pem");
        KeyFiles.write(new java.security.KeyPair(gateway.publicKey(), gateway.privateKey()),
                dir.resolve("gw.key"), trusted);
        Map<String, Object> props = new HashMap<>();
        props.put(AgentwatchConfig.SCHEMA_REGISTRY_URL, "mock://signed-" + UUID.randomUUID());
        props.put(AgentwatchConfig.INPUT_REQUIRE_SIGNATURE, Boolean.toString(requireSignature));
        props.put(AgentwatchConfig.INPUT_TRUSTED_KEYS_FILE, trusted.toString());
        AgentwatchConfig config = new AgentwatchConfig(props);
        DetectionObserver counting = new DetectionObserver() {
            @Override
            public void deadLetter(String reason) {
                countedDeadLetters.add(reason);
            }
        };
        services = new MonitorServices(ToolCatalog.builtIn(), Suppressions.none(), new RegistrySerdes(config),
                counting, MonitorHarness.clockOf(wallClock), false);
        Properties streams = AgentwatchTopology.streamsProperties(config, counting);
        streams.put(StreamsConfig.APPLICATION_ID_CONFIG, "agentwatch-signed-input-test");
        streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        streams.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        streams.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "0");
        // As in Replayer: the driver does not show dead letters of the decoding path under
        // exactly-once; SecuredClusterIT checks them on a real broker with exactly_once_v2.
        streams.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        driver = new TopologyTestDriver(AgentwatchTopology.build(config, services), streams, T0);
        topics = TopicNames.from(config);
        commands = driver.createOutputTopic(topics.revokeCommands(), new StringDeserializer(),
                services.serdes().forClass(RevokeCommand.class).deserializer());
        dlq = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    /** The record as a producer writes it: key and Avro value bytes, optionally signed by {@code signer}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private void produce(String key, SpecificRecord event, SigningKey signer, boolean tamperAfterSigning) {
        String topic = event instanceof ToolCall ? topics.toolCalls() : topics.tokenIssuances();
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] value = services.serdes().forClass((Class) event.getClass()).serializer().serialize(topic, event);
        RecordHeaders headers = new RecordHeaders();
        if (signer != null) {
            TelemetrySignature.sign(signer, keyBytes, value, headers);
        }
        if (tamperAfterSigning) {
            value[value.length - 1] ^= 1;
        }
        Instant time = event instanceof ToolCall c ? c.getOccurredAt() : ((TokenIssued) event).getIssuedAt();
        wallClock.set(time.toEpochMilli());
        TestInputTopic<byte[], byte[]> in = driver.createInputTopic(topic, new ByteArraySerializer(),
                new ByteArraySerializer());
        in.pipeInput(new TestRecord<>(keyBytes, value, headers, time));
    }

    private static TokenIssued mailerTokenT1() {
        return mailerToken("t-1", "s-1").setIssuedAt(T0).setExpiresAt(T0.plusSeconds(3600)).build();
    }

    /** A call the victim never made: its token used for a scope it lacks, which revokes the token. */
    private static ToolCall forgedBillingWrite() {
        return readInbox("s-1", "t-1").setEventId("e-forged").setTool("update_invoice").setRequiredScope("billing:write")
                .setOccurredAt(T0.plusSeconds(60)).build();
    }

    /** Dead letters so far, after a signed call of the gateway: processing goes on after a rejected record. */
    private List<String> dlqReasons() {
        produce(MAILER, readInbox("s-1", "t-1").setEventId("e-next").setOccurredAt(T0.plusSeconds(120)).build(),
                gateway, false);
        return dlq.readRecordsToList().stream()
                .map(r -> DeadLetters.header(r.headers(), DeadLetters.REASON)).toList();
    }

    @Test
    void shouldLetAForgedCallRevokeTheVictimWhenSignaturesAreNotRequired() {
        // given the control: the default, no signature check
        start(false);
        produce(MAILER, mailerTokenT1(), gateway, false);

        // when anyone with write access forges a call of the victim
        produce(MAILER, forgedBillingWrite(), null, false);

        // then the victim's token is revoked: this is what input.require.signature prevents
        assertThat(commands.readValuesToList()).extracting(RevokeCommand::getTokenIds).contains(List.of("t-1"));
    }

    @Test
    void shouldDeadLetterAnUnsignedForgeryAndRevokeNothing() {
        // given
        start(true);
        produce(MAILER, mailerTokenT1(), gateway, false);

        // when
        produce(MAILER, forgedBillingWrite(), null, false);

        // then
        assertThat(commands.isEmpty()).isTrue();
        assertThat(dlqReasons()).containsExactly("signature-missing");
        assertThat(countedDeadLetters).containsExactly("signature-missing");
    }

    @Test
    void shouldDeadLetterARecordSignedByAnUntrustedKey() {
        start(true);
        produce(MAILER, mailerTokenT1(), gateway, false);

        produce(MAILER, forgedBillingWrite(), attacker, false);

        assertThat(commands.isEmpty()).isTrue();
        assertThat(dlqReasons()).containsExactly("signature-unknown-key");
        assertThat(countedDeadLetters).containsExactly("signature-unknown-key");
    }

    @Test
    void shouldDeadLetterARecordAlteredAfterTheGatewaySignedIt() {
        start(true);
        produce(MAILER, mailerTokenT1(), gateway, false);

        produce(MAILER, forgedBillingWrite(), gateway, true);

        assertThat(commands.isEmpty()).isTrue();
        assertThat(dlqReasons()).containsExactly("signature-invalid");
    }

    @Test
    void shouldDeadLetterASignedRecordMovedUnderAnotherKey() {
        // given a record the gateway signed for one key, re-keyed by an attacker
        start(true);
        String victim = "spiffe://corp.example/agents/victim";
        byte[] signedFor = MAILER.getBytes(StandardCharsets.UTF_8);
        ToolCall call = forgedBillingWrite();
        byte[] value = services.serdes().forClass(ToolCall.class).serializer().serialize(topics.toolCalls(), call);
        RecordHeaders headers = new RecordHeaders();
        TelemetrySignature.sign(gateway, signedFor, value, headers);

        // when
        driver.createInputTopic(topics.toolCalls(), new ByteArraySerializer(), new ByteArraySerializer())
                .pipeInput(new TestRecord<>(victim.getBytes(StandardCharsets.UTF_8), value, headers, call.getOccurredAt()));

        // then
        assertThat(dlqReasons()).containsExactly("signature-invalid");
    }

    @Test
    void shouldJudgeWhatATrustedGatewaySigned() {
        // given
        start(true);
        produce(MAILER, mailerTokenT1(), gateway, false);

        // when the gateway itself reports the out-of-scope call
        produce(MAILER, forgedBillingWrite(), gateway, false);

        // then it is judged as usual, and the raw DLQ keeps nothing
        assertThat(commands.readValuesToList()).extracting(RevokeCommand::getTokenIds).contains(List.of("t-1"));
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void shouldRefuseToStartWithoutTrustedKeys() {
        AgentwatchConfig config = new AgentwatchConfig(Map.of(AgentwatchConfig.INPUT_REQUIRE_SIGNATURE, "true"));

        assertThatThrownBy(() -> SignedInput.fromConfig(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(AgentwatchConfig.INPUT_TRUSTED_KEYS_FILE);
    }
}
