package io.agentwatch.serde;

/**
 * Every attempt failed with a connection error, a timeout, HTTP 429 or a 5xx, and the
 * configured retries ran out.
 */
public class RegistryUnavailableException extends SchemaRegistryException {

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
