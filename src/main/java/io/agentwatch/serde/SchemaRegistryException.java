package io.agentwatch.serde;

import org.apache.kafka.common.KafkaException;

/**
 * The schema registry refused a request or could not be reached. Not a
 * {@link org.apache.kafka.common.errors.SerializationException}: it says nothing about the
 * record being serialized (see the package documentation).
 */
public class SchemaRegistryException extends KafkaException {

    public SchemaRegistryException(String message) {
        super(message);
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
