package io.agentwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.serde.AvroSerdeException.Reason;
import io.agentwatch.config.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {

    private static final String TOPIC = Topics.TOOL_CALLS;
    private static final String SUBJECT = TOPIC + "-value";

    private final String scope = "avro-serde-test-" + UUID.randomUUID();
    private final MockSchemaRegistryClient registry = MockSchemaRegistryClient.forScope(scope);

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistryClient.dropScope(scope);
    }

    static Stream<SpecificRecord> everyRecordType() {
        return SampleRecords.all().stream();
    }

    @ParameterizedTest
    @MethodSource("everyRecordType")
    void shouldReadBackEveryGeneratedRecordTypeThroughASeparatelyConfiguredSerde(SpecificRecord record) {
        // given a serializer and a deserializer configured apart, with the same mock:// URL
        AvroSerde<SpecificRecord> writer = serde(record.getClass(), config());
        AvroSerde<SpecificRecord> reader = serde(record.getClass(), config());

        // when
        SpecificRecord back = reader.deserialize(TOPIC, writer.serialize(TOPIC, record));

        // then
        assertThat(back).isEqualTo(record);
    }

    @Test
    void shouldHaveASampleOfEveryRecordTypeInTheSchemasFolder() throws IOException {
        // given the record types declared in schemas/
        ObjectMapper json = new ObjectMapper();
        List<String> declared;
        try (Stream<Path> files = Files.list(Path.of("schemas"))) {
            declared = files.filter(file -> file.toString().endsWith(".avsc"))
                    .map(file -> readTree(json, file))
                    .filter(schema -> "record".equals(schema.get("type").asText()))
                    .map(schema -> schema.get("name").asText())
                    .collect(Collectors.toList());
        }

        // when
        List<String> sampled = SampleRecords.all().stream().map(r -> r.getSchema().getName()).toList();

        // then
        assertThat(sampled).containsExactlyInAnyOrderElementsOf(declared);
    }

    @Test
    void shouldWriteMagicByteThenBigEndianSchemaIdThenAvroBinary() {
        // given 300 other schemas registered first, so that the id takes two bytes: 301 = 0x012d
        for (int i = 0; i < 300; i++) {
            registry.register("other-subject", Schema.createRecord("Other" + i, null, "test", false, List.of()));
        }
        ToolCall call = SampleRecords.toolCall();

        // when
        byte[] bytes = toolCallSerde(config()).serialize(TOPIC, call);

        // then
        assertThat(registry.getId(SUBJECT, ToolCall.getClassSchema())).isEqualTo(301);
        assertThat(Arrays.copyOfRange(bytes, 0, 5)).containsExactly(0, 0, 0, 1, 0x2d);
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(WireBytes.avroBinary(call));
    }

    @Test
    void shouldRegisterUnderTopicKeySubjectWhenConfiguredAsKeySerde() {
        // given
        AvroSerde<ToolCall> keySerde = new AvroSerde<>(ToolCall.class);
        keySerde.configure(config(), true);

        // when
        keySerde.serialize(TOPIC, SampleRecords.toolCall());

        // then
        assertThat(registry.getLatest(TOPIC + "-key").schema()).isEqualTo(ToolCall.getClassSchema());
        assertThatThrownBy(() -> registry.getLatest(SUBJECT)).isInstanceOf(SchemaNotFoundException.class);
    }

    @Test
    void shouldPassNullThroughBothWaysForTombstones() {
        // given
        AvroSerde<ToolCall> serde = toolCallSerde(config());

        // when / then
        assertThat(serde.serialize(TOPIC, null)).isNull();
        assertThat(serde.deserialize(TOPIC, null)).isNull();
    }

    @Test
    void shouldRefusePayloadWithoutMagicByteAsBadMagicByte() {
        // given a plain JSON value on an Avro topic
        byte[] json = "{\"event_id\":\"e\"}".getBytes();

        // when
        AvroSerdeException e = deserializeFailure(json);

        // then
        assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC_BYTE);
        assertThat(e.reason().code()).isEqualTo("bad-magic-byte");
        assertThat(e.schemaId()).isEmpty();
        assertThat(e).hasMessageContaining("0x7b").hasMessageContaining(TOPIC);
    }

    @Test
    void shouldRefuseEmptyPayloadAsBadMagicByte() {
        // when
        AvroSerdeException e = deserializeFailure(new byte[0]);

        // then
        assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC_BYTE);
        assertThat(e).hasMessageContaining("empty payload");
    }

    @Test
    void shouldRefuseSchemaIdUnknownToTheRegistryAsUnknownSchemaId() {
        // given
        byte[] payload = WireBytes.frame(4711, WireBytes.avroBinary(SampleRecords.toolCall()));

        // when
        AvroSerdeException e = deserializeFailure(payload);

        // then
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
        assertThat(e.reason().code()).isEqualTo("unknown-schema-id");
        assertThat(e.schemaId()).hasValue(4711);
        assertThat(e).hasMessageContaining("4711");
    }

    @Test
    void shouldNotSeeSchemasRegisteredInAnotherMockScope() {
        // given a record written through another mock:// scope
        String otherScope = scope + "-other";
        byte[] bytes = toolCallSerde(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + otherScope))
                .serialize(TOPIC, SampleRecords.toolCall());

        // when
        AvroSerdeException e = deserializeFailure(bytes);

        // then
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
        MockSchemaRegistryClient.dropScope(otherScope);
    }

    @Test
    void shouldRefuseHeaderCutShortAsCorruptPayload() {
        // when
        AvroSerdeException e = deserializeFailure(new byte[] {0, 0, 0});

        // then
        assertThat(e.reason()).isEqualTo(Reason.CORRUPT_PAYLOAD);
        assertThat(e.reason().code()).isEqualTo("corrupt-payload");
        assertThat(e).hasMessageContaining("truncated");
    }

    @Test
    void shouldRefuseAvroBodyCutShortAsCorruptPayload() {
        // given
        byte[] whole = toolCallSerde(config()).serialize(TOPIC, SampleRecords.toolCall());
        byte[] truncated = Arrays.copyOf(whole, whole.length - 10);

        // when
        AvroSerdeException e = deserializeFailure(truncated);

        // then
        assertThat(e.reason()).isEqualTo(Reason.CORRUPT_PAYLOAD);
        assertThat(e.schemaId()).hasValue(registry.getId(SUBJECT, ToolCall.getClassSchema()));
    }

    @Test
    void shouldRefuseBytesLeftOverAfterTheRecordAsCorruptPayload() {
        // given
        byte[] whole = toolCallSerde(config()).serialize(TOPIC, SampleRecords.toolCall());
        byte[] padded = WireBytes.concat(whole, new byte[] {1, 2, 3});

        // when
        AvroSerdeException e = deserializeFailure(padded);

        // then
        assertThat(e.reason()).isEqualTo(Reason.CORRUPT_PAYLOAD);
        assertThat(e).hasMessageContaining("left over");
    }

    @Test
    void shouldRefuseClaimedStringLengthLargerThanThePayloadBeforeAllocatingIt() {
        // given a payload whose first string (event_id) claims to be 2 GB long
        int id = registry.register(SUBJECT, ToolCall.getClassSchema());
        byte[] payload = WireBytes.frame(id, WireBytes.avroLong(Integer.MAX_VALUE - 8));

        // when
        AvroSerdeException e = deserializeFailure(payload);

        // then
        assertThat(e.reason()).isEqualTo(Reason.CORRUPT_PAYLOAD);
        assertThat(e).hasMessageContaining("does not fit in a payload");
    }

    @Test
    void shouldRefuseClaimedMapSizeLargerThanThePayloadBeforeAllocatingIt() {
        // given a payload whose attributes map (last field) claims a billion entries
        ToolCall call = SampleRecords.toolCall();
        call.setAttributes(Map.of());
        int id = registry.register(SUBJECT, ToolCall.getClassSchema());
        byte[] withoutMap = Arrays.copyOf(WireBytes.avroBinary(call), WireBytes.avroBinary(call).length - 1);
        byte[] payload = WireBytes.frame(id, WireBytes.concat(withoutMap, WireBytes.avroLong(1_000_000_000L)));

        // when
        AvroSerdeException e = deserializeFailure(payload);

        // then
        assertThat(e.reason()).isEqualTo(Reason.CORRUPT_PAYLOAD);
        assertThat(e).hasMessageContaining("map of 1000000000 items");
    }

    @Test
    void shouldRefuseRecordOfAnotherTypeAsIncompatibleSchema() {
        // given a TokenRevoked written to the tool-calls topic
        byte[] revoked = serde(TokenRevoked.class, config()).serialize(TOPIC, SampleRecords.tokenRevoked());

        // when
        AvroSerdeException e = deserializeFailure(revoked);

        // then
        assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE_SCHEMA);
        assertThat(e.reason().code()).isEqualTo("incompatible-schema");
        assertThat(e).hasMessageContaining("TokenRevoked").hasMessageContaining("ToolCall");
    }

    @Test
    void shouldReadRecordWrittenWithNewerSchemaThatHasAnExtraOptionalField() {
        // given a producer on a newer ToolCall version
        Schema newer = ToolCallVersions.newer();
        GenericRecord written = ToolCallVersions.sampleAs(newer, "gpt-x");
        byte[] payload = WireBytes.frame(registry.register(SUBJECT, newer), WireBytes.avroBinary(written));

        // when
        ToolCall read = toolCallSerde(config()).deserialize(TOPIC, payload);

        // then the extra field is dropped and every other field arrives
        assertThat(read).isEqualTo(SampleRecords.toolCall());
    }

    @Test
    void shouldReadRecordWrittenWithOlderSchemaFillingMissingFieldsWithDefaults() {
        // given a producer on an older ToolCall version
        Schema older = ToolCallVersions.older();
        GenericRecord written = ToolCallVersions.sampleAs(older, null);
        byte[] payload = WireBytes.frame(registry.register(SUBJECT, older), WireBytes.avroBinary(written));

        // when
        ToolCall read = toolCallSerde(config()).deserialize(TOPIC, payload);

        // then
        ToolCall expected = SampleRecords.toolCall();
        expected.setRequiredScope(null);
        expected.setDelegatedTo(null);
        expected.setAttributes(Map.of());
        assertThat(read).isEqualTo(expected);
    }

    @Test
    void shouldUseTheRegisteredIdWithoutRegisteringWhenAutoRegisterIsOff() {
        // given
        int id = registry.register(SUBJECT, ToolCall.getClassSchema());
        Map<String, Object> config = config();
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false");

        // when
        byte[] bytes = toolCallSerde(config).serialize(TOPIC, SampleRecords.toolCall());

        // then
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    }

    @Test
    void shouldFailWithAdviceWhenAutoRegisterIsOffAndTheSchemaIsNotRegistered() {
        // given
        Map<String, Object> config = config();
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        AvroSerde<ToolCall> serde = toolCallSerde(config);

        // when / then
        assertThatThrownBy(() -> serde.serialize(TOPIC, SampleRecords.toolCall()))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining(SUBJECT)
                .hasMessageContaining("auto.register.schemas=true");
        assertThatThrownBy(() -> registry.getLatest(SUBJECT)).isInstanceOf(SchemaNotFoundException.class);
    }

    @Test
    void shouldRefuseRecordThatBreaksItsOwnSchemaAsInvalidRecord() {
        // given a ToolCall built without the builder's checks: required fields are null
        ToolCall incomplete = new ToolCall();

        // when
        AvroSerdeException e = failure(() -> toolCallSerde(config()).serialize(TOPIC, incomplete));

        // then
        assertThat(e.reason()).isEqualTo(Reason.INVALID_RECORD);
        assertThat(e.reason().code()).isEqualTo("invalid-record");
    }

    @Test
    void shouldExplainHowToConfigureWhenUsedUnconfigured() {
        // given
        AvroSerde<ToolCall> serde = new AvroSerde<>(ToolCall.class);

        // when / then
        assertThatThrownBy(() -> serde.serialize(TOPIC, SampleRecords.toolCall()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AvroSerdes.forClass");
    }

    @Test
    void shouldRefuseASchemaIdOfAnotherFormatAsUnsupportedAskingTheRegistryOnce() {
        // given a registry where id 7 is a Protobuf schema
        try (StubRegistry stub = StubRegistry.start()) {
            stub.answer(request -> new StubRegistry.Response(200,
                    "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}"));
            AvroSerde<ToolCall> serde = toolCallSerde(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stub.url()));
            byte[] payload = WireBytes.frame(7, new byte[] {10, 1, 'x'});

            // when a stream of such records arrives
            for (int i = 0; i < 5; i++) {
                AvroSerdeException e = failure(() -> serde.deserialize(TOPIC, payload));

                // then each is a bad record, not a registry outage
                assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_SCHEMA);
                assertThat(e.reason().code()).isEqualTo("unsupported-schema");
                assertThat(e).hasMessageContaining("PROTOBUF");
            }
            assertThat(stub.requests()).hasSize(1);
        }
    }

    @Test
    void shouldReportRegistryOutageAsRegistryErrorNotAsBadRecord() {
        // given a registry that only answers 503, and a payload whose schema id is not cached
        try (StubRegistry stub = StubRegistry.start()) {
            stub.answer(request -> new StubRegistry.Response(503, "{\"message\":\"down\"}"));
            Map<String, Object> config = new HashMap<>();
            config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stub.url());
            config.put(AvroSerdeConfig.MAX_RETRIES, 1);
            config.put(AvroSerdeConfig.RETRIES_WAIT_MS, 1);
            AvroSerde<ToolCall> serde = toolCallSerde(config);
            byte[] payload = WireBytes.frame(1, WireBytes.avroBinary(SampleRecords.toolCall()));

            // when / then: not a SerializationException, so it is not dead-lettered
            assertThatThrownBy(() -> serde.deserialize(TOPIC, payload))
                    .isInstanceOf(RegistryUnavailableException.class)
                    .isNotInstanceOf(SerializationException.class);
        }
    }

    private AvroSerdeException deserializeFailure(byte[] payload) {
        return failure(() -> toolCallSerde(config()).deserialize(TOPIC, payload));
    }

    private static AvroSerdeException failure(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(AvroSerdeException.class);
        return (AvroSerdeException) thrown;
    }

    private Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
        return config;
    }

    private static AvroSerde<ToolCall> toolCallSerde(Map<String, Object> config) {
        return serde(ToolCall.class, config);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T extends SpecificRecord> AvroSerde<T> serde(Class<?> type, Map<String, Object> config) {
        AvroSerde<T> serde = new AvroSerde<>((Class) type);
        serde.configure(config, false);
        return serde;
    }

    private static JsonNode readTree(ObjectMapper json, Path file) {
        try {
            return json.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
