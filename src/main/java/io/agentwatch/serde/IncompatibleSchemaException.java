package io.agentwatch.serde;

/**
 * The registry answered 409: the schema breaks the compatibility level set for the subject.
 * Checked by HTTP status only, because Apicurio's Confluent API sends {@code error_code: 0}
 * where Confluent sends 409.
 */
public class IncompatibleSchemaException extends SchemaRegistryException {

    public IncompatibleSchemaException(String message) {
        super(message);
    }
}
