package io.agentwatch.topology;

import org.apache.avro.specific.SpecificRecord;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** The one way the topology gets serdes for Avro record values. */
@FunctionalInterface
public interface ValueSerdes {
    <T extends SpecificRecord> Serde<T> forClass(Class<T> type);

    /** A serializer for records of any generated type (a producer that writes to several topics). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    default Serializer<SpecificRecord> anySerializer() {
        Map<Class<?>, Serializer<SpecificRecord>> byType = new ConcurrentHashMap<>();
        return (topic, record) -> record == null ? null
                : byType.computeIfAbsent(record.getClass(), type -> (Serializer) forClass((Class) type).serializer())
                        .serialize(topic, record);
    }
}
