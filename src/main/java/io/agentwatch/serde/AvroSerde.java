package io.agentwatch.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of one generated Avro class in the Confluent wire format (magic byte 0, 4-byte
 * big-endian schema id, Avro binary), with TopicNameStrategy subjects ({@code <topic>-value},
 * or {@code <topic>-key} when configured as a key serde). Deserializing resolves the writer's
 * schema to {@code T}'s, so compatible older and newer writers are read.
 *
 * <p>Create value serdes with {@link AvroSerdes#forClass}, which also configures them. Config
 * keys: see {@link AvroSerdeConfig}. {@code null} is written and read as {@code null}
 * (tombstones). Failures: {@link AvroSerdeException} for a bad record, a
 * {@link SchemaRegistryException} for a registry or configuration problem.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;
    private WireEncoder<T> encoder;
    private WireDecoder<T> decoder;

    public AvroSerde(Class<T> type) {
        this.type = type;
    }

    /** TopicNameStrategy. */
    static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        SchemaRegistryClient registry = SchemaRegistryClients.create(config);
        this.encoder = new WireEncoder<>(registry, config.autoRegisterSchemas(), isKey);
        this.decoder = new WireDecoder<>(registry, type);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        checkConfigured();
        return encoder.encode(topic, data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        checkConfigured();
        return decoder.decode(topic, data);
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void close() {
        // Nothing to release: registry clients share one HTTP client per JVM (see RegistryTransport).
    }

    private void checkConfigured() {
        if (encoder == null) {
            // Kafka Streams configures only its default serdes, never those passed to
            // Consumed/Produced, so an unconfigured serde is an easy mistake to make.
            throw new IllegalStateException("AvroSerde<" + type.getSimpleName() + "> is not configured: create it"
                    + " with AvroSerdes.forClass(...) or call configure(...) with " + AvroSerdeConfig.SCHEMA_REGISTRY_URL);
        }
    }
}
