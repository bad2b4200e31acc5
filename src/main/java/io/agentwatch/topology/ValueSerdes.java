package io.agentwatch.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** The one way the topology gets serdes for Avro record values. */
@FunctionalInterface
public interface ValueSerdes {
    <T extends SpecificRecord> Serde<T> forClass(Class<T> type);
}
