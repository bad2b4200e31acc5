package io.agentwatch.topology;

import io.agentwatch.avro.TokenIssued;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the global token-index store equal to the compacted topic: put, or delete on tombstone. */
final class TokenIndexUpdater implements Processor<String, TokenIssued, Void, Void> {
    private KeyValueStore<String, TokenIssued> index;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        index = context.getStateStore(Names.TOKEN_INDEX_STORE);
    }

    @Override
    public void process(Record<String, TokenIssued> record) {
        if (record.value() == null) {
            index.delete(record.key());
        } else {
            index.put(record.key(), record.value());
        }
    }
}
