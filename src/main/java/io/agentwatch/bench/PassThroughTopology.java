package io.agentwatch.bench;

import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.topology.TopicNames;
import io.agentwatch.topology.ValueSerdes;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The yardstick: the same three inputs, decoded with the same Avro serde, re-encoded and written
 * to one output topic, with nothing in between. What agentwatch costs is what it takes beyond this.
 */
final class PassThroughTopology {
    static final String OUTPUT_TOPIC = "bench.pass-through";

    private PassThroughTopology() {
    }

    static Topology build(TopicNames topics, ValueSerdes serdes, AtomicLong processed) {
        StringDeserializer keys = new StringDeserializer();
        Topology t = new Topology();
        t.addSource("tool-calls", keys, serdes.forClass(ToolCall.class).deserializer(), topics.toolCalls());
        t.addSource("token-issuances", keys, serdes.forClass(TokenIssued.class).deserializer(), topics.tokenIssuances());
        t.addSource("token-revocations", keys, serdes.forClass(TokenRevoked.class).deserializer(),
                topics.tokenRevocations());
        t.addProcessor("count", () -> new ContextualProcessor<String, SpecificRecord, String, SpecificRecord>() {
            @Override
            public void process(Record<String, SpecificRecord> record) {
                processed.incrementAndGet();
                context().forward(record);
            }
        }, "tool-calls", "token-issuances", "token-revocations");
        t.addSink("out", OUTPUT_TOPIC, new StringSerializer(), serdes.anySerializer(), "count");
        return t;
    }
}
