package io.agentwatch.topology;

import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.serde.AvroSerdes;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Value serdes from the configured schema registry (or the serde class plugged in by config). */
public final class RegistrySerdes implements ValueSerdes {
    private final Map<String, Object> serdeConfig;

    public RegistrySerdes(AgentwatchConfig config) {
        this.serdeConfig = config.serdeConfig();
    }

    @Override
    public <T extends SpecificRecord> Serde<T> forClass(Class<T> type) {
        return AvroSerdes.forClass(type, serdeConfig);
    }
}
