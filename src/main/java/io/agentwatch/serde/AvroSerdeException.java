package io.agentwatch.serde;

import java.util.OptionalInt;
import org.apache.kafka.common.errors.SerializationException;

/**
 * This record cannot be (de)serialized. The {@link #reason()} is stable and machine-readable,
 * for the dead-letter topic's headers; the message is for people.
 */
public class AvroSerdeException extends SerializationException {

    /** Why a record was refused; {@link #code()} is the stable form. */
    public enum Reason {
        /** The payload does not start with the wire format's magic byte 0 (or is empty). */
        BAD_MAGIC_BYTE("bad-magic-byte"),
        /** The schema id in the payload is not known to the registry. */
        UNKNOWN_SCHEMA_ID("unknown-schema-id"),
        /** The writer's schema cannot be resolved to the reader's type. */
        INCOMPATIBLE_SCHEMA("incompatible-schema"),
        /** The schema id names a schema the registry holds in another format (Protobuf, JSON Schema). */
        UNSUPPORTED_SCHEMA("unsupported-schema"),
        /** The bytes do not decode with the writer's schema: truncated, trailing bytes, garbage. */
        CORRUPT_PAYLOAD("corrupt-payload"),
        /** Serializing only: the record does not match its own schema (e.g. null in a required field). */
        INVALID_RECORD("invalid-record");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;
    private final String topic;
    private final int schemaId;

    AvroSerdeException(Reason reason, String topic, int schemaId, String detail, Throwable cause) {
        super("[" + reason.code() + "] topic " + topic + (schemaId < 0 ? "" : ", schema id " + schemaId)
                + ": " + detail, cause);
        this.reason = reason;
        this.topic = topic;
        this.schemaId = schemaId;
    }

    AvroSerdeException(Reason reason, String topic, int schemaId, String detail) {
        this(reason, topic, schemaId, detail, null);
    }

    public Reason reason() {
        return reason;
    }

    public String topic() {
        return topic;
    }

    /** The schema id read from the payload, when the payload got that far. */
    public OptionalInt schemaId() {
        return schemaId < 0 ? OptionalInt.empty() : OptionalInt.of(schemaId);
    }
}
