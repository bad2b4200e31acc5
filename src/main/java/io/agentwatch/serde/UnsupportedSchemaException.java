package io.agentwatch.serde;

/** The registry holds this id, but not as an Avro schema we can parse (e.g. Protobuf). */
public class UnsupportedSchemaException extends SchemaRegistryException {

    public UnsupportedSchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
