package io.agentwatch.serde;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.avro.ToolCall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;

/**
 * Other versions of the ToolCall schema, as another producer might use them, derived from the
 * generated class's schema JSON: a newer one with an extra optional field, and an older one
 * without some of today's optional fields.
 */
final class ToolCallVersions {

    static final String EXTRA_FIELD = "model";
    static final Set<String> FIELDS_MISSING_FROM_OLDER = Set.of("required_scope", "delegated_to", "attributes");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolCallVersions() {
    }

    /** Today's ToolCall plus {@code model: ["null","string"], default null}. */
    static Schema newer() {
        ObjectNode schema = currentJson();
        ((ArrayNode) schema.get("fields")).addObject()
                .put("name", EXTRA_FIELD)
                .putNull("default")
                .put("doc", "LLM behind the agent; added in a later version.")
                .putArray("type").add("null").add("string");
        return parse(schema);
    }

    /** Today's ToolCall without the optional fields in {@link #FIELDS_MISSING_FROM_OLDER}. */
    static Schema older() {
        ObjectNode schema = currentJson();
        ((ArrayNode) schema.get("fields")).removeIf(field -> FIELDS_MISSING_FROM_OLDER.contains(field.get("name").asText()));
        return parse(schema);
    }

    /** Today's ToolCall with a new field that has no default: breaks BACKWARD compatibility. */
    static Schema withNewRequiredField() {
        ObjectNode schema = currentJson();
        ((ArrayNode) schema.get("fields")).addObject().put("name", "cost_center").put("type", "string");
        return parse(schema);
    }

    /**
     * The sample ToolCall as a record of {@code schema}, with {@code extraValue} in the extra
     * field when the schema has it.
     */
    static GenericRecord sampleAs(Schema schema, String extraValue) {
        ToolCall sample = SampleRecords.toolCall();
        GenericRecordBuilder builder = new GenericRecordBuilder(schema);
        for (Schema.Field field : schema.getFields()) {
            if (field.name().equals(EXTRA_FIELD)) {
                builder.set(field, extraValue);
            } else {
                builder.set(field, generic(field.schema(), sample.get(field.name())));
            }
        }
        return builder.build();
    }

    /** Generic data has no logical-type conversions: Instants become millis, enums symbols. */
    private static Object generic(Schema fieldSchema, Object value) {
        if (value instanceof java.time.Instant instant) {
            return instant.toEpochMilli();
        }
        if (value instanceof Enum<?> symbol) {
            Schema enumSchema = fieldSchema.isUnion() ? fieldSchema.getTypes().get(1) : fieldSchema;
            return new GenericData.EnumSymbol(enumSchema, symbol.name());
        }
        return value;
    }

    private static ObjectNode currentJson() {
        try {
            return (ObjectNode) JSON.readTree(ToolCall.getClassSchema().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema parse(ObjectNode schema) {
        return new Schema.Parser().parse(schema.toString());
    }
}
