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
 *
 * <p>An id whose schema can never be read as {@code T} (another format, or an incompatible
 * schema) is remembered, since registered ids never change: a stream of such records costs one
 * registry request, not one per record.
 */
final class WireDecoder<T extends SpecificRecord> {
    /** Most refused ids remembered: a producer cycling through ids must not grow the map without end. */
    static final int MAX_REFUSED_IDS = 1_000;

    private final SchemaRegistryClient registry;
    private final Class<T> type;
    private final Schema readerSchema;
    private final SpecificData model;
    private final Map<Integer, DatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    private final Map<Integer, Refusal> refusedWriterIds = new ConcurrentHashMap<>();

    /** Why an id cannot be read, kept to refuse its next records the same way. */
    private record Refusal(AvroSerdeException.Reason reason, String detail) {
    }

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
        Refusal refused = refusedWriterIds.get(id);
        if (refused != null) {
            throw new AvroSerdeException(refused.reason(), topic, id, refused.detail());
        }
        Schema writerSchema;
        try {
            writerSchema = registry.getById(id);
        } catch (SchemaNotFoundException e) {
            throw new AvroSerdeException(AvroSerdeException.Reason.UNKNOWN_SCHEMA_ID, topic, id, e.getMessage(), e);
        } catch (UnsupportedSchemaException e) {
            throw refuse(topic, id, AvroSerdeException.Reason.UNSUPPORTED_SCHEMA, e.getMessage(), e);
        }
        SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            String problems = compatibility.getResult().getIncompatibilities().stream()
                    .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                    .collect(Collectors.joining("; "));
            throw refuse(topic, id, AvroSerdeException.Reason.INCOMPATIBLE_SCHEMA, "writer schema "
                    + writerSchema.getFullName() + " cannot be read as " + readerSchema.getFullName() + ": " + problems,
                    null);
        }
        DatumReader<T> reader = new SpecificDatumReader<>(writerSchema, readerSchema, model);
        readersByWriterId.putIfAbsent(id, reader);
        return reader;
    }

    private AvroSerdeException refuse(String topic, int id, AvroSerdeException.Reason reason, String detail,
                                      Throwable cause) {
        if (refusedWriterIds.size() >= MAX_REFUSED_IDS) {
            refusedWriterIds.clear();
        }
        refusedWriterIds.put(id, new Refusal(reason, detail));
        return new AvroSerdeException(reason, topic, id, detail, cause);
    }

    private static AvroSerdeException corrupt(String topic, int id, String detail, Throwable cause) {
        return new AvroSerdeException(AvroSerdeException.Reason.CORRUPT_PAYLOAD, topic, id, detail, cause);
    }
}
