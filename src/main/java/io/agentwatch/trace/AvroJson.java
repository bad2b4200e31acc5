package io.agentwatch.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plain JSON for Avro records, the way people write and read traces: the Avro field names,
 * no union wrappers, timestamps as ISO-8601 UTC, enums as their names. Reading is lenient
 * where a person would expect it (timestamps as ISO-8601 or epoch milliseconds, enum names in
 * any case, missing optional fields take the schema default) and strict elsewhere: a wrong
 * type or a missing required field is an {@link IllegalArgumentException} naming the field.
 */
public final class AvroJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Instant EARLIEST = Instant.ofEpochMilli(Long.MIN_VALUE);
    private static final Instant LATEST = Instant.ofEpochMilli(Long.MAX_VALUE);

    private AvroJson() {
    }

    public static ObjectNode toJson(SpecificRecord record) {
        ObjectNode node = NODES.objectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            node.set(field.name(), valueToJson(field.schema(), record.get(field.pos())));
        }
        return node;
    }

    private static JsonNode valueToJson(Schema schema, Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        switch (schema.getType()) {
            case UNION:
                return valueToJson(nonNullBranch(schema), value);
            case RECORD:
                return toJson((SpecificRecord) value);
            case ARRAY: {
                ArrayNode array = NODES.arrayNode();
                for (Object item : (List<?>) value) {
                    array.add(valueToJson(schema.getElementType(), item));
                }
                return array;
            }
            case MAP: {
                ObjectNode map = NODES.objectNode();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    map.set(e.getKey().toString(), valueToJson(schema.getValueType(), e.getValue()));
                }
                return map;
            }
            case ENUM:
            case STRING:
                return NODES.textNode(value.toString());
            case LONG:
                if (value instanceof Instant instant) {
                    return NODES.textNode(instant.toString());
                }
                return NODES.numberNode((Long) value);
            case INT:
                return NODES.numberNode((Integer) value);
            case DOUBLE:
                return NODES.numberNode(round((Double) value));
            case FLOAT:
                return NODES.numberNode((Float) value);
            case BOOLEAN:
                return NODES.booleanNode((Boolean) value);
            default:
                throw new IllegalStateException("unsupported Avro type " + schema.getType());
        }
    }

    /** Six significant decimals are plenty for scores and probabilities and keep output readable. */
    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e6) / 1e6 : v;
    }

    /** Reads {@code node} into a new instance of {@code type}. */
    public static <T extends SpecificRecord> T fromJson(JsonNode node, Class<T> type) {
        Schema schema = SpecificData.get().getSchema(type);
        @SuppressWarnings("unchecked")
        T record = (T) readRecord(schema, node, "");
        return record;
    }

    private static SpecificRecord readRecord(Schema schema, JsonNode node, String path) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where(path) + "expected a JSON object");
        }
        SpecificRecord record = (SpecificRecord) SpecificData.get().newRecord(null, schema);
        for (Schema.Field field : schema.getFields()) {
            JsonNode value = node.get(field.name());
            String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
            if (value == null || value.isNull()) {
                if (!field.hasDefaultValue()) {
                    if (isNullable(field.schema())) {
                        record.put(field.pos(), null);
                        continue;
                    }
                    throw new IllegalArgumentException("missing required field '" + fieldPath + "'");
                }
                record.put(field.pos(), SpecificData.get().deepCopy(field.schema(),
                        SpecificData.get().getDefaultValue(field)));
            } else {
                record.put(field.pos(), readValue(field.schema(), value, fieldPath));
            }
        }
        return record;
    }

    private static Object readValue(Schema schema, JsonNode node, String path) {
        switch (schema.getType()) {
            case UNION:
                return node.isNull() ? null : readValue(nonNullBranch(schema), node, path);
            case RECORD:
                return readRecord(schema, node, path);
            case ARRAY: {
                if (!node.isArray()) {
                    throw new IllegalArgumentException(where(path) + "expected a JSON array");
                }
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode item : node) {
                    list.add(readValue(schema.getElementType(), item, path + "[]"));
                }
                return list;
            }
            case MAP: {
                if (!node.isObject()) {
                    throw new IllegalArgumentException(where(path) + "expected a JSON object");
                }
                Map<String, Object> map = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    map.put(e.getKey(), readValue(schema.getValueType(), e.getValue(), path + "." + e.getKey()));
                }
                return map;
            }
            case ENUM:
                return readEnum(schema, node, path);
            case STRING:
                if (!node.isValueNode()) {
                    throw new IllegalArgumentException(where(path) + "expected a string");
                }
                return node.asText();
            case LONG:
                if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    return readInstant(node, path);
                }
                return requireNumber(node, path).longValue();
            case INT:
                return requireNumber(node, path).intValue();
            case DOUBLE:
                return requireNumber(node, path).doubleValue();
            case FLOAT:
                return requireNumber(node, path).floatValue();
            case BOOLEAN:
                if (!node.isBoolean()) {
                    throw new IllegalArgumentException(where(path) + "expected true or false");
                }
                return node.booleanValue();
            default:
                throw new IllegalStateException("unsupported Avro type " + schema.getType());
        }
    }

    private static Object readEnum(Schema schema, JsonNode node, String path) {
        String text = node.asText().trim().toUpperCase(java.util.Locale.ROOT);
        if (!schema.getEnumSymbols().contains(text)) {
            throw new IllegalArgumentException(where(path) + "'" + node.asText() + "' is not one of "
                    + schema.getEnumSymbols());
        }
        return SpecificData.get().createEnum(text, schema);
    }

    /**
     * ISO-8601 instant ("2026-01-05T09:00:03Z", offsets allowed), a date-time without zone (taken
     * as UTC, 'T' or a space between date and time), or epoch milliseconds as a number or string.
     */
    public static Instant readInstant(JsonNode node, String path) {
        String text = node.asText().trim();
        Instant instant;
        if (node.isIntegralNumber() || !text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
            if (node.isIntegralNumber() ? !node.canConvertToLong() : text.length() > 19) {
                throw outOfRange(path, text);
            }
            try {
                instant = Instant.ofEpochMilli(node.isIntegralNumber() ? node.longValue() : Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw outOfRange(path, text);
            }
        } else {
            instant = parseInstant(text, path);
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw outOfRange(path, text);
        }
        return instant;
    }

    private static Instant parseInstant(String text, String path) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            // Common in exported logs: a space for the 'T', or no zone at all (taken as UTC).
            try {
                String iso = text.replace(' ', 'T');
                return java.time.LocalDateTime.parse(iso).toInstant(java.time.ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException(where(path) + "'" + abbreviate(text)
                        + "' is neither an ISO-8601 UTC timestamp (2026-01-05T09:00:03Z) nor epoch milliseconds");
            }
        }
    }

    /** Avro's timestamp-millis is a long of epoch milliseconds: an instant outside it cannot be written. */
    private static IllegalArgumentException outOfRange(String path, String text) {
        return new IllegalArgumentException(where(path) + "'" + abbreviate(text)
                + "' is outside the range of epoch milliseconds (a signed 64-bit number)");
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }

    private static JsonNode requireNumber(JsonNode node, String path) {
        if (!node.isNumber()) {
            throw new IllegalArgumentException(where(path) + "expected a number");
        }
        return node;
    }

    private static boolean isNullable(Schema schema) {
        return schema.getType() == Schema.Type.UNION
                && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL);
    }

    private static Schema nonNullBranch(Schema union) {
        return union.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst()
                .orElseThrow(() -> new IllegalStateException("union without a non-null branch: " + union));
    }

    private static String where(String path) {
        return "field '" + path + "': ";
    }
}
