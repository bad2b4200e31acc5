package io.agentwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.agentwatch.avro.ToolCall;
import io.agentwatch.serde.AvroSerdeConfig;
import io.agentwatch.serde.AvroSerdes;
import io.agentwatch.serde.MockSchemaRegistryClient;
import io.agentwatch.serde.RegistryUnavailableException;
import io.agentwatch.serde.WireBytes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class DeadLetterExceptionHandlerTest {
    private static final String DLQ = "agent.telemetry.dlq";

    /** What Kafka Streams tells the handler about the input being processed. */
    private record Context(String topic, int partition, long offset, byte[] sourceRawKey, byte[] sourceRawValue)
            implements ErrorHandlerContext {
        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return Names.AGENT_MONITOR;
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, 0);
        }

        @Override
        public long timestamp() {
            return 0;
        }
    }

    private static DeadLetterExceptionHandler handler(int maxRequestBytes) {
        DeadLetterExceptionHandler handler = new DeadLetterExceptionHandler();
        Map<String, Object> config = new HashMap<>();
        config.put(DeadLetterExceptionHandler.DLQ_TOPIC_CONFIG, DLQ);
        config.put("producer.max.request.size", Integer.toString(maxRequestBytes));
        handler.configure(config);
        return handler;
    }

    @Test
    void shouldTellABadRecordFromARegistryThatCannotBeReached() {
        // given the decoder's refusal of a record framed with the id of a Protobuf schema
        String scope = "handler-" + UUID.randomUUID();
        int protobuf = MockSchemaRegistryClient.forScope(scope).registerOtherFormat("t-value", "PROTOBUF");
        Throwable unsupported = catchThrowable(() -> AvroSerdes.forClass(ToolCall.class,
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope)).deserializer()
                .deserialize("t", WireBytes.frame(protobuf, new byte[] {1})));
        MockSchemaRegistryClient.dropScope(scope);

        // then only the outage stops the stream thread
        assertThat(DeadLetterExceptionHandler.isRegistryOutage(unsupported)).isFalse();
        assertThat(DeadLetterExceptionHandler.reasonOf(unsupported, "?")).isEqualTo("unsupported-schema");
        assertThat(DeadLetterExceptionHandler.isRegistryOutage(new RegistryUnavailableException("down", null))).isTrue();
    }

    @Test
    void shouldDeadLetterTheInputOfAnOutputTooLargeToWriteLeavingOutWhatDoesNotFit() {
        // given an input of 30 kB whose finding is too large for a 20 kB producer limit
        byte[] input = new byte[30_000];
        Context context = new Context("agent.tool-calls", 2, 41, "agent".getBytes(), input);
        ProducerRecord<byte[], byte[]> finding = new ProducerRecord<>("agent.findings", new byte[1]);

        // when
        ProductionExceptionHandler.Response response = handler(20_000).handleSerializationError(context, finding,
                new RecordTooLargeException("too large"), SerializationExceptionOrigin.VALUE);

        // then processing goes on, and the dead letter names the input, the output topic and the reason
        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
        assertThat(dead.topic()).isEqualTo(DLQ);
        assertThat(dead.key()).isEqualTo("agent".getBytes());
        assertThat(dead.value()).isNull();
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).isEqualTo("record-too-large");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.OUTPUT_TOPIC)).isEqualTo("agent.findings");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.DROPPED)).isEqualTo("value of 30000 bytes");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.OFFSET)).isEqualTo("41");
    }

    @Test
    void shouldRetryABrokerShortOfReplicasAndNeverLoopOnAnUnwritableDeadLetter() {
        // given
        DeadLetterExceptionHandler handler = handler(1_048_576);
        Context context = new Context("agent.tool-calls", 0, 1, null, null);

        // when / then
        assertThat(handler.handleError(context, new ProducerRecord<>("agent.findings", new byte[1]),
                new NotEnoughReplicasException("1 of 3")).result()).isEqualTo(ProductionExceptionHandler.Result.RETRY);
        ProductionExceptionHandler.Response deadLetterRefused = handler.handleError(context,
                new ProducerRecord<>(DLQ, new byte[1]), new RecordTooLargeException("broker limit"));
        assertThat(deadLetterRefused.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(deadLetterRefused.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void shouldKeepHeadersShortAndPrintable() {
        // when a reason message quotes a hostile value
        Headers headers = DeadLetters.headers(new DeadLetters.Origin("t", 0, 0), "control-character", "E",
                "tool '\u001b[2J" + "x".repeat(5000) + "'");

        // then
        String message = DeadLetters.header(headers, DeadLetters.MESSAGE);
        assertThat(message).startsWith("tool '\\u001b[2J").doesNotContain("\u001b").endsWith("... (5011 chars)");
        assertThat(message.length()).isLessThan(DeadLetters.MAX_HEADER_CHARS + 30);
        assertThat(List.of(headers.toArray())).hasSize(6);
    }
}
