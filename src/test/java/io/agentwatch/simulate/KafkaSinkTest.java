package io.agentwatch.simulate;

import io.agentwatch.config.Topics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.trace.TraceEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaSinkTest {
    private static final KafkaSink.Topics TOPICS = new KafkaSink.Topics("calls", "issued", "revoked");
    private static final Serializer<SpecificRecord> VALUES = (topic, v) -> v.toString().getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldRouteEachEventTypeToItsTopicKeyedByAgentAndStampedWithEventTime() throws IOException {
        MockProducer<String, SpecificRecord> producer = new MockProducer<>(true, null, new StringSerializer(), VALUES);
        List<TraceEvent> events = new Simulator(SimulationSpec.builder().agents(2).historyDays(1).build())
                .stream().limit(200).toList();

        try (KafkaSink sink = new KafkaSink(producer, TOPICS)) {
            for (TraceEvent event : events) {
                sink.write(event);
            }
        }

        List<ProducerRecord<String, SpecificRecord>> sent = producer.history();
        assertThat(sent).hasSize(events.size());
        for (int i = 0; i < sent.size(); i++) {
            ProducerRecord<String, SpecificRecord> record = sent.get(i);
            TraceEvent event = events.get(i);
            assertThat(record.key()).isEqualTo(event.agentId());
            assertThat(record.timestamp()).isEqualTo(event.time().toEpochMilli());
            assertThat(record.value()).isSameAs(event.event());
            String expectedTopic = event.event() instanceof ToolCall ? "calls"
                    : event.event() instanceof TokenIssued ? "issued" : "revoked";
            assertThat(record.topic()).isEqualTo(expectedTopic);
        }
        assertThat(sent).extracting(ProducerRecord::value).hasAtLeastOneElementOfType(TokenRevoked.class);
        assertThat(producer.closed()).isTrue();
    }

    @Test
    void shouldReportAFailedSendOnTheNextCall() throws IOException {
        MockProducer<String, SpecificRecord> producer = new MockProducer<>(false, null, new StringSerializer(), VALUES);
        TraceEvent event = new Simulator(SimulationSpec.builder().agents(1).historyDays(1).build()).next();
        KafkaSink sink = new KafkaSink(producer, TOPICS);
        sink.write(event);

        producer.errorNext(new RuntimeException("broker gone"));

        assertThatThrownBy(() -> sink.write(event)).isInstanceOf(IOException.class).hasMessageContaining("broker gone");
    }

    @Test
    void shouldAlwaysProduceWithAcksAllAndIdempotence() {
        Map<String, Object> settings = KafkaSink.producerSettings(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092", ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false));

        assertThat(settings).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    }
}
