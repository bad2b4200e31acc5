package io.agentwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.ToolCall;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever bytes arrive on an input topic, the decoder either returns a record or refuses them
 * as a bad record ({@link AvroSerdeException}, which goes to the dead-letter topic): never
 * another exception, which would stop the stream thread, and never an allocation the payload
 * does not pay for. Properties over random and mutated payloads (jqwik).
 */
class WireDecoderPropertyTest {
    private static final String TOPIC = "agent.tool-calls";
    private static final String SCOPE = "wire-properties";
    private static final AvroSerde<ToolCall> SERDE = serde();
    private static final int TOOL_CALL_ID = MockSchemaRegistryClient.forScope(SCOPE)
            .register(AvroSerde.subject(TOPIC, false), ToolCall.getClassSchema());

    private static AvroSerde<ToolCall> serde() {
        AvroSerde<ToolCall> serde = new AvroSerde<>(ToolCall.class);
        serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE), false);
        return serde;
    }

    /** Decodes, and fails the property on anything but a record or a bad-record refusal. */
    private static ToolCall decodeOrRefuse(byte[] payload) {
        try {
            return SERDE.deserialize(TOPIC, payload);
        } catch (AvroSerdeException refused) {
            assertThat(refused.reason()).isNotNull();
            return null;
        }
    }

    @Property(tries = 500)
    void anyBytesDecodeOrAreRefusedAsABadRecord(@ForAll @Size(max = 300) byte[] payload) {
        decodeOrRefuse(payload);
    }

    @Property(tries = 500)
    void anyBodyAfterAValidHeaderDecodesOrIsRefusedAsABadRecord(@ForAll @Size(max = 300) byte[] body) {
        decodeOrRefuse(ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(TOOL_CALL_ID).put(body).array());
    }

    @Property(tries = 500)
    void aValidRecordComesBackUnchanged(@ForAll("toolCalls") ToolCall call) {
        assertThat(SERDE.deserialize(TOPIC, SERDE.serialize(TOPIC, call))).isEqualTo(call);
    }

    @Property(tries = 500)
    void aDamagedRecordDecodesOrIsRefusedAsABadRecord(@ForAll("toolCalls") ToolCall call,
                                                      @ForAll @IntRange(min = 0, max = 10_000) int where,
                                                      @ForAll byte replacement,
                                                      @ForAll @IntRange(min = 0, max = 20) int cut) {
        byte[] bytes = SERDE.serialize(TOPIC, call);
        bytes[5 + where % (bytes.length - 5)] = replacement;
        decodeOrRefuse(Arrays.copyOf(bytes, Math.max(0, bytes.length - cut)));
    }

    @Provide
    Arbitrary<ToolCall> toolCalls() {
        // Any text but lone surrogates, which no UTF-8 writer can represent.
        Arbitrary<String> text = Arbitraries.strings().withCharRange('\u0000', '\ud7ff').withCharRange('\ue000', '\uffff')
                .ofMaxLength(40);
        Arbitrary<String> optional = text.injectNull(0.3);
        Arbitrary<Map<String, String>> attributes = Arbitraries.maps(text, text).ofMaxSize(4);
        return Combinators.combine(text, Arbitraries.longs(), text, optional, text, Arbitraries.of(Operation.class)
                        .injectNull(0.3), Arbitraries.of(Outcome.class), attributes)
                .as((id, time, agent, token, tool, operation, outcome, attrs) -> ToolCall.newBuilder()
                        .setEventId(id).setOccurredAt(Instant.ofEpochMilli(time)).setAgentId(agent)
                        .setSessionId(id).setTokenId(token).setTool(tool).setOperation(operation).setTarget(token)
                        .setOutcome(outcome).setAttributes(attrs).build());
    }
}
