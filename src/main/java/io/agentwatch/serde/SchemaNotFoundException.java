package io.agentwatch.serde;

/** The registry answered 404: no such schema id, subject, or schema under that subject. */
public class SchemaNotFoundException extends SchemaRegistryException {

    public SchemaNotFoundException(String message) {
        super(message);
    }
}
