package io.agentwatch.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads the wire format into the generated class {@code T}: the bytes are decoded with the
 * writer's schema (fetched by id) and resolved to {@code T}'s schema, so records written with
 * an older or newer compatible version decode.
 */
final class WireDecoder<T extends SpecificRecord> {

    private final SchemaRegistryClient registry;
    private final Class<T> type;
    private final Schema readerSchema;
    private final SpecificData model;
    private final Map<Integer, DatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();

    WireDecoder(SchemaRegistryClient registry, Class<T> type) {
        this.registry = registry;
        this.type = type;
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
    }

    T decode(String topic, byte[] payload) {
        int id = WireFormat.readSchemaId(topic, payload);
        DatumReader<T> reader = readerFor(topic, id);
        BoundedDecoder decoder = new BoundedDecoder(payload, WireFormat.HEADER_SIZE,
                payload.length - WireFormat.HEADER_SIZE);
        T value;
        boolean bytesLeftOver;
        try {
            value = reader.read(null, decoder);
            bytesLeftOver = !decoder.isEnd();
        } catch (IOException e) {
            throw corrupt(topic, id, "truncated or malformed Avro data (" + e + ")", e);
        } catch (RuntimeException e) {
            // Garbage bytes surface as AvroRuntimeException, an out-of-range enum or union
            // index (IndexOutOfBoundsException) and the like: all say the payload is bad.
            throw corrupt(topic, id, "malformed Avro data (" + e + ")", e);
        }
        if (bytesLeftOver) {
            throw corrupt(topic, id, "bytes left over after a complete " + type.getSimpleName()
                    + ": the payload does not match the schema its id names", null);
        }
        return value;
    }

    private DatumReader<T> readerFor(String topic, int id) {
        DatumReader<T> cached = readersByWriterId.get(id);
        if (cached != null) {
            return cached;
        }
        Schema writerSchema;
        try {
            writerSchema = registry.getById(id);
        } catch (SchemaNotFoundException e) {
            throw new AvroSerdeException(AvroSerdeException.Reason.UNKNOWN_SCHEMA_ID, topic, id, e.getMessage(), e);
        } catch (UnsupportedSchemaException e) {
            throw new AvroSerdeException(AvroSerdeException.Reason.INCOMPATIBLE_SCHEMA, topic, id, e.getMessage(), e);
        }
        SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            String problems = compatibility.getResult().getIncompatibilities().stream()
                    .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                    .collect(Collectors.joining("; "));
            throw new AvroSerdeException(AvroSerdeException.Reason.INCOMPATIBLE_SCHEMA, topic, id,
                    "writer schema " + writerSchema.getFullName() + " cannot be read as " + readerSchema.getFullName()
                            + ": " + problems);
        }
        DatumReader<T> reader = new SpecificDatumReader<>(writerSchema, readerSchema, model);
        readersByWriterId.putIfAbsent(id, reader);
        return reader;
    }

    private static AvroSerdeException corrupt(String topic, int id, String detail, Throwable cause) {
        return new AvroSerdeException(AvroSerdeException.Reason.CORRUPT_PAYLOAD, topic, id, detail, cause);
    }
}
