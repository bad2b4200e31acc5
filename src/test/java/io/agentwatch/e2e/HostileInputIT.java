package io.agentwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.serde.MockSchemaRegistryClient;
import io.agentwatch.testing.KafkaBrokerExtension;
import io.agentwatch.topology.DeadLetters;
import io.agentwatch.topology.RegistrySerdes;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile records against agentwatch as deployed (DetectorService, exactly_once_v2, a real
 * broker), where a record that halts the stream thread shows as it does in production: every
 * restart reads it again. Each test ends with a good record processed after the hostile one.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileInputIT {
    private static final String AGENT = "spiffe://corp.example/agents/hostile-it";

    @TempDir
    Path stateDir;

    private final String registryUrl = "mock://hostile-it-" + UUID.randomUUID();
    private DetectorHarness live;

    @AfterEach
    void tearDown() {
        if (live != null) {
            live.close();
        }
    }

    @Test
    void shouldDeadLetterEachRecordThatUsedToHaltOrVanishAndKeepRunning() throws Exception {
        // given agentwatch with a producer limit of 5,500 bytes (and fields of at most 1,000 characters)
        live = DetectorHarness.create(registryUrl, stateDir, Map.of("kafka.producer.max.request.size", "5500",
                AgentwatchConfig.INPUT_MAX_FIELD_CHARS, "1000"));
        live.start();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        // a record framed with the id of a Protobuf schema (it used to stop the stream thread, at every restart)
        int protobuf = MockSchemaRegistryClient.forScope(registryUrl.substring("mock://".length()))
                .registerOtherFormat(live.topics().toolCalls() + "-value", "PROTOBUF");
        byte[] framedProtobuf = ByteBuffer.allocate(8).put((byte) 0).putInt(protobuf).put(new byte[] {10, 1, 'x'}).array();

        // a call stamped before the epoch by a producer whose clock was never set; its record
        // timestamp is the send time (Kafka Streams used to drop it with a log line)
        ToolCall preEpoch = ToolCall.newBuilder().setEventId("e-1969").setOccurredAt(Instant.ofEpochMilli(-1))
                .setAgentId(AGENT).setSessionId("s").setTool("read_inbox").build();
        byte[] preEpochBytes = new RegistrySerdes(new AgentwatchConfig(Map.of(AgentwatchConfig.SCHEMA_REGISTRY_URL,
                registryUrl))).forClass(ToolCall.class).serializer().serialize(live.topics().toolCalls(), preEpoch);

        // a token whose token-index record is over the producer's limit. Issuer and audience go to
        // the index but not into the token's state: a changelog record over the limit is refused
        // at send time, which no handler can undo under exactly-once, so state values must stay
        // under the limit by their own caps.
        TokenIssued hugeIndexRecord = TokenIssued.newBuilder(token("t-huge", now))
                .setIssuer("https://" + "i".repeat(990)).setAudience("a".repeat(1000)).build();

        // when they arrive on one partition, followed by a good token
        live.sendRaw(live.topics().toolCalls(), AGENT, framedProtobuf);
        live.sendRaw(live.topics().toolCalls(), AGENT, preEpochBytes);
        live.send(hugeIndexRecord);
        live.send(token("t-after", now.plusSeconds(1)));
        live.awaitProcessed();

        // then each is dead-lettered with its reason (exactly-once: had the output been refused at
        // send time, the transaction would abort and the same input be read again, for ever),
        // and the good token is processed
        List<ConsumerRecord<String, byte[]>> dead = live.readCommitted(live.topics().deadLetters());
        assertThat(reasons(dead)).containsExactlyInAnyOrder("unsupported-schema", "pre-epoch-timestamp",
                "record-too-large");
        assertThat(dead).filteredOn(r -> "pre-epoch-timestamp".equals(DeadLetters.header(r.headers(), DeadLetters.REASON)))
                .singleElement().satisfies(r -> assertThat(r.value()).isEqualTo(preEpochBytes));
        assertThat(dead).filteredOn(r -> "record-too-large".equals(DeadLetters.header(r.headers(), DeadLetters.REASON)))
                .singleElement().satisfies(r -> assertThat(DeadLetters.header(r.headers(), DeadLetters.OUTPUT_TOPIC))
                        .isEqualTo(live.topics().tokenIndex()));
        assertThat(indexedTokens()).contains("t-after").doesNotContain("t-huge");
    }

    private static TokenIssued token(String tokenId, Instant issuedAt) {
        return TokenIssued.newBuilder().setTokenId(tokenId).setAgentId(AGENT).setSessionId("s").setIssuedAt(issuedAt)
                .setExpiresAt(issuedAt.plusSeconds(3600)).setScopes(List.of("mail:read")).build();
    }

    private static List<String> reasons(List<ConsumerRecord<String, byte[]>> deadLetters) {
        return deadLetters.stream().map(r -> DeadLetters.header(r.headers(), DeadLetters.REASON)).toList();
    }

    /** Token ids agentwatch published to its token index: proof that it processed their issuance. */
    private List<String> indexedTokens() {
        return live.readCommitted(live.topics().tokenIndex()).stream().map(ConsumerRecord::key).toList();
    }
}
