package io.agentwatch.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/** Writes a record in the wire format under its subject's schema id. */
final class WireEncoder<T extends SpecificRecord> {

    private final SchemaRegistryClient registry;
    private final boolean autoRegister;
    private final boolean isKey;
    private final Map<Class<?>, DatumWriter<T>> writers = new ConcurrentHashMap<>();
    /** Ids already registered or looked up, so the registry client is asked once per subject and schema. */
    private final Map<String, Map<Schema, Integer>> ids = new ConcurrentHashMap<>();

    WireEncoder(SchemaRegistryClient registry, boolean autoRegister, boolean isKey) {
        this.registry = registry;
        this.autoRegister = autoRegister;
        this.isKey = isKey;
    }

    byte[] encode(String topic, T record) {
        Schema schema = record.getSchema();
        String subject = AvroSerde.subject(topic, isKey);
        int id = ids.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).computeIfAbsent(schema,
                s -> autoRegister ? registry.register(subject, s) : registry.getId(subject, s));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        WireFormat.writeHeader(out, id);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writerFor(record).write(record, encoder);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        } catch (RuntimeException e) {
            // Avro reports a record that breaks its schema with NullPointerException,
            // ClassCastException or AvroRuntimeException, depending on the field.
            throw new AvroSerdeException(AvroSerdeException.Reason.INVALID_RECORD, topic, id,
                    schema.getFullName() + " does not match its schema: " + e, e);
        }
        return out.toByteArray();
    }

    private DatumWriter<T> writerFor(T record) {
        // The class's own SpecificData carries its logical-type conversions (Instant for
        // timestamp-millis); the shared default instance does not.
        return writers.computeIfAbsent(record.getClass(),
                type -> new SpecificDatumWriter<>(record.getSchema(), SpecificData.getForClass(type)));
    }
}
